"""The register of information-sharing agreements: under which agreement each partner's extract arrives.

A partner may send us personal data only under a signed information-sharing agreement (seed 001: "Individual
Information Sharing Protocols ... are being put in place"; seed 002: "review existing information sharing
protocols"). The register is data, a YAML file (`agreements.yaml` beside the extracts, or one the council
keeps elsewhere), read and validated here; `priority_families.refresh.check_agreements` refuses a refresh
whose sources it does not cover, or whose agreement is past its review date.

Each agreement says who the partner is, which sources and extract kinds and person fields it covers, why
(purpose), the lawful basis (UK GDPR Article 6; Article 9 and a DPA 2018 Schedule 1 condition for health data;
a DPA 2018 condition for criminal-offence data, Article 10), who signed it and when, when it must be reviewed,
how long what it brings may be kept, and what, if anything, may be sent back to the partner as a flag.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from priority_families.core.problems import RowProblem, RowsRefused
from priority_families.ingest.schema import FACT_KINDS, PERSON_COLUMNS

AGREEMENTS_FILE = "agreements.yaml"
# Extract kinds that carry special-category data (health: UK GDPR Article 9) and criminal-offence data
# (Article 10); an agreement covering them must name the condition it relies on.
SPECIAL_CATEGORY_FACTS = frozenset({"health", "ae_attendance"})
CRIMINAL_OFFENCE_FACTS = frozenset({"offence", "justice"})
FLAG_IDENTIFIERS = ("record_id", "upn", "nhs_number", "ni_number")  # what a flag may name a person by
FLAG_MARKER = "in_programme_since"  # the programme marker: the date the family was attached


class LawfulBasis(BaseModel):
    """Why the processing is lawful: Article 6 always; Article 9 and the DPA 2018 condition where needed."""

    model_config = ConfigDict(extra="forbid")

    article_6: str = Field(min_length=1)
    article_9: str | None = None
    dpa_2018_condition: str | None = None


class FlagsBack(BaseModel):
    """What may be sent back to the partner about its own people who are in the programme."""

    model_config = ConfigDict(extra="forbid")

    identifiers: list[str] = Field(min_length=1)
    marker: bool = True  # "in the programme since" (the family's attachment date)

    @field_validator("identifiers")
    @classmethod
    def _known_identifiers(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in FLAG_IDENTIFIERS]
        if unknown:
            raise ValueError(f"unknown identifier {', '.join(unknown)} (allowed: {', '.join(FLAG_IDENTIFIERS)})")
        return value


class Partner(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Agreement(BaseModel):
    """One signed information-sharing agreement with one partner."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    partner: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    facts: list[str] = Field(min_length=1)
    fields: list[str] = Field(min_length=1)
    purpose: str = Field(min_length=1)
    lawful_basis: LawfulBasis
    signed_by: str = Field(min_length=1)
    signed_on: date
    review_on: date
    retention_years: int = Field(gt=0, le=100)
    flags_back: FlagsBack | None = None

    @field_validator("facts")
    @classmethod
    def _known_facts(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in FACT_KINDS]
        if unknown:
            raise ValueError(f"unknown extract kind {', '.join(unknown)}")
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in PERSON_COLUMNS]
        if unknown:
            raise ValueError(f"unknown person field {', '.join(unknown)} (allowed: {', '.join(PERSON_COLUMNS)})")
        return value

    @model_validator(mode="after")
    def _basis_fits_the_data(self) -> Agreement:
        if self.review_on <= self.signed_on:
            raise ValueError(f"review_on {self.review_on} is not after signed_on {self.signed_on}")
        special = sorted(SPECIAL_CATEGORY_FACTS.intersection(self.facts))
        if special and not (self.lawful_basis.article_9 and self.lawful_basis.dpa_2018_condition):
            raise ValueError(f"covers health data ({', '.join(special)}): lawful_basis needs article_9 and "
                             "dpa_2018_condition")
        criminal = sorted(CRIMINAL_OFFENCE_FACTS.intersection(self.facts))
        if criminal and not self.lawful_basis.dpa_2018_condition:
            raise ValueError(f"covers criminal-offence data ({', '.join(criminal)}): lawful_basis needs "
                             "dpa_2018_condition")
        if self.flags_back:
            missing = [i for i in self.flags_back.identifiers if i != "record_id" and i not in self.fields]
            if missing:
                raise ValueError(f"flags_back names {', '.join(missing)}, which the agreement does not cover")
        return self

    def covers(self, source: str, fact: str) -> bool:
        return source in self.sources and fact in self.facts

    def due_for_review(self, on: date) -> bool:
        return self.review_on < on


