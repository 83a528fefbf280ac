"""Level 3: a refresh composed from its stages, published once, and the one answer to "which refresh is in force".

A refresh (ingest, linkage, households, identification) runs inside ONE `Workspace.publishing(fresh=True)`, so
the published store changes only when the whole refresh has succeeded and passed its guards; the output files
are written from the published store afterwards. Every published store is kept under `refreshes/` (engine), so a
past quarter can be re-reported exactly as it stood.

`PublishedRefresh` is what every command and page asks: id, as_of, plan and its hash, when it was published,
records per source and any override recorded with it. Nothing evaluates past its `as_of`
(`PublishedRefresh.require_covers`).
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import duckdb

from priority_families.core.engine import StoreError, Workspace, record_stage, stage_executor
from priority_families.core.export import copy_to_csv
from priority_families.core.files import private_dir
from priority_families.core.problems import RowsRefused
from priority_families.core.spark import RemoteFolder, RemoteFolderError, is_uri, require_spark
from priority_families.core.sql import has_table, quote_ident
from priority_families.geography import load_geography
from priority_families.geography.lookup import GEOGRAPHY_DIR
from priority_families.households import HouseholdSummary, build_households, load_gazetteer
from priority_families.households.gazetteer import GAZETTEER_FILE
from priority_families.identify.outputs import OutputFiles, write_outputs
from priority_families.identify.run import IdentifySummary, identify_families
from priority_families.identify.workbook import write_workbook
from priority_families.ingest.agreements import AGREEMENTS_FILE, Register, load_register
from priority_families.ingest.errors import IngestError
from priority_families.ingest.refresh import (
    DEFAULT_MAX_FILE_MB,
    EXTRACT_SUFFIXES,
    REFRESH_FILE,
    REJECTS_FILE,
    WARNINGS_FILE,
    FileCallback,
    IngestReport,
    ingest_extracts,
    load_refresh_settings,
)
from priority_families.ingest.schema import PERSON_COLUMNS
from priority_families.linkage import Linker, LinkSummary, link_records, review
from priority_families.linkage.pipeline import LinkageError, Step, TruthLinkage
from priority_families.linkage.settings import LinkageSettings
from priority_families.linkage.spark import SplinkSparkLinkage
from priority_families.plans.loader import load_plan, load_plan_text, plan_from_text
from priority_families.plans.schema import Plan

STEPS = ("ingest", "guards", "linkage", "households", "identification", "outputs", "workbook")
CHARTS_DIR = "linkage"
SPARK_DIR = "spark"  # the Spark engine's Parquet exchange and checkpoints (emptied after each run)
DEFAULT_MAX_SHRINK = 0.5  # a truncated or half-sent extract; a rolling window legitimately loses less


class RefreshError(StoreError):
    """No refresh is in force, or a command asked about a date the refresh in force does not cover."""


class GuardError(StoreError):
    """A new refresh would lose data against the refresh in force; nothing was published."""


# --- The refresh in force -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRefresh:
    """A published refresh: what the data describes (as_of), under which plan, from how many records per source."""

    refresh_id: str
    as_of: date
    authority: str
    published_at: datetime
    plan_id: str | None
    plan_text: str | None
    records_by_extract: dict[tuple[str, str], int] = field(default_factory=dict)  # (source, fact) -> records
    override: str | None = None
    agreements: tuple[str, ...] = ()  # the information-sharing agreements the refresh relied on
    agreements_override: str | None = None  # why it was published despite a source without a live agreement

    @property
    def records_by_source(self) -> dict[str, int]:
        """Records per partner system (a source may send several extracts)."""
        totals: dict[str, int] = {}
        for (source, _fact), n in self.records_by_extract.items():
            totals[source] = totals.get(source, 0) + n
        return totals

    @property
    def plan_sha256(self) -> str | None:
        return hashlib.sha256(self.plan_text.encode()).hexdigest() if self.plan_text is not None else None

    @cached_property
    def plan(self) -> Plan:
        if self.plan_text is None:
            raise RefreshError(f"refresh {self.refresh_id} has no identification: run `pf identify` first")
        return plan_from_text(self.plan_text, f"<refresh {self.refresh_id}>")

    def require_covers(self, on: date, what: str) -> None:
        """Refuse to judge anything after the data: `what` on `on` needs a refresh as of `on` or later."""
        if on > self.as_of:
            raise RefreshError(f"{what} on {on.isoformat()} is after the refresh in force ({self.refresh_id}, "
                               f"as of {self.as_of.isoformat()}): no extract covers it yet")


def refresh_in_force(con: duckdb.DuckDBPyConnection) -> PublishedRefresh:
    """The refresh a store holds (the published store, or an archived one)."""
    if not has_table(con, "refresh"):
        raise RefreshError("the store holds no refresh: run `pf ingest` or `pf identify` first")
    rows = con.execute("SELECT refresh_id, as_of, authority, loaded_at FROM refresh").fetchall()
    if not rows:
        raise RefreshError("the store's refresh table is empty: run `pf ingest` or `pf identify` first")
    refresh_id, as_of, authority, loaded_at = rows[0]
    plan_id = plan_text = None
    if has_table(con, "identify_run"):  # an identification carried over from an earlier refresh is not this one's
        run = con.execute("SELECT plan_id, plan_yaml FROM identify_run WHERE refresh_id = ?", [refresh_id]).fetchall()
        plan_id, plan_text = run[0] if run else (None, None)
    counts: dict[tuple[str, str], int] = {}
    if has_table(con, "refresh_sources"):
        counts = {(source, fact): n for source, fact, n in con.execute(
            "SELECT source, fact, records FROM refresh_sources ORDER BY source, fact").fetchall()}
    override = None
    if has_table(con, "refresh_override"):
        found = con.execute("SELECT reason || ' (' || detail || ')' FROM refresh_override").fetchall()
        override = found[0][0] if found else None
    agreements, agreements_override = _agreements_relied_on(con)
    return PublishedRefresh(refresh_id, as_of, authority or "", loaded_at, plan_id, plan_text, counts, override,
                            agreements, agreements_override)


def _agreements_relied_on(con: duckdb.DuckDBPyConnection) -> tuple[tuple[str, ...], str | None]:
    """The agreements a refresh relied on, and the override it was published under (older stores: none)."""
    if not has_table(con, "refresh_agreements"):
        return (), None
    ids = tuple(i for (i,) in con.execute("SELECT DISTINCT agreement_id FROM refresh_agreements "
                                          "WHERE agreement_id IS NOT NULL ORDER BY 1").fetchall())
    found = con.execute("SELECT reason || ' (' || detail || ')' FROM refresh_agreements_override").fetchall()
    return ids, found[0][0] if found else None


def in_force(workspace: Workspace) -> PublishedRefresh:
    """The refresh in force in a workspace."""
    with workspace.connect() as con:
        return refresh_in_force(con)


def published_refreshes(workspace: Workspace) -> list[PublishedRefresh]:
    """Every refresh ever published in the workspace (kept under `refreshes/`), oldest as_of first."""
    found = []
    for refresh_id in workspace.archived():
        with workspace.connect(refresh_id=refresh_id) as con:
            found.append(refresh_in_force(con))
    return sorted(found, key=lambda r: (r.as_of, r.published_at))


def refresh_standing_on(workspace: Workspace, on: date) -> PublishedRefresh:
    """The refresh that described the programme on `on`: the latest published refresh as of `on` or before."""
    standing = [r for r in published_refreshes(workspace) if r.as_of <= on]
    if not standing:
        raise RefreshError(f"no published refresh is as of {on.isoformat()} or earlier")
    return standing[-1]


def register_in_force(con: duckdb.DuckDBPyConnection) -> Register:
    """The agreements register the refresh a store holds was published under."""
    found = con.execute("SELECT register_json FROM agreement_register").fetchall() \
        if has_table(con, "agreement_register") else []
    if not found:
        raise RefreshError("the refresh in force was published without an agreements register: publish a refresh "
                           "with one (agreements.yaml beside the extracts)")
    return Register.model_validate_json(found[0][0])


# --- Guards on publishing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishGuard:
    """How much a new refresh may lose against the refresh in force before it is stopped.

    `max_shrink` is the share of a source's records it may lose (0.5: a source may lose up to half); a
    source that disappears is always stopped. `override` is the reason a person gives for publishing anyway;
    it is recorded with the refresh.
    """

    max_shrink: float = DEFAULT_MAX_SHRINK
    override: str | None = None
    agreements: Path | None = None  # the register; default: `agreements.yaml` beside the extracts
    agreements_override: str | None = None  # publish despite a source with no live agreement (recorded)
    checked_on: date | None = None  # the day agreements must be live on; default: today

    def __post_init__(self) -> None:
        if not 0 <= self.max_shrink <= 1:
            raise ValueError(f"the largest share a source may shrink by must be between 0 and 1, not {self.max_shrink}")
        if self.override is not None and not self.override.strip():
            raise ValueError("an override needs a reason")
        if self.agreements_override is not None and not self.agreements_override.strip():
            raise ValueError("an agreements override needs a reason")

    def register(self, extracts: Path) -> Register | None:
        """The agreements register this refresh is checked against (None: there is none beside the extracts).

        Read before anything is published, so a bad register changes nothing.
        """
        path = self.agreements or Path(extracts) / AGREEMENTS_FILE
        if not path.exists() and self.agreements is None:
            return None  # refused by `check_agreements` unless overridden, once the extracts have been read
        try:
            return load_register(path)
        except RowsRefused as exc:
            raise GuardError("nothing published: the agreements register is not valid:\n" + str(exc)) from None


def _count_sources(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TABLE refresh_sources AS SELECT source, fact, COUNT(*) AS records FROM records "
                "GROUP BY source, fact ORDER BY source, fact")


def check_sources(con: duckdb.DuckDBPyConnection, guard: PublishGuard) -> list[str]:
    """Count this refresh's records per source and extract (a partner system may send several) and compare with
    the previous refresh; stop on a loss.

    Runs inside `publishing(fresh=True)` after ingest, with the refresh in force attached as `previous`.
    Returns the losses it let through under an override (recorded in `refresh_override`).
    """
    _count_sources(con)
    losses = [] if not has_table(con, "records", database="previous") else [
        f"{source} {fact}: {before:,} records before, {now or 0:,} now"
        for source, fact, before, now in con.execute(
            "SELECT p.source, p.fact, p.records, n.records FROM (SELECT source, fact, COUNT(*) AS records "
            "FROM previous.records GROUP BY source, fact) p LEFT JOIN refresh_sources n USING (source, fact) "
            "WHERE n.records IS NULL OR n.records < p.records * (1 - ?) ORDER BY p.source, p.fact", [guard.max_shrink]
        ).fetchall()
    ]
    if losses and guard.override is None:
        raise GuardError(f"nothing published: against the refresh in force this refresh loses {'; '.join(losses)} "
                         f"(more than {guard.max_shrink:.0%} of a source); check the extracts, or publish anyway "
                         "with --override REASON")
    _record_override(con, "refresh_override", guard.override, "; ".join(losses) or "no loss found")
    return losses


def check_agreements(con: duckdb.DuckDBPyConnection, register: Register | None, guard: PublishGuard) -> list[str]:
    """Every extract of this refresh must arrive under a live information-sharing agreement; stop otherwise.

    Runs right after `check_sources` (which counted `refresh_sources`). Records `refresh_agreements` (per source
    and extract: the agreement, its partner, review date and retention) so the published refresh lists what it
    relied on, and `refresh_agreements_override` when a person published past this check (with what it let
    through). Returns the problems let through under the override.
    """
    on = guard.checked_on or date.today()
    if register is None and guard.agreements_override is None:
        raise GuardError(f"nothing published: no information-sharing agreements register ({AGREEMENTS_FILE}) beside "
                         "the extracts; put the register there or give --agreements FILE, or publish anyway with "
                         "--override-agreements REASON")
    con.execute("CREATE OR REPLACE TEMP TABLE register_cover (source VARCHAR, fact VARCHAR, agreement_id VARCHAR, "
                "partner VARCHAR, review_on DATE, retention_years INTEGER)")
    if register is not None:
        con.executemany("INSERT INTO register_cover VALUES (?, ?, ?, ?, ?, ?)", register.coverage_rows())
    con.execute("CREATE OR REPLACE TABLE refresh_agreements AS SELECT s.source, s.fact, s.records, c.agreement_id, "
                "c.partner, c.review_on, c.retention_years, CASE WHEN c.agreement_id IS NULL THEN 'none' "
                "WHEN c.review_on < ? THEN 'past_review' ELSE 'live' END AS standing FROM refresh_sources s "
                "LEFT JOIN register_cover c USING (source, fact) ORDER BY s.source, s.fact", [on])
    con.execute("DROP TABLE register_cover")
    con.execute("CREATE OR REPLACE TABLE agreement_register (register_json VARCHAR)")
    if register is not None:  # kept with the refresh: flags and retention read the register it relied on
        con.execute("INSERT INTO agreement_register VALUES (?)", [register.model_dump_json()])
    problems = [
        f"{source} {fact}: " + ("no information-sharing agreement covers it" if agreement is None else
                                f"agreement {agreement} ({partner}) was due for review on {review_on}")
        for source, fact, agreement, partner, review_on in con.execute(
            "SELECT source, fact, agreement_id, partner, review_on FROM refresh_agreements "
            "WHERE standing <> 'live' ORDER BY source, fact").fetchall()
    ] + _fields_beyond_agreements(con, register)
    if problems and guard.agreements_override is None:
        raise GuardError(f"nothing published: {'; '.join(problems)} (checked on {on}); sign or renew the "
                         "agreement and update the register, or publish anyway with --override-agreements REASON")
    _record_override(con, "refresh_agreements_override", guard.agreements_override,
                     "; ".join(problems) or "every source had a live agreement")
    return problems


def _record_override(con: duckdb.DuckDBPyConnection, table: str, reason: str | None, detail: str) -> None:
    """Keep with the refresh the reason a guard was overridden and what it overrode (an empty table when it
    was not), so the published refresh says who published past what."""
    con.execute(f"CREATE OR REPLACE TABLE {table} (reason VARCHAR, detail VARCHAR)")
    if reason is not None:
        con.execute(f"INSERT INTO {table} VALUES (?, ?)", [reason.strip(), detail])


RAW_FIELDS = {"dob": "dob_raw", "uprn": "uprn_raw"}  # the person fields whose raw value has another column name


def _fields_beyond_agreements(con: duckdb.DuckDBPyConnection, register: Register | None) -> list[str]:
    """Person fields a source sent (a non-blank value in some row) that its agreement does not cover: sharing
    more than was agreed is refused like a missing agreement (data minimisation, UK GDPR Article 5(1)(c))."""
    if register is None:
        return []
    present = {c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE records)").fetchall()}
    fields = [f for f in PERSON_COLUMNS if f not in ("source", "record_id") and RAW_FIELDS.get(f, f) in present]
    if not fields:
        return []
    sent = ", ".join(f"count(nullif(trim({quote_ident(RAW_FIELDS.get(f, f))}), '')) AS {quote_ident(f)}"
                     for f in fields)
    con.execute(f"CREATE OR REPLACE TEMP TABLE fields_sent AS UNPIVOT (SELECT source, fact, {sent} FROM records "
                f"GROUP BY source, fact) ON {', '.join(quote_ident(f) for f in fields)} INTO NAME field VALUE n")
    con.execute("CREATE OR REPLACE TEMP TABLE fields_agreed (agreement_id VARCHAR, field VARCHAR)")
    con.executemany("INSERT INTO fields_agreed VALUES (?, ?)", [(a.id, f) for a in register.agreements for f in a.fields])
    found = con.execute(
        "SELECT a.source, a.fact, a.agreement_id, string_agg(s.field, ', ' ORDER BY s.field) FROM fields_sent s "
        "JOIN refresh_agreements a USING (source, fact) WHERE s.n > 0 AND NOT EXISTS (SELECT 1 FROM fields_agreed g "
        "WHERE g.agreement_id = a.agreement_id AND g.field = s.field) GROUP BY ALL ORDER BY ALL").fetchall()
    con.execute("DROP TABLE fields_sent")
    con.execute("DROP TABLE fields_agreed")
    return [f"{source} {fact}: sends {sent_fields}, which agreement {agreement} does not cover"
            for source, fact, agreement, sent_fields in found]


# --- Composed refreshes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshResult:
    ingest: IngestReport
    linkage: LinkSummary
    households: HouseholdSummary
    identify: IdentifySummary
    outputs: OutputFiles
    workbook: Path
    rejects_csv: Path
    warnings_csv: Path | None = None


def _write_rejects(workspace: Workspace, con: duckdb.DuckDBPyConnection) -> Path:
    """rejects.csv, and warnings.csv (lines that are no row, dates of birth kept blank or implausible)."""
    path = workspace.path / REJECTS_FILE
    copy_to_csv(con, 'SELECT * FROM rejects ORDER BY file, line, "column"', path)
    if has_table(con, "ingest_warnings"):
        copy_to_csv(con, 'SELECT * FROM ingest_warnings ORDER BY file, line, "column"',
                    workspace.path / WARNINGS_FILE)
    return path


def ingest_refresh(workspace: Workspace, folder: Path | str, as_of: date | None = None, authority: str | None = None,
                   on_file: FileCallback | None = None, guard: PublishGuard | None = None) -> IngestReport:
    """`pf ingest`: a fresh store from `folder` (a local folder, or on Spark a URI), guarded and published
    atomically, then `rejects.csv` beside it."""
    guard = guard or PublishGuard()
    with extracts_folder(workspace, folder) as local:
        register = guard.register(local)
        with workspace.publishing(fresh=True) as con:
            report = ingest_extracts(con, local, as_of, authority, on_file, workspace.settings,
                                     workspace.path / SPARK_DIR, origin=_uri_of(folder))
            load_geography(con, local)  # the lookup in force is carried over when the folder has none
            load_gazetteer(con, local)
            check_sources(con, guard)
            check_agreements(con, register, guard)
    report.store = workspace.store_path
    with workspace.connect() as con:
        report.rejects_csv = _write_rejects(workspace, con)
        report.warnings_csv = workspace.path / WARNINGS_FILE
    return report


def run_refresh(
    workspace: Workspace,
    extracts: Path | str,
    plan_ref: str | Path,
    out: Path,
    as_of: date | None = None,
    linker: Linker | None = None,
    step: Callable[[str], None] | None = None,
    guard: PublishGuard | None = None,
) -> RefreshResult:
    """Identify families from a folder of extracts (a local folder, or on Spark a URI) under a plan, publish
    atomically, write OUT files."""
    step = step or (lambda _name: None)
    linker = linker or engine_linker(workspace)  # a missing Spark stops here, before anything is read
    plan = load_plan(plan_ref)  # fail on a bad plan before touching anything
    plan_text = load_plan_text(plan_ref)
    guard = guard or PublishGuard()
    with extracts_folder(workspace, extracts) as folder:
        register = guard.register(folder)
        with workspace.publishing(fresh=True) as con:
            step("ingest")
            report = ingest_extracts(con, folder, as_of, run=workspace.settings,
                                     work_dir=workspace.path / SPARK_DIR, origin=_uri_of(extracts))
            load_geography(con, folder)  # the lookup in force is carried over when the folder has none
            load_gazetteer(con, folder)
            step("guards")
            check_sources(con, guard)
            check_agreements(con, register, guard)
            step("linkage")
            linked = link_records(con, report.as_of, linker=linker)
            record_stage(con, "linkage", _engine_of(linked))
            step("households")
            with stage_executor(con, workspace.settings, workspace.path / SPARK_DIR, "households") as executor:
                households = build_households(executor, report.as_of)
            step("identification")
            with stage_executor(con, workspace.settings, workspace.path / SPARK_DIR, "identification") as executor:
                identified = identify_families(executor, plan, report.as_of, plan_text=plan_text)
    with workspace.connect() as con:
        step("outputs")
        rejects_csv = _write_rejects(workspace, con)
        files = write_outputs(con, Path(out))
        step("workbook")
        book = write_workbook(con, Path(out) / "cohort.xlsx", plan, report.as_of.isoformat())
    return RefreshResult(report, linked, households, identified, files, book, rejects_csv,
                         workspace.path / WARNINGS_FILE)


def require_reader(workspace: Workspace, extracts: Path | str) -> None:
    """Stop, before anything is read, when the workspace's engine cannot read where the extracts are."""
    if is_uri(extracts) and workspace.settings.engine != "spark":
        raise IngestError(None, f"{extracts} is a URI, and DuckDB reads extracts from a local folder only: run with "
                                "--engine spark to read it through Spark's filesystems (s3a://, hdfs://, file:///)")


