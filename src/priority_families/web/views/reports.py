"""Reports (analysts and team managers): the board paper for a framework and period with its files, measure
owners' values, narrative and RAG overrides with their history, triage meetings, and the allocations report.
Thin adapters over `reports.board`, `reports.frameworks` and `reports.allocations`."""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from priority_families.casedb.casework import CaseworkError
from priority_families.casedb.models import AccessAction, EntryKind, Rag, Role
from priority_families.core.engine import StoreError, Workspace
from priority_families.geography import LEVELS
from priority_families.web.access import deny, record, roles_required
from priority_families.web.views.common import actor

REPORT_ROLES = (Role.ANALYST, Role.TEAM_MANAGER)
FILES = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _workspace() -> Workspace:
    return Workspace(path=Path(settings.WORKSPACE))


def _framework(request: HttpRequest, framework_id: str):
    from priority_families.reports.framework_files import FrameworkError, library, load_framework

    if framework_id not in library():
        raise deny(request, target=f"framework {framework_id}")
    try:
        return load_framework(framework_id)
    except FrameworkError:
        raise deny(request, target=f"framework {framework_id}") from None


@roles_required(*REPORT_ROLES)
def reports(request: HttpRequest) -> HttpResponse:
    """Choose a framework and period; see the board paper's table, charts and tables, and download its files."""
    from priority_families.reports.board import board_paper
    from priority_families.reports.framework_files import FrameworkError, library, load_framework

    framework_id = request.GET.get("framework", "").strip()
    period = request.GET.get("period", "").strip()
    level = request.GET.get("level", "ward")
    if level not in LEVELS:
        level = "ward"
    paper, error = None, ""
    if framework_id and period:
        try:
            paper = board_paper(_workspace(), _framework(request, framework_id), period, level)
            record(request, AccessAction.VIEW, target=f"board paper {framework_id}", detail=f"period {period}")
        except FrameworkError as exc:
            error = str(exc)
        except (StoreError, ValueError) as exc:
            error = str(exc)
    elif framework_id or period:
        error = "Choose a framework and enter a period"
    charts = [(c.title, base64.b64encode(c.svg).decode()) for c in paper.charts] if paper else []
    return render(request, "web/reports.html", {
        "frameworks": [load_framework(f) for f in library()], "framework_id": framework_id, "period": period,
        "level": level, "levels": list(LEVELS),
        "paper": paper, "rows": _rows(paper) if paper else [], "charts": charts, "error": error,
        "tables": [(name.replace("_", " ").capitalize(), [h.replace("_", " ") for h in header], rows)
                   for name, (header, rows) in paper.stats.tables().items()] if paper else [],
    }, status=400 if error else 200)


def _rows(paper) -> list[dict]:
    out = []
    ids = [m.id for p in paper.framework.priorities for o in p.outcomes for m in o.measures]
    for measure_id, (priority, outcome, label, rag, update, lead) in zip(ids, paper.rows(), strict=True):
        scored = paper.scored[measure_id]
        out.append({"id": measure_id, "priority": priority, "outcome": outcome, "label": label, "rag": rag,
                    "rag_class": scored.rag.value if scored.rag else "", "update": update, "lead": lead,
                    "entered": scored.measure.source.entered is not None})
    return out


@roles_required(*REPORT_ROLES)
def paper_file(request: HttpRequest, kind: str) -> HttpResponse:
    """The board paper as PDF, Word or Excel."""
    from priority_families.reports.board import board_paper, render_docx, render_html, write_xlsx
    from priority_families.reports.framework_files import FrameworkError

    if kind not in FILES:
        raise deny(request, target=f"board paper .{kind}")
    framework_id, period = request.GET.get("framework", ""), request.GET.get("period", "")
    try:
        paper = board_paper(_workspace(), _framework(request, framework_id), period)
    except (FrameworkError, StoreError, ValueError) as exc:
        messages.error(request, str(exc))
        return redirect("web:reports")
    if kind == "pdf":
        import weasyprint

        body = weasyprint.HTML(string=render_html(paper)).write_pdf()
    elif kind == "docx":
        body = render_docx(paper)
    else:
        import io

        target = io.BytesIO()
        write_xlsx(paper, target, f"tracker:{request.user.get_username()}")
        body = target.getvalue()
    record(request, AccessAction.EXPORT, target=f"board paper {framework_id}", detail=f"period {period}, .{kind}")
    response = HttpResponse(body, content_type=FILES[kind])
    name = f"board-{framework_id}-{paper.period.label.replace('/', '-')}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@roles_required(*REPORT_ROLES)