class Register(BaseModel):
    """The council's register: its partners and the agreements signed with them."""

    model_config = ConfigDict(extra="forbid")

    authority: str = Field(min_length=1)
    partners: list[Partner] = Field(min_length=1)
    agreements: list[Agreement] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Register:
        known = {p.id for p in self.partners}
        for i, a in enumerate(self.agreements):
            if a.partner not in known:
                raise _AtField(("agreements", i, "partner"), f"unknown partner {a.partner!r} (not in partners)")
        ids = [a.id for a in self.agreements]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"agreement id used twice: {', '.join(twice)}")
        covered = [(s, f) for a in self.agreements for s in a.sources for f in a.facts]
        overlap = sorted({c for c in covered if covered.count(c) > 1})
        if overlap:
            raise ValueError("covered by two agreements: " + ", ".join(f"{s} {f}" for s, f in overlap))
        return self

    def partner(self, partner_id: str) -> Partner:
        for p in self.partners:
            if p.id == partner_id:
                return p
        raise KeyError(partner_id)

    def of_partner(self, partner_id: str) -> list[Agreement]:
        return [a for a in self.agreements if a.partner == partner_id]

    def coverage_rows(self) -> list[tuple[str, str, str, str, date, int]]:
        """(source, fact, agreement id, partner, review_on, retention_years) per extract an agreement covers."""
        return [(s, f, a.id, a.partner, a.review_on, a.retention_years)
                for a in self.agreements for s in a.sources for f in a.facts]

    def due_for_review(self, on: date, within_days: int = 0) -> list[Agreement]:
        """Agreements whose review date is before `on` + `within_days` (lapsed, or soon to lapse)."""
        return sorted((a for a in self.agreements if (a.review_on - on).days < within_days or a.due_for_review(on)),
                      key=lambda a: (a.review_on, a.id))


class _AtField(ValueError):
    """A register-level problem that belongs to one field (so its line can be named)."""

    def __init__(self, loc: tuple[str | int, ...], reason: str) -> None:
        self.loc = loc
        super().__init__(reason)


def load_register(path: Path) -> Register:
    """Read and validate a register; every problem is one line naming the file, line, field and reason."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise RowsRefused([RowProblem(str(path), 0, "(file)", "no agreements register found")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise RowsRefused([RowProblem(str(path), line, "(file)", f"not valid YAML: {str(exc).splitlines()[0]}")]) \
            from None
    try:
        return Register.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise RowsRefused([_problem(path, node, err) for err in exc.errors()]) from None


def _problem(path: Path, node: Any, err: Any) -> RowProblem:
    loc = tuple(err["loc"])
    reason = str(err["msg"]).removeprefix("Value error, ")
    ctx_error = (err.get("ctx") or {}).get("error")
    if isinstance(ctx_error, _AtField):
        loc = loc + ctx_error.loc
    line = _line_of(node, loc)
    return RowProblem(str(path), line, ".".join(str(p) for p in loc) or "(register)", reason)


def _line_of(node: Any, loc: tuple[str | int, ...]) -> int:
    """The 1-based line of the deepest YAML node on `loc` (the mapping that lacks a missing field)."""
    if node is None:
        return 1
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1