# What a refresh reads beside the extracts, fetched with them from a URI.
_BESIDE_EXTRACTS = frozenset({REFRESH_FILE, AGREEMENTS_FILE, GAZETTEER_FILE})


@contextmanager
def extracts_folder(workspace: Workspace, extracts: Path | str) -> Iterator[Path]:
    """The extracts as a local folder: `extracts` itself, or for a URI (Spark only) each file streamed once
    through Spark's Hadoop FileSystem into an owner-only folder of the workspace, removed afterwards.

    A CSV's line accounting (every line loaded, rejected or reported, stray carriage returns) is one sequential
    pass over its bytes, so each file is read whole by one machine; everything after that read runs on Spark.
    Errors name the file at the URI, never the local copy.
    """
    if not is_uri(extracts):
        yield Path(extracts)
        return
    require_reader(workspace, extracts)
    local = workspace.path / SPARK_DIR / f"extracts-{uuid.uuid4().hex[:12]}"
    private_dir(local)
    try:
        _fetch_extracts(RemoteFolder(str(extracts), workspace.settings.spark, workspace.path / SPARK_DIR), local)
        yield local
    except RemoteFolderError as exc:
        raise IngestError(None, str(exc)) from None
    except IngestError as exc:
        if exc.path is None or not Path(exc.path).is_relative_to(local):
            raise
        raise IngestError(f"{str(extracts).rstrip('/')}/{Path(exc.path).relative_to(local)}", exc.reason) from None
    except GuardError as exc:  # a bad agreements.yaml names its file
        raise GuardError(str(exc).replace(str(local), str(extracts).rstrip("/"))) from None
    finally:
        shutil.rmtree(local, ignore_errors=True)


