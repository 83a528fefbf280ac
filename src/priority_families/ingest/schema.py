"""The canonical extract format (`shared/spec/extracts.md`) as data.

Every module that reads or writes extracts takes its column lists from here, so the format is
declared once: synth writes it, ingest validates it, tests build rows from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ColumnType(StrEnum):
    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    NUMBER = "number"
    TERM = "term"
    KIND = "kind"


PERSON_COLUMNS: tuple[str, ...] = (
    "source",
    "record_id",
    "first_name",
    "last_name",
    "dob",
    "sex",
    "address_line1",
    "postcode",
    "uprn",
    "upn",
    "nhs_number",
    "ni_number",
)
REQUIRED_PERSON_COLUMNS: tuple[str, ...] = ("source", "record_id", "first_name", "last_name")
SEXES: tuple[str, ...] = ("M", "F", "U")

OUT_OF_WORK_BENEFITS: tuple[str, ...] = ("JSA", "ESA", "IB", "IS", "CA", "SDA", "UC_work_related")


@dataclass(frozen=True)
class FactColumn:
    name: str
    type: ColumnType
    required: bool = True
    kinds: tuple[str, ...] | None = None  # closed vocabulary for KIND columns; None = open
    bounds: tuple[int, int] | None = None  # inclusive range for INTEGER columns (beyond non-negative)


@dataclass(frozen=True)
class FactKind:
    """One `<fact>.csv` file: what one row describes and its typed fact columns."""

    name: str
    row_is: str
    columns: tuple[FactColumn, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _date(name: str, required: bool = True) -> FactColumn:
    return FactColumn(name, ColumnType.DATE, required)


def _kind(name: str, kinds: tuple[str, ...] | None, required: bool = True) -> FactColumn:
    return FactColumn(name, ColumnType.KIND, required, kinds)


def _int(name: str, required: bool = True) -> FactColumn:
    return FactColumn(name, ColumnType.INTEGER, required)


FACT_KINDS: dict[str, FactKind] = {
    k.name: k
    for k in (
        FactKind(
            "school_attendance",
            "pupil per school term",
            (
                FactColumn("term", ColumnType.TERM),
                _int("possible_sessions"),
                _int("authorised_absence"),
                _int("unauthorised_absence"),
            ),
        ),
        FactKind(
            "exclusion", "exclusion", (_date("date"), _kind("kind", ("fixed", "permanent")), _int("sessions", False))
        ),
        FactKind(
            "education_status",
            "spell",
            (
                _date("start_date"),
                _date("end_date", False),
                _kind("kind", ("alternative_provision", "not_registered", "home_educated")),
            ),
        ),
        FactKind("offence", "proven offence", (_date("date"), FactColumn("gravity", ColumnType.INTEGER, False, bounds=(1, 8)))),
        FactKind("asb_incident", "anti-social behaviour report naming the person", (_date("date"),)),
        FactKind(
            "breach",
            "return to court for failing to comply with an order, licence or ASB intervention",
            (_date("date"), _kind("kind", ("order", "licence", "asb_intervention"))),
        ),
        FactKind(
            "asb_intervention",
            "ASB order, injunction, contract or housing-related ASB action",
            (_date("start_date"), _date("end_date", False), _kind("kind", None, False)),
        ),
        FactKind(
            "justice",
            "custody, licence or community sentence spell",
            (
                _date("start_date"),
                _date("end_date", False),
                _kind("kind", ("custody", "licence", "community_order", "suspended_sentence")),
                _date("release_date", False),
            ),
        ),
        FactKind(
            "domestic_abuse",
            "domestic incident reported to police",
            (
                _date("date"),
                _kind("role", ("victim", "perpetrator", "other"), False),
                _kind("risk", ("standard", "medium", "high"), False),
            ),
        ),
        FactKind("marac", "referral to a MARAC", (_date("date"),)),
        FactKind(
            "benefit",
            "benefit spell",
            (_date("start_date"), _date("end_date", False), _kind("kind", None)),
        ),
        FactKind(
            "employment",
            "employment spell",
            (_date("start_date"), _date("end_date", False), FactColumn("hours_per_week", ColumnType.NUMBER, False)),
        ),
        FactKind(
            "work_progress",
            "a step towards work",
            (
                _date("start_date"),
                _date("end_date", False),
                _kind(
                    "kind",
                    (
                        "volunteering",
                        "work_club",
                        "work_experience",
                        "apprenticeship",
                        "qualification",
                        "work_programme",
                        "esf",
                    ),
                ),
            ),
        ),
        FactKind(
            "social_care",
            "episode",
            (
                _date("start_date"),
                _date("end_date", False),
                _kind("kind", ("early_help", "child_in_need", "child_protection", "looked_after")),
            ),
        ),
        FactKind("referral", "referral to the front door (MASH / early help unit)", (_date("date"),)),
        FactKind("missing_episode", "child reported missing", (_date("date"),)),
        FactKind("exploitation_risk", "child assessed at risk of sexual or criminal exploitation", (_date("date"),)),
        FactKind(
            "neet", "status record for a young person", (_date("date"), _kind("kind", ("neet", "roni_red", "roni_amber", "eet")))
        ),
        FactKind(
            "health",
            "health need recorded by a professional",
            (
                _date("date"),
                _kind(
                    "kind",
                    (
                        "mental_health",
                        "substance_misuse",
                        "physical_health",
                        "not_gp_registered",
                        "perinatal_mental_health",
                        "ehcp",
                        "adhd",
                    ),
                ),
            ),
        ),
        FactKind("ae_attendance", "A&E attendance", (_date("date"),)),
        FactKind(
            "housing",
            "housing or money event",
            (_date("date"), _kind("kind", ("rent_arrears", "eviction_notice", "homeless", "debt"))),
        ),
    )
}

# Every typed fact column across all kinds, with one type each: the wide `records` table has one
# column per name here (NULL where a kind does not have it).
FACT_COLUMN_TYPES: dict[str, ColumnType] = {}
for _k in FACT_KINDS.values():
    for _c in _k.columns:
        FACT_COLUMN_TYPES.setdefault(_c.name, _c.type)


def header_for(fact: str) -> list[str]:
    """The canonical CSV header of a fact file: person columns, then its fact columns."""
    return [*PERSON_COLUMNS, *FACT_KINDS[fact].column_names]
