"""Each person's home page: what is waiting for them (GOV.UK task list), by family name, with the link to do it."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from priority_families.casedb import todo
from priority_families.casedb.models import AccessAction, Family, Role
from priority_families.web.access import cases_for, member_of, record, role_of

# where each kind of task is done (the task's own page) and where each of its items is
TASK_PAGES = {"triage": "web:triage", "referrals": "web:referrals", "checks": "web:sustainability",
              "samples": "web:claims", "teams": "web:my-teams"}
ITEM_PAGES = {"samples": "web:evidence-pack", "teams": "web:team"}


def _tasks(request: HttpRequest, role: Role) -> list[todo.Task]:
    today = date.today()
    if role is Role.TEAM_MANAGER:
        return todo.manager_tasks(cases_for(request.user))
    if role is Role.LEAD_WORKER:
        return todo.worker_tasks(cases_for(request.user), today)
    if role is Role.ANALYST:
        return todo.analyst_tasks(cases_for(request.user), today)
    if role is Role.AUDITOR:
        return todo.auditor_tasks()
    teams = member_of(request.user).order_by("family_id")
    return [todo.Task("teams", "Families whose team you are on", teams.count(),
                      [todo.Item(c.family_id, "Open the team page") for c in teams[:todo.SHOWN]])]


def _item_href(page: str, item: todo.Item) -> str:
    """The item's page; a sampled claim's page names its route, since a family may have two claims."""
    if not item.family_id:
        return ""
    return reverse(page, args=[item.family_id]) + (f"?route={item.route}" if item.route else "")


def _rows(tasks: list[todo.Task]) -> list[dict]:
    """The tasks with their links and each item's family by name."""
    ids = {i.family_id for t in tasks for i in t.items if i.family_id}
    families = {f.family_id: f for f in Family.objects.filter(family_id__in=ids).prefetch_related("people")}
    rows = []
    for task in tasks:
        item_page = ITEM_PAGES.get(task.key, "web:family")
        items = [{"item": i, "family": families.get(i.family_id), "href": _item_href(item_page, i)}
                 for i in task.items]
        rows.append({"task": task, "href": reverse(TASK_PAGES[task.key]) if task.key in TASK_PAGES else "",
                     "items": items})
    return rows


def home(request: HttpRequest) -> HttpResponse:
    """What is waiting for the person signed in; administrators start at the access log."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    role = role_of(request.user)
    if role is None:
        return render(request, "web/no_role.html", status=403)
    if role is Role.ADMINISTRATOR:
        return redirect("web:access-log")
    rows = _rows(_tasks(request, role))
    record(request, AccessAction.VIEW, target="home", detail=f"{sum(r['task'].count for r in rows)} things waiting")
    return render(request, "web/todo.html", {"rows": rows, "role": role})
