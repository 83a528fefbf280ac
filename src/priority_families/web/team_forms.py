"""Forms for the team around the family, referrals and caseloads. Errors say what to do (GOV.UK style)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib.auth import get_user_model

from priority_families.casedb.models import DeclineReason, DocumentKind, Role, RoleOnCase
from priority_families.casedb.team import HeadlineView, MeetingAction, PersonReferred
from priority_families.outcomes.attest import MAX_EVIDENCE_BYTES
from priority_families.web.forms import DATE_INPUTS, UploadForm

DATE_ERRORS = {"invalid": "Enter the date as year-month-day, like 2015-10-01"}


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, input_formats=DATE_INPUTS, required=required, help_text="For example, 2015-10-01",
                           error_messages={"required": f"Enter the {label.lower()}", **DATE_ERRORS})


class MemberForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Practitioner",
                                  error_messages={"required": "Select the practitioner to add"})
    agency = forms.CharField(label="Their agency", max_length=200, error_messages={"required": "Enter their agency"})
    role_on_case = forms.ChoiceField(label="Role on this case", choices=[("", "Choose a role"), *RoleOnCase.choices],
                                     error_messages={"required": "Select their role on this case"})
    added_on = _date("Date added")

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "member")
        super().__init__(*args, **kwargs)
        people = get_user_model().objects.filter(is_active=True, profile__role__in=[Role.PARTNER, Role.LEAD_WORKER])
        self.fields["user"].queryset = people.order_by("username")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"


class DatedForm(forms.Form):
    on = _date("Date")


class MeetingForm(forms.Form):
    held_on = _date("Date of the meeting")
    attended = forms.CharField(label="Who attended", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                               help_text="One person per line, with their agency",
                               error_messages={"required": "Enter who attended the meeting"})
    decisions = forms.CharField(label="Decisions", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                error_messages={"required": "Enter what the meeting decided"})
    actions = forms.CharField(label="Actions (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=5000,
                              help_text="One per line: the action | who will do it | due by (year-month-day)")

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "meeting")
        super().__init__(*args, **kwargs)

    def clean_actions(self) -> list[MeetingAction]:
        found = []
        for n, line in enumerate(self.cleaned_data.get("actions", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(f"Action line {n}: write the action, then | and who will do it")
            try:
                due = date.fromisoformat(parts[2]) if len(parts) > 2 and parts[2] else None
            except ValueError:
                raise forms.ValidationError(f"Action line {n}: enter the due date like 2015-10-01") from None
            found.append(MeetingAction(parts[0], parts[1], due))
        return found


class AssessmentForm(forms.Form):
    assessed_on = _date("Date of the assessment")
    author = forms.CharField(label="Assessed by", max_length=150, error_messages={"required": "Enter who assessed"})

    def __init__(self, *args: object, headlines: list[tuple[str, str]], scale: tuple[str, int, int],
                 **kwargs: object) -> None:
        kwargs.setdefault("prefix", "assessment")
        super().__init__(*args, **kwargs)
        self.headlines = headlines
        name, low, high = scale
        for hid, title in headlines:
            self.fields[f"{hid}__needs"] = forms.CharField(label=f"{title}: needs", required=False, max_length=3000,
                                                           widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{hid}__strengths"] = forms.CharField(label=f"{title}: strengths", required=False,
                                                               max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{hid}__view"] = forms.CharField(label=f"{title}: the family's view", required=False,
                                                          max_length=3000, widget=forms.Textarea(attrs={"rows": 2}))
            self.fields[f"{hid}__score"] = forms.IntegerField(
                label=f"{title}: score ({name})", required=False, min_value=low, max_value=high,
                error_messages={"min_value": f"Enter a score from {low} to {high}",
                                "max_value": f"Enter a score from {low} to {high}",
                                "invalid": f"Enter a score from {low} to {high}"})

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[f"{hid}__{k}"] for k in ("needs", "strengths", "view", "score")])
                for hid, title in self.headlines]

    def lines(self) -> list[HeadlineView]:
        d = self.cleaned_data
        return [HeadlineView(hid, d.get(f"{hid}__needs") or "", d.get(f"{hid}__strengths") or "",
                             d.get(f"{hid}__view") or "", d.get(f"{hid}__score")) for hid, _ in self.headlines]


class MapPersonForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the person's name"})
    relationship = forms.CharField(label="Relationship to the family", max_length=200,
                                   error_messages={"required": "Enter their relationship to the family"})
    lives = forms.CharField(label="Lives with or where", max_length=200,
                            error_messages={"required": "Enter who they live with, or where"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "map")
        super().__init__(*args, **kwargs)


class DocumentForm(UploadForm):
    upload_field = "file"

    kind = forms.ChoiceField(label="Kind of document", choices=[("", "Choose a kind"), *DocumentKind.choices],
                             error_messages={"required": "Select the kind of document"})
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the document's title"})
    file = forms.FileField(label="File", help_text=f"PDF, PNG, JPEG, Word, Excel or text, under "
                           f"{MAX_EVIDENCE_BYTES // 2**20} MB", error_messages={"required": "Choose the file",
                                                                                  "empty": "The selected file is empty"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)


class LevelForm(forms.Form):
    level = forms.CharField(label="Level of support", max_length=50,
                            error_messages={"required": "Select the level of support"})
    on = _date("Date of the step")
    reason = forms.CharField(label="Reason", max_length=500, error_messages={"required": "Enter why the level changes"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "level")
        super().__init__(*args, **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=500, error_messages={"required": "Enter the reason"})

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("prefix", "reopen")
        super().__init__(*args, **kwargs)


PEOPLE_ROWS = 4


class ReferralForm(forms.Form):
    worries = forms.CharField(label="What are you worried about?", widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=5000, error_messages={"required": "Describe the worries"})
    family_knows = forms.CharField(label="What does the family know about this referral?",
                                   widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                                   error_messages={"required": "Say what the family knows about this referral"})
    consent = forms.ChoiceField(label="Has the family agreed to the referral?", widget=forms.RadioSelect,
                                choices=[("yes", "Yes"), ("no", "No")],
                                error_messages={"required": "Select whether the family has agreed"})
    agency = forms.CharField(label="Your agency", max_length=200, error_messages={"required": "Enter your agency"})

    def __init__(self, *args: object, criteria: list[tuple[str, str, list[tuple[str, str]]]],
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.criteria_groups = criteria
        self.fields["headlines"] = forms.MultipleChoiceField(
            label="Which of the plan's headlines are you worried about?", choices=[(h, t) for h, t, _ in criteria],
            widget=forms.CheckboxSelectMultiple, error_messages={"required": "Select at least one headline"})
        self.fields["criteria"] = forms.MultipleChoiceField(
            label="Which of the plan's criteria do you know the family meets? (optional)", required=False,
            choices=[line for _, _, lines in criteria for line in lines], widget=forms.CheckboxSelectMultiple)
        for i in range(PEOPLE_ROWS):
            self.fields[f"p{i}_first"] = forms.CharField(label=f"Person {i + 1}: first name", required=False,
                                                         max_length=200)
            self.fields[f"p{i}_last"] = forms.CharField(label=f"Person {i + 1}: last name", required=False,
                                                        max_length=200)
            self.fields[f"p{i}_dob"] = forms.DateField(label=f"Person {i + 1}: date of birth", required=False,
                                                       input_formats=DATE_INPUTS, error_messages=DATE_ERRORS)
            self.fields[f"p{i}_postcode"] = forms.CharField(label=f"Person {i + 1}: postcode", required=False,
                                                            max_length=10)

    def person_rows(self) -> list[list[forms.BoundField]]:
        return [[self[f"p{i}_{k}"] for k in ("first", "last", "dob", "postcode")] for i in range(PEOPLE_ROWS)]

    def people(self) -> list[PersonReferred]:
        d = self.cleaned_data
        return [PersonReferred(d.get(f"p{i}_first") or "", d.get(f"p{i}_last") or "", d.get(f"p{i}_dob"),
                               d.get(f"p{i}_postcode") or "") for i in range(PEOPLE_ROWS)
                if d.get(f"p{i}_first") or d.get(f"p{i}_last")]

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if not self.errors and not self.people():
            self.add_error("p0_first", "Enter the first and last name of at least one person")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", widget=forms.RadioSelect,
                                 choices=[("accept", "Accept"), ("decline", "Decline"), ("more", "Ask for more")],
                                 error_messages={"required": "Select a decision"})
    reason = forms.ChoiceField(label="Reason to decline", required=False,
                               choices=[("", "Choose a reason"), *DeclineReason.choices])
    note = forms.CharField(label="Note to the referrer", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    area = forms.CharField(label="Area for triage (a new family only; optional)", required=False, max_length=20)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason"):
            self.add_error("reason", "Select why the referral is declined")
        if data.get("decision") == "more" and not (data.get("note") or "").strip():
            self.add_error("note", "Say what more you need to know")
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(label="Your answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                             error_messages={"required": "Enter your answer"})


class CapacityForm(forms.Form):
    worker = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Lead worker",
                                    error_messages={"required": "Select the lead worker"})
    capacity = forms.DecimalField(label="Capacity (weighted cases)", min_value=0, max_digits=6, decimal_places=1,
                                  error_messages={"required": "Enter the capacity"})

    def __init__(self, *args: object, workers: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda u: u.get_full_name() or u.username
