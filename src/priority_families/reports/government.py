"""The government's data returns beside the quarterly return (seed 002 §11): Family Monitoring Data for a
reproducible random sample of at least 10% of the families worked with, Family Progress Data (each family's
problems at the start and now), an extract for the national evaluation with personal identifiers pseudonymised
under a key the council holds, and the calendar of returns.

- **The sample** ranks the families worked with by `sha256(seed || ':' || family_id)` and takes the first
  `ceil(share * n)` (at least one): the same seed, share and families draw the same sample, in SQL, and the seed
  is written into the manifest beside the file.
- **Progress** is judged on the refresh standing on the date (`outcomes.progress`), against the headlines frozen
  at attachment (`BaselineLine`).
- **Pseudonyms** are HMAC-SHA256 of the id under the council's key, read from a file or the environment variable
  `PF_EVALUATION_KEY` and never written anywhere: the extract holds no name, date of birth, address or id of
  ours, only the pseudonyms, the year of birth, sex and the programme's facts. Without a key, nothing is written.

The calendar of returns is `reports.calendar_of_returns`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from priority_families.casedb.figures import worked_with
from priority_families.casedb.models import Attachment, BaselineLine
from priority_families.core.engine import Workspace
from priority_families.core.export import copy_to_csv
from priority_families.core.files import write_private
from priority_families.core.sql import load_rows
from priority_families.geography import FAMILY_PLACES_SQL, has_geography
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import refresh_standing_on
from priority_families.reports.statistics import load_case_record

KEY_VARIABLE = "PF_EVALUATION_KEY"
MIN_KEY_BYTES = 32
MIN_SHARE = 0.10  # the government asked for a random sample of at least 10%


class GovernmentReturnError(ValueError):
    """A return that cannot be made as asked (no key, a share below 10%, a bad calendar); nothing written."""


def _load(con: duckdb.DuckDBPyConnection, on: date) -> None:
    """The statistics' case-record rows (g_att, g_members, g_claims) and the headlines each family started with."""
    load_case_record(con, on, prefix="g_")
    load_rows(con, "g_start", {"family_id": "VARCHAR", "headline": "VARCHAR"},
              list(BaselineLine.objects.filter(attachment__in=worked_with(Attachment.objects.all(), on))
                   .values_list("attachment__family_id", "headline").distinct()))


# --- Family Monitoring Data: the sample ------------------------------------------------------------------


@dataclass(frozen=True)
class FmdSample:
    on: date
    seed: int
    share: float
    population: int
    families: list[str]
    refresh_id: str


def _sample_sql(seed: int, share: float) -> str:
    return ("SELECT family_id FROM g_att ORDER BY sha256(CAST(? AS VARCHAR) || ':' || family_id), family_id "
            f"LIMIT (SELECT GREATEST(1, CAST(CEIL(COUNT(*) * {share!r}) AS BIGINT)) FROM g_att)")


def family_monitoring(workspace: Workspace, on: date, seed: int, out: Path, share: float = MIN_SHARE) -> FmdSample:
    """Draw the sample of the families worked with by `on` and write OUT/fmd-D.csv (one row per sampled family:
    attachment, lead agency, ward, members at attachment, headlines at attachment) and OUT/fmd-D.json (the seed,
    the share, how many families it was drawn from, and the families)."""
    if not MIN_SHARE <= share <= 1:
        raise GovernmentReturnError(f"the sample share must be between {MIN_SHARE:.0%} and 100%, not {share:.1%}")
    refresh = refresh_standing_on(workspace, on)
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=on) as con:
        _load(con, on)
        population = con.execute("SELECT COUNT(*) FROM g_att").fetchall()[0][0]
        if not population:
            raise GovernmentReturnError(f"no family was worked with on or before {on.isoformat()}: nothing to sample")
        con.execute(f"CREATE TEMP TABLE g_sample AS {_sample_sql(seed, share)}", [str(seed)])
        ward = (f"(SELECT ward FROM ({FAMILY_PLACES_SQL}) p WHERE p.family_id = a.family_id)"
                if has_geography(con) else "NULL")
        out.mkdir(parents=True, exist_ok=True)
        copy_to_csv(con, "SELECT a.family_id, a.attached_on, a.lead_agency, a.plan_id, "
                         f"{ward} AS ward, (SELECT COUNT(*) FROM g_members m WHERE m.family_id = a.family_id) "
                         "AS members_at_attachment, (SELECT STRING_AGG(headline, ';' ORDER BY headline) FROM g_start s "
                         "WHERE s.family_id = a.family_id) AS headlines_at_attachment FROM g_att a "
                         "JOIN g_sample USING (family_id) ORDER BY a.family_id", out / f"fmd-{on.isoformat()}.csv")
        families = [f for (f,) in con.execute("SELECT family_id FROM g_sample ORDER BY family_id").fetchall()]
    sample = FmdSample(on, seed, share, int(population), families, refresh.refresh_id)
    write_private(out / f"fmd-{on.isoformat()}.json", json.dumps({
        "return": "Family Monitoring Data", "on": on.isoformat(), "seed": seed, "share": share,
        "drawn_from": sample.population, "sampled": len(families), "refresh_id": refresh.refresh_id,
        "rule": "families worked with on or before `on`, ordered by sha256(seed:family_id), the first "
                "ceil(share * drawn_from)", "families": families}, indent=1).encode())
    return sample


