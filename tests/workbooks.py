"""Reading the workbooks the product writes, as a spreadsheet program would (python-calamine)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from python_calamine import CalamineWorkbook

METADATA_FIELDS = ("as_of", "plan", "filter", "refresh id", "produced by", "produced at")


def sheets(book: Path | bytes) -> dict[str, list[list]]:
    """Every sheet's rows (cells as calamine reads them), in the workbook's order."""
    wb = (CalamineWorkbook.from_path(str(book)) if isinstance(book, Path)
          else CalamineWorkbook.from_filelike(io.BytesIO(book)))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def metadata(book: Path | bytes) -> dict[str, str]:
    """The first sheet's field/value rows (fields matched by how they start: "as_of (evaluation date)")."""
    first = next(iter(sheets(book).values()))
    return {str(r[0]): str(r[1]) for r in first[1:] if len(r) > 1 and r[0]}


def field(meta: dict[str, str], name: str) -> str:
    return next(v for k, v in meta.items() if k == name or k.startswith(name + " "))


def sheet_xml(book: Path | bytes, n: int) -> str:
    """The raw XML of the n-th worksheet (1-based), for its frozen panes, autofilter and column widths."""
    with zipfile.ZipFile(book if isinstance(book, Path) else io.BytesIO(book)) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


def assert_laid_out(book: Path | bytes, n: int) -> None:
    """The sheet has a frozen header row, an autofilter and set column widths."""
    xml = sheet_xml(book, n)
    assert 'state="frozen"' in xml and 'ySplit="1"' in xml, f"sheet {n} has no frozen header"
    assert "<autoFilter" in xml, f"sheet {n} has no filter"
    assert re.search(r'<col [^>]*width="[\d.]+"', xml), f"sheet {n} has no column widths"


def assert_metadata(book: Path | bytes, **expected: str) -> dict[str, str]:
    """The first sheet is the metadata sheet with every field, and the given fields hold these values."""
    assert next(iter(sheets(book))) == "About"
    meta = metadata(book)
    for name in METADATA_FIELDS:
        assert field(meta, name), f"metadata field {name!r} is blank"
    for name, value in expected.items():
        assert value in field(meta, name.replace("_", " ") if name != "as_of" else name), (name, meta)
    return meta
