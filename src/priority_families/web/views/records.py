"""A family's partner records, a page at a time, filtered by source and date: the family page shows only the
newest few, so it stays short and cheap however long the family's history is."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from priority_families.casedb.models import AccessAction
from priority_families.core.vocabulary import label
from priority_families.web.access import CASE_ROLES, family_or_404, record, roles_required
from priority_families.web.views.common import asked_for, paginate

RECORDS_PER_PAGE = 50


class RecordsFilter(forms.Form):
    source = forms.ChoiceField(label="Source", required=False)
    since = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    until = forms.DateField(label="To (YYYY-MM-DD)", required=False)

    def __init__(self, *args: object, sources: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "All sources"), *((s, label("source", s)) for s in sources)]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be on or after the start date")
        return data


@roles_required(*CASE_ROLES)
def family_records(request: HttpRequest, family_id: str) -> HttpResponse:
    fam = family_or_404(request, family_id)
    rows = fam.timeline.all()
    form = RecordsFilter(request.GET or None, sources=sorted(set(rows.values_list("source", flat=True))))
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("source"):
        rows = rows.filter(source=data["source"])
    if data.get("since"):
        rows = rows.filter(event_date__gte=data["since"])
    if data.get("until"):
        rows = rows.filter(event_date__lte=data["until"])
    page, pages = paginate(request, rows, RECORDS_PER_PAGE)
    record(request, AccessAction.VIEW, target=f"family {fam.family_id}",
           detail=f"partner records; {asked_for(request)}; page {page.number}")
    names = {m.person_id: f"{m.first_name} {m.last_name}".strip().title() for m in fam.people.all()}
    for shown in page:  # the page's rows only: who each is, by name, with the id as secondary text
        shown.person_name = names.get(shown.person_id, "")
    return render(request, "web/family_records.html", {
        "family": fam, "form": form, "page": page, "pages": pages, "total": page.paginator.count,
    })