# --- Family Progress Data ---------------------------------------------------------------------------------


_PROGRESS_SQL = (
    "SELECT a.family_id, h.headline, h.headline IN (SELECT headline FROM g_start s WHERE s.family_id = a.family_id) "
    "AS problem_at_start, h.status AS now, "
    "(SELECT STRING_AGG(route, ';' ORDER BY route) FROM g_claims c WHERE c.family_id = a.family_id) AS claimed "
    "FROM g_att a JOIN headline_status h ON h.family_id = a.family_id ORDER BY a.family_id, h.headline"
)


def family_progress_data(workspace: Workspace, on: date, out: Path) -> Path:
    """OUT/fpd-D.csv: every family worked with by `on`, each headline: a problem at the start or not, its status
    now (met, not yet, awaiting attestation, not applicable) on the refresh standing on `on`, claims standing."""
    refresh = refresh_standing_on(workspace, on)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"fpd-{on.isoformat()}.csv"
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=on) as con:
        _load(con, on)
        copy_to_csv(con, _PROGRESS_SQL, path)
    return path


# --- The national evaluation extract ----------------------------------------------------------------------


def evaluation_key(key_file: Path | None = None) -> bytes:
    """The council's pseudonymisation key: the file's bytes (stripped), else `PF_EVALUATION_KEY`; refused when
    missing or shorter than 32 bytes (a short key can be guessed and every pseudonym reversed)."""
    if key_file is not None:
        try:
            key = Path(key_file).read_bytes().strip()
        except OSError as exc:
            raise GovernmentReturnError(f"the key file {key_file} cannot be read: {exc.strerror}") from None
    else:
        key = os.environ.get(KEY_VARIABLE, "").strip().encode()
    if not key:
        raise GovernmentReturnError(f"no pseudonymisation key: give --key-file FILE or set {KEY_VARIABLE}; the "
                                    "council holds the key, never the repository or the extract")
    if len(key) < MIN_KEY_BYTES:
        raise GovernmentReturnError(f"the pseudonymisation key is {len(key)} bytes: it must be at least "
                                    f"{MIN_KEY_BYTES} (e.g. `openssl rand -hex 32`)")
    return key


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """HMAC-SHA256 of `kind:value` under the key (a person and a family with the same id differ)."""
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def national_evaluation(workspace: Workspace, on: date, key: bytes, out: Path) -> Path:
    """OUT/national-evaluation-D.csv: one row per member at attachment of each family worked with by `on`:
    pseudonymised family and person, year of birth, sex, attachment date, lead agency, headlines at the start,
    headlines met now, claims standing. The key is used in memory only."""
    refresh = refresh_standing_on(workspace, on)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"national-evaluation-{on.isoformat()}.csv"
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=on) as con:
        _load(con, on)

        def keyed(kind: str, value: str) -> str:  # DuckDB reads the types from the annotations
            return pseudonym(key, kind, value)

        con.create_function("pf_pseudonym", keyed)
        copy_to_csv(con, (
            "SELECT pf_pseudonym('family', a.family_id) AS family_pseudonym, "
            "pf_pseudonym('person', m.person_id) AS person_pseudonym, YEAR(m.dob) AS year_of_birth, "
            "(SELECT MIN(p.sex) FROM persons p WHERE p.person_id = m.person_id) AS sex, a.attached_on, "
            "a.lead_agency, (SELECT STRING_AGG(headline, ';' ORDER BY headline) FROM g_start s "
            "WHERE s.family_id = a.family_id) AS headlines_at_start, "
            "(SELECT STRING_AGG(headline, ';' ORDER BY headline) FROM headline_status h "
            "WHERE h.family_id = a.family_id AND h.status = 'met') AS headlines_met_now, "
            "(SELECT STRING_AGG(route, ';' ORDER BY route) FROM g_claims c WHERE c.family_id = a.family_id) "
            "AS claimed FROM g_att a JOIN g_members m ON m.family_id = a.family_id "
            "ORDER BY family_pseudonym, person_pseudonym"), path)
    return path
