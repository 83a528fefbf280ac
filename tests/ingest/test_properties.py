"""Property: whatever partners put in a file, ingest accounts for every line or fails leaving the store as it was.

For every input: lines read = rows accepted + rows rejected + lines reported (blank lines and further lines of
a value, in `ingest_warnings`), every line number after the header is in exactly one of `records`, `rejects`
and those warnings; or the run fails with an `IngestError` naming the file and the published store is unchanged.
The budget here is small; `benchmarks/fuzz_ingest.py` runs the same property for longer.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.builders import row, write_agreements
from priority_families.core.engine import Workspace
from priority_families.ingest import IngestError, ingest_extracts
from priority_families.ingest.checks import LINE_WARNINGS
from priority_families.ingest.schema import header_for
from priority_families.refresh import PublishGuard, ingest_refresh

FACT = "school_attendance"
HEADER = header_for(FACT)
AS_OF = date(2015, 7, 31)

# Values partners really send, plus arbitrary text with the characters that break CSV parsing.
nasty = st.one_of(
    st.sampled_from(["", " ", "-1", "0", "2015-02-30", "2015-02-28", "2014-autumn", "autumn", "99999999999",
                     "1.5", "M", "x", "NG7 2AB", "A123", "é", "\t", "=HYPERLINK(\"http://x\",\"y\")", "\x00"]),
    st.text(alphabet=st.sampled_from(list('ab1,"\n\r -é\x00')), max_size=8),
)
broken_lines = st.sampled_from(["a,b", "1,2,3,4", ",,,,,,,,,,,,,,,,,,,,", "x", "", '"', 'police,"r', "\r"])


@st.composite
def extracts(draw) -> bytes:
    """A file of RFC 4180 rows (csv module) with raw broken lines mixed in and each line ending LF or CRLF."""
    n = draw(st.integers(1, 12))
    lines = [_csv_line(HEADER)]
    for i in range(n):
        values = row(FACT, record_id=str(draw(st.integers(0, 5))) if draw(st.booleans()) else f"r{i}",
                     dob=draw(st.sampled_from(["1990-05-01", "2000-02-30", "2090-01-01", "1850-01-01"])))
        for column in draw(st.lists(st.sampled_from(HEADER), max_size=4)):
            values[column] = draw(nasty)
        lines.append(_csv_line([values[c] for c in HEADER]))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(broken_lines))
    endings = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(lines), max_size=len(lines)))
    text = "".join(line + end for line, end in zip(lines, endings, strict=True))
    if draw(st.booleans()):
        text = text.rstrip("\r\n")  # no final newline
    return text.encode("utf-8")


def _csv_line(values: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def check_accounting(data: bytes) -> None:
    """The property for one file, ingested twice: on a bare connection (the counts and line numbers), and
    into a workspace holding a published store (which must be unchanged when the run fails)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "extracts"
        folder.mkdir()
        (folder / f"{FACT}.csv").write_bytes(data)
        write_agreements(folder)
        workspace = Workspace(path=Path(tmp) / "workspace")
        shutil.copyfile(_good_store(), workspace.store_path)
        published = hashlib.sha256(workspace.store_path.read_bytes()).hexdigest()
        try:
            ingest_refresh(workspace, folder, as_of=AS_OF, guard=PublishGuard(override="property test",
                                                                        agreements_override="property test"))
        except IngestError as exc:
            assert f"{FACT}.csv" in str(exc) and "\n" not in str(exc)
            assert "internal error" not in str(exc) and "transaction" not in str(exc).lower()
            assert hashlib.sha256(workspace.store_path.read_bytes()).hexdigest() == published
            assert not list(workspace.path.glob(".staging-*"))
            return
        with workspace.connect() as con:
            (file,) = con.execute(
                "SELECT lines_read, rows_read, rows_accepted, rows_rejected, lines_reported FROM ingest_files "
                "WHERE fact = ?", [FACT]).fetchall()
            lines_read, rows_read, accepted, rejected, reported = file
            assert lines_read == physical_lines(data) - 1
            assert lines_read == accepted + rejected + reported
            assert rows_read == accepted + rejected
            seen = con.execute(
                "SELECT line FROM records UNION ALL SELECT DISTINCT line FROM rejects "
                "UNION ALL SELECT DISTINCT line FROM ingest_warnings WHERE warning IN ?",
                [[w.value for w in LINE_WARNINGS]]).fetchall()
            assert sorted(line for (line,) in seen) == list(range(2, lines_read + 2))


@functools.cache
def _good_store() -> Path:
    """A published store from one good row, made once per process and copied into each example's workspace."""
    folder = Path(tempfile.mkdtemp(prefix="pf-property-"))
    (folder / f"{FACT}.csv").write_text(_csv_line(HEADER) + "\n" + _csv_line([row(FACT)[c] for c in HEADER]) + "\n")
    write_agreements(folder)
    workspace = Workspace(path=folder / "workspace")
    ingest_refresh(workspace, folder, as_of=AS_OF)
    return workspace.store_path


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=extracts())
def test_every_line_is_accounted_for_or_the_store_is_unchanged(data):
    check_accounting(data)


def test_a_malformed_row_spanning_lines_rejects_each_line(tmp_path):
    # found by the property: the rows an unclosed quote swallows are each a reject, not lost
    lines = [_csv_line(HEADER), _csv_line([row(FACT, record_id="a")[c] for c in HEADER]),
             'police,"b,x', _csv_line([row(FACT, record_id="c")[c] for c in HEADER]), 'd,x",y',
             _csv_line([row(FACT, record_id="e")[c] for c in HEADER])]
    check_accounting(("\n".join(lines) + "\n").encode())


def test_ingest_on_a_bare_connection_keeps_the_same_counts(tmp_path):
    import duckdb

    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / f"{FACT}.csv").write_bytes(
        (_csv_line(HEADER) + "\r\n" + _csv_line([row(FACT)[c] for c in HEADER]) + "\n\n").encode())
    report = ingest_extracts(duckdb.connect(), folder, as_of=AS_OF)
    (file,) = [f for f in report.files if f.fact == FACT]
    assert (file.lines_read, file.rows_accepted, file.rows_rejected, file.lines_reported) == (2, 1, 0, 1)