def _fetch_extracts(remote: RemoteFolder, local: Path) -> None:
    """Copy the extracts, the files read beside them and the geography folder; refuse by name, before copying,
    an extract that is not a regular file or is larger than `max_file_mb` (refresh.yaml)."""
    entries = remote.entries()
    if entries.get(REFRESH_FILE, (False, 0))[0]:
        remote.fetch(REFRESH_FILE, local / REFRESH_FILE)
    limit = _max_file_mb(local / REFRESH_FILE)
    for name, (is_file, size) in sorted(entries.items()):
        extract = Path(name).suffix.lower() in EXTRACT_SUFFIXES
        if extract and not is_file:
            raise IngestError(f"{remote.uri}/{name}", "is a folder, not an extract file")
        if extract and size > limit * 2**20:
            raise IngestError(f"{remote.uri}/{name}", f"is {size / 2**20:,.0f} MB, more than the {limit:,} MB "
                                                      f"allowed (max_file_mb in {REFRESH_FILE})")
        if is_file and (extract or name in _BESIDE_EXTRACTS) and name != REFRESH_FILE:
            remote.fetch(name, local / name)
    if GEOGRAPHY_DIR in entries and not entries[GEOGRAPHY_DIR][0]:
        private_dir(local / GEOGRAPHY_DIR)
        for name, (is_file, _size) in remote.entries(GEOGRAPHY_DIR).items():
            if is_file:
                remote.fetch(f"{GEOGRAPHY_DIR}/{name}", local / GEOGRAPHY_DIR / name)


