"""`pf synth`: write a synthetic county's extracts and ground truth (a thin adapter over `synth.county`)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import console, fail, progress
from priority_families.synth.county import SynthSummary, generate
from priority_families.synth.hard_addresses import AddressNoise
from priority_families.synth.parquet import extracts_as_parquet
from priority_families.synth.writer import PLAN_IDS


class ExtractFormat(StrEnum):
    csv = "csv"
    parquet = "parquet"


def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the extracts (and follow-up-K folders) into.")],
    people: Annotated[int, typer.Option("--people", min=1, help="About how many people the county has.")] = 2000,
    as_of: Annotated[str, typer.Option("--as-of", help="The date the extracts describe (YYYY-MM-DD).")] = "2015-08-31",
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same bytes.")] = 1,
    follow_ups: Annotated[int, typer.Option("--follow-ups", min=0, help="Later refreshes, 6 months apart.")] = 0,
    attach_share: Annotated[float | None, typer.Option(
        "--attach-share", min=0.0, max=1.0,
        help="Share of eligible families attached on --as-of (default 0.5 with follow-ups, else 0); "
             "truth/attachments.csv, and follow-up-K/truth/results.csv with their results.")] = None,
    address_noise: Annotated[AddressNoise, typer.Option(
        "--address-noise",
        help="'hard' adds blank postcodes and shifted digits on the latest record, flats written other ways, "
             "abbreviations with typos and streets without the house number (truth/hard_cases.csv).")]
        = AddressNoise.STANDARD,
    gazetteer: Annotated[bool, typer.Option(
        "--gazetteer", help="Also write gazetteer.csv (UPRN, address line, postcode of every place) beside the "
                            "extracts, as a council's LLPG extract.")] = False,
    extract_format: Annotated[ExtractFormat, typer.Option(
        "--format", help="csv, or parquet: every <fact> extract as <fact>.parquet (values as text), as a "
                         "partner exporting from a data platform sends them.")] = ExtractFormat.csv,
) -> None:
    """Write a synthetic county in the canonical extract format, with ground truth under truth/."""
    try:
        as_of_date = date.fromisoformat(as_of)
    except ValueError:
        raise fail(f"--as-of {as_of!r} is not a date in YYYY-MM-DD form") from None
    if out.exists() and not out.is_dir():
        raise fail(f"{out} exists and is not a folder")
    with progress() as bar:
        task = bar.add_task("generating people", total=people)
        summary = generate(out, people, as_of_date, seed, follow_ups,
                           on_progress=lambda n: bar.update(task, completed=min(n, people)),
                           attach_share=attach_share, address_noise=address_noise,
                           gazetteer=gazetteer)
    if extract_format is ExtractFormat.parquet:
        extracts_as_parquet(out)
    print_summary(summary)


def print_summary(summary: SynthSummary) -> None:
    for refresh in summary.refreshes:
        table = Table(title=f"{refresh.folder}  (as_of {refresh.as_of})", show_header=True)
        table.add_column("file")
        table.add_column("rows", justify="right")
        for fact, rows in refresh.records.items():
            table.add_row(fact, f"{rows:,}")
        table.add_row("[bold]all records[/]", f"[bold]{sum(refresh.records.values()):,}[/]")
        console.print(table)
        eligible = ", ".join(f"{plan} {refresh.eligible[plan]:,}" for plan in PLAN_IDS)
        console.print(f"people {refresh.people:,}  households {refresh.households:,}  families {refresh.families:,}")
        console.print(f"truth eligible families: {eligible}")
        if len(summary.refreshes) > 1:
            console.print("family lineage: " + ", ".join(f"{k} {v:,}" for k, v in sorted(refresh.lineage.items())))
        if summary.attached and refresh.results:
            results = ", ".join(f"{plan} {refresh.results.get(plan, 0):,}" for plan in PLAN_IDS)
            console.print(f"truth: attached families with a claim route: {results}")
    if summary.attached:
        console.print(f"{summary.attached:,} families attached on {summary.refreshes[0].as_of} "
                      f"(truth/attachments.csv)")
    console.print(f"seed {summary.seed}: {summary.people_generated:,} people generated in {summary.seconds:.1f} s")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("synth")(synth)