def measure(request: HttpRequest, framework_id: str, measure_id: str) -> HttpResponse:
    """A measure's entry form for a period (value with its source for an entered measure, narrative, RAG
    override with a reason) and every entry made for it, newest first."""
    from priority_families.reports.framework_files import FrameworkError, period_of
    from priority_families.reports.frameworks import history

    framework = _framework(request, framework_id)
    try:
        chosen = framework.measure(measure_id)
    except FrameworkError:
        raise deny(request, target=f"framework {framework_id} measure {measure_id}") from None
    period = request.GET.get("period", "").strip()
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        period = request.POST.get("period", "").strip()
        errors = _enter(request, framework, measure_id)
        if not errors:
            messages.success(request, f"Saved for {period_of(period).label}")
            return redirect(f"{request.path}?period={period}")
    record(request, AccessAction.VIEW, target=f"framework {framework_id} measure {measure_id}")
    return render(request, "web/report_measure.html", {
        "framework": framework, "measure": chosen, "period": period, "errors": errors,
        "history": history(framework, measure_id), "rags": Rag.values, "posted": request.POST,
    }, status=400 if errors else 200)


def _enter(request: HttpRequest, framework, measure_id: str) -> list[dict[str, str]]:
    """Save what the form holds (each filled part is one entry); the problems, each linked to its field."""
    from priority_families.reports.framework_files import FrameworkError, period_of
    from priority_families.reports.frameworks import enter

    data = request.POST
    period = data.get("period", "").strip()
    try:
        period_of(period)
    except FrameworkError:
        return [{"text": "Enter the period as a programme year (2015/16), a quarter (2016Q2) or a month (2016-07)",
                 "href": "#period"}]
    wanted = []
    if data.get("value", "").strip():
        try:
            value = Decimal(data["value"].strip())
        except InvalidOperation:
            return [{"text": "Enter the value as a number", "href": "#value"}]
        wanted.append((EntryKind.VALUE, {"value": value, "text": data.get("source", "")}, "#source"))
    if data.get("narrative", "").strip():
        wanted.append((EntryKind.NARRATIVE, {"text": data["narrative"]}, "#narrative"))
    if data.get("rag", ""):
        wanted.append((EntryKind.RAG, {"rag": data["rag"], "text": data.get("reason", "")}, "#reason"))
    if not wanted:
        return [{"text": "Enter a value, a narrative or a RAG override", "href": "#narrative"}]
    problems = []
    for kind, values, anchor in wanted:  # each part is checked before any is saved
        if kind is EntryKind.VALUE and not values["text"].strip():
            problems.append({"text": "Enter where the value comes from", "href": "#source"})
        if kind is EntryKind.RAG and not values["text"].strip():
            problems.append({"text": "Enter the reason for overriding the RAG", "href": anchor})
    if problems:
        return problems
    for kind, values, anchor in wanted:
        try:
            enter(framework, measure_id, period, kind, actor(request), **values)
        except (FrameworkError, CaseworkError) as exc:
            return [{"text": str(exc), "href": anchor}]
    return []


