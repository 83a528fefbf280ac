"""Charts for board papers, drawn offline with matplotlib (no browser, no network): SVG for HTML and PDF, PNG
for Word and Excel. The same figures give the same bytes (no date in the SVG, a fixed hash salt)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: a server or a scheduled job draws these
import matplotlib.pyplot as plt

plt.rcParams.update({"svg.hashsalt": "priority-families", "font.size": 9, "axes.spines.top": False,
                     "axes.spines.right": False})
COLOURS = ("#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f", "#28a197", "#912b88")


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    svg: bytes
    png: bytes


def _render(name: str, title: str, fig: plt.Figure) -> Chart:
    svg, png = io.BytesIO(), io.BytesIO()
    fig.tight_layout()
    fig.savefig(svg, format="svg", metadata={"Date": None})
    fig.savefig(png, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return Chart(name, title, svg.getvalue(), png.getvalue())


def funnel(stages: list[tuple[str, int]], targets: list[tuple[str, float]]) -> Chart:
    """Families at each stage (identified, worked with, results met, claimed), with each stage's target."""
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    names = [s for s, _ in stages]
    bars = ax.barh(names, [n for _, n in stages], color=COLOURS[0])
    ax.bar_label(bars, labels=[f"{n:,}" for _, n in stages], padding=3)
    for stage, target in targets:
        if stage in names:
            y = names.index(stage)
            ax.plot([target, target], [y - 0.4, y + 0.4], color=COLOURS[4], linewidth=2)
            ax.annotate(f"target {target:,.0f}", (target, y + 0.42), color=COLOURS[4], fontsize=8, ha="center")
    ax.invert_yaxis()
    ax.set_xlabel("families")
    ax.set_title("Families at each stage against target")
    return _render("funnel", "Families at each stage against target", fig)


def results_over_time(rows: list[tuple[str, str, int]]) -> Chart:
    """Families meeting each headline's results, by programme year of attachment: (year, headline, families)."""
    years = sorted({y for y, _, _ in rows})
    headlines = sorted({h for _, h, _ in rows})
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    width = 0.8 / max(len(headlines), 1)
    counts = {(y, h): n for y, h, n in rows}
    for k, headline in enumerate(headlines):
        xs = [i + k * width for i in range(len(years))]
        ax.bar(xs, [counts.get((y, headline), 0) for y in years], width, label=headline.replace("_", " "),
               color=COLOURS[k % len(COLOURS)])
    ax.set_xticks([i + width * (len(headlines) - 1) / 2 for i in range(len(years))], years)
    ax.set_xlabel("programme year of attachment")
    ax.set_ylabel("families with the result met")
    ax.set_title("Results by headline over time")
    if headlines:
        ax.legend(fontsize=7, frameon=False, ncol=2)
    return _render("results_over_time", "Results by headline over time", fig)


def by_agency(rows: list[tuple[str, int]], title: str = "Families worked with by lead agency") -> Chart:
    """Families per agency (allocations by agency)."""
    fig, ax = plt.subplots(figsize=(6.5, 1.2 + 0.35 * max(len(rows), 2)))
    bars = ax.barh([a for a, _ in rows], [n for _, n in rows], color=COLOURS[1])
    ax.bar_label(bars, padding=3)
    ax.invert_yaxis()
    ax.set_xlabel("families")
    ax.set_title(title)
    return _render("by_agency", title, fig)