def _uri_of(extracts: Path | str) -> str | None:
    """What the refresh records as where its extracts came from when the folder it read is a local copy."""
    return str(extracts) if is_uri(extracts) else None


def _max_file_mb(refresh_file: Path) -> int:
    """The largest extract refresh.yaml allows (its own errors are reported when ingest reads it)."""
    try:
        return load_refresh_settings(refresh_file.parent, date.min, None).max_file_mb
    except IngestError:
        return DEFAULT_MAX_FILE_MB


def engine_linker(workspace: Workspace) -> Linker | None:
    """The person linkage of the workspace's engine: None (Splink on DuckDB) or blocking and scoring on Spark.

    Raises `EngineUnavailable` (one line: what to install) when the engine is spark and it cannot start.
    """
    if workspace.settings.engine != "spark":
        return None
    require_spark()
    return SplinkSparkLinkage(workspace.settings.spark, workspace.path / SPARK_DIR)


def _engine_of(linked: LinkSummary) -> str:
    """The engine that scored the pairs (`refresh_stages`): Spark for the Spark linkage, else DuckDB."""
    return "spark" if linked.linker == SplinkSparkLinkage.name else "duckdb"


@dataclass(frozen=True)
class WorkspaceLinkage:
    link: LinkSummary
    households: HouseholdSummary
    as_of: date
    charts: Path | None