@roles_required(*REPORT_ROLES)
def meetings(request: HttpRequest) -> HttpResponse:
    """Triage (rollout) meetings: the list, and recording one for a ward of the lookup in force."""
    from priority_families.reports.allocations import AllocationsError, record_meeting, wards
    from priority_families.reports.allocations import meetings as recorded

    errors: list[dict[str, str]] = []
    if request.method == "POST":
        errors = _meeting_errors(request.POST)
        if not errors:
            try:
                made = record_meeting(_workspace(), request.POST["ward"], date.fromisoformat(request.POST["held_on"]),
                                      int(request.POST["rollout"]), request.POST.get("attendees", ""),
                                      request.POST.get("decisions", ""), actor(request),
                                      int(request.POST.get("reviewed") or 0))
                messages.success(request, f"Meeting for {made.ward} on {made.held_on:%-d %B %Y} recorded")
                return redirect("web:report-meetings")
            except (AllocationsError, CaseworkError, StoreError) as exc:
                errors = [{"text": str(exc), "href": "#ward"}]
    try:
        known = wards(_workspace())
    except (AllocationsError, StoreError) as exc:
        known, errors = [], errors or [{"text": str(exc), "href": "#ward"}]
    record(request, AccessAction.VIEW, target="triage meetings")
    return render(request, "web/report_meetings.html", {"meetings": recorded(), "wards": known, "errors": errors,
                                                         "posted": request.POST}, status=400 if errors else 200)


def _meeting_errors(data) -> list[dict[str, str]]:
    errors = []
    if not data.get("ward"):
        errors.append({"text": "Choose the ward", "href": "#ward"})
    try:
        date.fromisoformat(data.get("held_on", ""))
    except ValueError:
        errors.append({"text": "Enter the date of the meeting, like 2015-06-08", "href": "#held_on"})
    if not data.get("rollout", "").isdigit() or int(data["rollout"]) < 1:
        errors.append({"text": "Enter the rollout phase as a whole number from 1", "href": "#rollout"})
    if data.get("reviewed") and not data["reviewed"].isdigit():
        errors.append({"text": "Enter the families reviewed as a whole number", "href": "#reviewed"})
    for field, label in (("attendees", "who attended"), ("decisions", "what the meeting decided")):
        if not data.get(field, "").strip():
            errors.append({"text": f"Enter {label}", "href": f"#{field}"})
    return errors


@roles_required(*REPORT_ROLES)
def allocations(request: HttpRequest) -> HttpResponse:
    """The allocations report (seed 001's tables) as of a date."""
    from priority_families.reports.allocations import allocations_report

    text = request.GET.get("as_of", "").strip()
    report, error = None, ""
    if text:
        try:
            report = allocations_report(_workspace(), date.fromisoformat(text))
            record(request, AccessAction.VIEW, target="allocations report", detail=f"as of {text}")
        except ValueError:
            error = "Enter the date as YYYY-MM-DD, like 2016-07-31"
        except StoreError as exc:
            error = str(exc)
    tables = [(name.replace("_", " ").capitalize(), [h.replace("_", " ") for h in header], rows)
              for name, (header, rows) in report.tables().items()] if report else []
    return render(request, "web/report_allocations.html", {"as_of": text, "report": report, "tables": tables,
                                                            "error": error}, status=400 if error else 200)


@roles_required(*REPORT_ROLES)
def calendar(request: HttpRequest) -> HttpResponse:
    """The calendar of returns for a programme year, each with its due date and whether it is past."""
    from priority_families.core.calendar import financial_year_start
    from priority_families.reports.calendar_of_returns import returns_calendar

    text = request.GET.get("year", "").strip()
    year = int(text) if text.isdigit() and 1900 < int(text) < 3000 else financial_year_start(date.today())
    record(request, AccessAction.VIEW, target="calendar of returns", detail=f"{year}")
    return render(request, "web/report_calendar.html", {
        "year": year, "label": f"{year}/{(year + 1) % 100:02d}", "today": date.today(),
        "due": returns_calendar(year), "error": "Enter the year as four digits, like 2015" if text and
        str(year) != text else ""})
