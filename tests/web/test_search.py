"""Search keys: publishing's DuckDB name words equal the search's Python ones; word, date and id search."""

from __future__ import annotations

import duckdb
import pytest
from django.urls import reverse

from priority_families.casedb.models import Family, Member, NameWord
from priority_families.casedb.publish import NAME_WORDS
from priority_families.synth.names import FEMALE_FIRST, MALE_FIRST, SURNAMES
from priority_families.web.queries import name_words

NAMES = [*SURNAMES, *MALE_FIRST, *FEMALE_FIRST, "Smith-Jones", "Zoë  O'Brien", "ANNE-MARIE", "", "  "]


def test_publish_name_words_equal_the_search_name_words():
    con = duckdb.connect()
    con.execute("CREATE TABLE persons (person_id VARCHAR, first_name VARCHAR, last_name VARCHAR)")
    con.execute("CREATE TABLE kept_members (family_id VARCHAR, person_id VARCHAR)")
    rows = [(f"P{i}", first, last) for i, (first, last) in enumerate(zip(NAMES, reversed(NAMES), strict=True))]
    con.executemany("INSERT INTO persons VALUES (?, ?, ?)", rows)
    con.executemany("INSERT INTO kept_members VALUES ('F1', ?)", [(r[0],) for r in rows])
    got = set(con.execute(NAME_WORDS).fetchall())
    expected = {("F1", p, w) for p, first, last in rows for w in name_words(first) + name_words(last)}
    assert got == expected
    assert name_words("Wiśniewski Smith-Jones") == ["wisniewski", "smith", "jones"]


def _oracle(q: str) -> set[str]:
    """Families with a member every word of `q` fits (by Python over all members: the test's own reading)."""
    from priority_families.web.queries import _as_date

    found = set()
    for m in Member.objects.select_related("family"):
        words = name_words(m.first_name) + name_words(m.last_name)
        fits = all(
            (_as_date(t) == m.dob) if _as_date(t) else
            not any(c.isdigit() for c in t) and bool(name_words(t))
            and all(any(w.startswith(k) for w in words) for k in name_words(t))
            for t in q.split()
        )
        if fits:
            found.add(m.family.family_id)
    return found


def _found(client, q: str) -> set[str]:
    response = client.get(reverse("web:cohort"), {"q": q, "page": 1})
    assert response.status_code == 200
    assert response.context["total"] == response.context["page"].paginator.count
    rows = response.context["page"].paginator.object_list
    return set(rows.values_list("family_id", flat=True))


@pytest.mark.django_db
def test_words_match_the_start_of_the_same_members_names_and_dates_their_birth(signed_in, published):
    client = signed_in("analyst")
    member = Member.objects.exclude(dob=None).exclude(last_name="").exclude(first_name="").first()
    first, last = name_words(member.first_name)[0], name_words(member.last_name)[0]
    assert NameWord.objects.filter(person_id=member.person_id).count() >= 2
    for q in (last[:3], f"{first} {last}", f"{last.upper()} {member.dob:%d/%m/%Y}",
              f"{first[:2]} {member.dob.isoformat()}", f"{last} 01/01/1800", f"{first} qqzzx", "12345", "smith2"):
        assert _found(client, q) == _oracle(q), q
    assert member.family.family_id in _found(client, f"{last} {member.dob:%d/%m/%Y}")
    assert _found(client, "qqzzx") == set()
    fid = Family.objects.first().family_id
    assert _found(client, fid) == {fid} == _found(client, fid.lower())
    assert _oracle(fid) == set() == _found(client, fid + "9")


@pytest.mark.django_db
def test_a_lead_worker_searches_only_their_own_families(signed_in, published, people):
    from django.contrib.auth import get_user_model

    from priority_families.casedb.casework import Actor, allocate
    from priority_families.casedb.models import Agency

    mine, other = Family.objects.all()[:2]
    worker = get_user_model().objects.get(username="worker")
    allocate(mine.family_id, Agency.objects.get(name="Family Support"), worker, Actor("test"))
    client = signed_in("worker")
    for family in (mine, other):
        member = family.people.exclude(dob=None).exclude(last_name="").first()
        q = f"{name_words(member.last_name)[0]} {member.dob:%d/%m/%Y}"
        assert _found(client, q) == (_oracle(q) & {mine.family_id}), q
    surname = name_words(mine.people.exclude(last_name="").first().last_name)[0]
    assert _found(client, surname) == {mine.family_id}