def link_workspace(
    ws: Workspace,
    settings: LinkageSettings | None = None,
    truth_dir: Path | None = None,
    step: Step | None = None,
) -> WorkspaceLinkage:
    """`pf link`: link records and build households on the refresh in force, publishing atomically."""
    charts = ws.path / CHARTS_DIR
    settings = (settings or LinkageSettings()).model_copy(update={"charts_dir": str(charts)})
    linker: Linker | None = TruthLinkage(truth_dir) if truth_dir else engine_linker(ws)
    with ws.publishing(fresh=False) as con:
        try:
            as_of = refresh_in_force(con).as_of
        except RefreshError as exc:
            raise LinkageError(str(exc)) from None
        summary = link_records(con, as_of, settings, linker, step)
        record_stage(con, "linkage", _engine_of(summary))
        if step:
            step("building households and families")
        with stage_executor(con, ws.settings, ws.path / SPARK_DIR, "households") as executor:
            households = build_households(executor, as_of)
    made = charts if (charts / "match_weights.html").exists() and summary.result.trained else None
    return WorkspaceLinkage(summary, households, as_of, made)


def export_review(ws: Workspace, path: Path) -> int:
    """Write the review queue of the refresh in force to `path`; returns the number of pairs."""
    with ws.connect() as con:
        return review.export_queue(con, path)


def review_queue_page(ws: Workspace, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """A page of the pairs in the order a reviewer should look at them, and how many the refresh in force
    holds (none without one)."""
    try:
        with ws.connect() as con:
            return review.queue_page(con, limit, offset)
    except StoreError:
        return [], 0


def import_review(ws: Workspace, rows_or_path: Path | list[dict[str, str]],
                  queued_only: bool = False) -> review.ImportSummary:
    """Store reviewer decisions (applied by the next `pf link` and every later refresh); `queued_only`
    refuses pairs not in the review queue (the tracker's reviewers decide only what they are shown)."""
    with ws.publishing(fresh=False) as con:
        return review.import_decisions(con, rows_or_path, queued_only=queued_only)
