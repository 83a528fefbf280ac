"""The noise-free view of the synthetic county that ground truth is computed from.

Synth builds these while it generates; the rules oracle (`synth.oracle`) reads them. They never reach
the product's own code paths: the product only ever sees the noisy extracts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class TruePerson:
    person_id: str
    dob: date
    sex: str


@dataclass(frozen=True)
class CleanFact:
    """One extract row before noise: its fact kind, true person and typed fact values.

    `values` holds the fact columns with Python types: dates as `date`, counts as `int`, blank as None.
    """

    fact: str
    person_id: str
    source: str
    record_id: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FamilyVerdict:
    eligible: bool
    headlines: frozenset[str]
