"""Read-side questions the pages ask: the cohort with its case state, search, and dashboard figures."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat, Trim

from priority_families.casedb.figures import Figures, programme_figures
from priority_families.casedb.models import (
    Case,
    Family,
    Member,
    NameWord,
    ProgrammeTarget,
    Role,
    TrackerRefresh,
)
from priority_families.core.calendar import financial_year_start
from priority_families.web.access import cases_for, families_for, role_of

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?( ?\d[A-Z]{0,2})?$")


def latest_refresh() -> TrackerRefresh | None:
    return TrackerRefresh.objects.first()


def with_case(families: QuerySet[Family]) -> QuerySet[Family]:
    """Families annotated with their case's status, lead worker and agency."""
    case = Case.objects.filter(family_id=OuterRef("family_id"))
    return families.annotate(
        status=Subquery(case.values("status")[:1]),
        lead_worker=Subquery(case.values("lead_worker__username")[:1]),
        lead_worker_name=Subquery(case.annotate(
            name=Trim(Concat("lead_worker__first_name", Value(" "), "lead_worker__last_name")))
            .values("name")[:1]),
        agency=Subquery(case.values("agency__name")[:1]),
    )


def _as_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def name_words(text: str) -> list[str]:
    """A name's words as search keys: accents dropped, lower case, split at anything not a-z.

    Publishing computes the same words in DuckDB (`publish.NAME_WORDS`); a test holds the two equal.
    """
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return [w for w in re.split(r"[^a-z]+", folded.lower()) if w]


WORD_MAX = 200  # NameWord.word's length: every word starting with w sorts between w and w + "z" * the rest


def _starting_with(word: str) -> QuerySet[NameWord]:
    """Name words starting with `word`, as an index range (works on SQLite and PostgreSQL alike)."""
    return NameWord.objects.filter(word__range=(word, word + "z" * (WORD_MAX - len(word))))


def _matching_people(tokens: list[str]) -> QuerySet:
    """The family ids of people who fit every token: a date is their birth, a word starts one of their names.

    The longest name word drives the query from the (word, person, family) index; each other word is an
    index probe for the same person and dates narrow by person, so a common surname is one index range,
    never a scan of every member.
    """
    dates = [d for d in map(_as_date, tokens) if d is not None]
    words = [w for t in tokens if _as_date(t) is None for w in name_words(t)]
    if any(_as_date(t) is None and (not name_words(t) or any(c.isdigit() for c in t)) for t in tokens):
        return NameWord.objects.none().values("family_id")  # e.g. "12345", "F0012": neither a date nor a name
    if not words:
        people = Member.objects.filter(dob=dates[0])
        for dob in dates[1:]:
            people = people.filter(dob=dob)
        return people.values("family_id")
    words.sort(key=len, reverse=True)  # the longest word is likely the rarest: let it drive
    people = _starting_with(words[0])
    for word in words[1:]:
        people = people.filter(Exists(_starting_with(word).filter(person_id=OuterRef("person_id"))))
    for dob in dates:
        people = people.filter(person_id__in=Member.objects.filter(dob=dob).values("person_id"))
    return people.values("family_id")


def search(families: QuerySet[Family], q: str, few: bool = False) -> QuerySet[Family]:
    """The family with id `q`, or else families with a member matching every word of `q`.

    Words that read as dates must equal the member's date of birth; the others must each start a word of
    the same member's first or last name ("smi 3/4/2005"). A query that reads as a postcode matches the
    start of members' postcodes. `few` says `families` is a short list (a worker's caseload): each is then
    checked by its own index probe instead of building the set of everyone who fits first.
    """
    q = " ".join(q.split())
    if not q:
        return families
    by_id = families.filter(family_id__in={q, q.upper(), q.lower()})
    if by_id.exists():  # a family id: that family alone (and no OR, which would stop a semi-join below)
        return by_id
    if POSTCODE.match(q.upper()) and _as_date(q) is None:
        hits = Member.objects.filter(postcode__startswith=q.upper()).values("family_id")
    else:
        hits = _matching_people(q.split())
    if few:
        return families.filter(Exists(hits.filter(family_id=OuterRef("pk"))))
    return families.filter(pk__in=hits)


def matched_members(family_pks: list[int], q: str) -> dict[int, list[Member]]:
    """Which members of these families matched a search (by name, date of birth or postcode), so a result
    can say why it is there; none for a search by family id or no search."""
    q = " ".join(q.split())
    if not q or not family_pks:
        return {}
    if POSTCODE.match(q.upper()) and _as_date(q) is None:
        people = Member.objects.filter(family_id__in=family_pks, postcode__startswith=q.upper())
    else:
        hits = _matching_people(q.split()).filter(family_id__in=family_pks).values_list("person_id", flat=True)
        people = Member.objects.filter(family_id__in=family_pks, person_id__in=list(hits))
    found: dict[int, list[Member]] = {}
    for member in people.order_by("last_name", "first_name"):
        found.setdefault(member.family_id, []).append(member)
    return found


def has_headline(headline: str) -> Q:
    """Families whose `;`-separated headlines include `headline` (plain LIKEs: no regex per row)."""
    return (Q(headlines=headline) | Q(headlines__startswith=f"{headline};")
            | Q(headlines__endswith=f";{headline}") | Q(headlines__contains=f";{headline};"))


def cohort(user: AbstractBaseUser, q: str = "", headline: str = "", area: str = "", status: str = "",
           priority: float | None = None) -> QuerySet[Family]:
    rows = with_case(families_for(user))
    if headline:
        rows = rows.filter(has_headline(headline))
    if area:
        rows = rows.filter(area=area)
    if status:
        rows = rows.filter(status=status)
    if priority is not None:
        rows = rows.filter(priority__gte=priority)
    return search(rows, q, few=role_of(user) is not Role.ANALYST).order_by("-priority", "family_id")


def figures(user: AbstractBaseUser) -> tuple[Figures, list[dict], list[dict], int | None, int | None]:
    """The dashboard's headline figures for the cases a user may see (`casedb.figures`' definitions), the same
    by area and by lead agency, and the programme year's target."""
    refresh = latest_refresh()
    year = financial_year_start(refresh.as_of) if refresh else None
    target = ProgrammeTarget.objects.filter(year=year).values_list("families", flat=True).first()
    totals, by_area, by_agency = programme_figures(cases_for(user))
    return totals, by_area, by_agency, target, year
