from datetime import date

from priority_families.synth.calendar import add_months, age_on, birthday_turning, last_terms


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2015, 8, 31), -6) == date(2015, 2, 28)
    assert add_months(date(2016, 8, 31), -6) == date(2016, 2, 29)
    assert add_months(date(2015, 1, 31), 1) == date(2015, 2, 28)
    assert add_months(date(2015, 8, 31), -12) == date(2014, 8, 31)


def test_age_counts_birthday_on_the_day() -> None:
    assert age_on(date(1997, 8, 31), date(2015, 8, 31)) == 18
    assert age_on(date(1997, 9, 1), date(2015, 8, 31)) == 17
    assert age_on(birthday_turning(5, date(2015, 8, 31)), date(2015, 8, 31)) == 5


def test_last_terms_are_those_ended_by_the_date() -> None:
    assert [t[0] for t in last_terms(date(2015, 8, 31))] == ["2014-autumn", "2015-spring", "2015-summer"]
    assert [t[0] for t in last_terms(date(2015, 7, 30))] == ["2014-summer", "2014-autumn", "2015-spring"]
    assert [t[0] for t in last_terms(date(2015, 7, 31))] == ["2014-autumn", "2015-spring", "2015-summer"]
