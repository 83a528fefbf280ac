"""Forms for the tracker's pages. Errors are written as GOV.UK error messages: say what to do."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from priority_families.casedb.models import Agency, CaseStatus, ClosureReason, NotAllocatedReason, Role, Team
from priority_families.outcomes.attest import MAX_EVIDENCE_BYTES

DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y"]


class CohortFilter(forms.Form):
    q = forms.CharField(required=False, label="Name, date of birth or postcode", max_length=100)
    headline = forms.ChoiceField(required=False, label="Headline")
    area = forms.ChoiceField(required=False, label="Area")
    status = forms.ChoiceField(required=False, label="Status",
                               choices=[("", "Any status"), *CaseStatus.choices])
    priority = forms.FloatField(required=False, label="Priority at least", min_value=0)

    def __init__(self, *args: object, headlines: list[str], areas: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headline"].choices = [("", "Any headline")] + [(h, h.replace("_", " ")) for h in headlines]
        self.fields["area"].choices = [("", "Any area")] + [(a, a) for a in areas]


class AllocateForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision", widget=forms.RadioSelect,
        choices=[("allocate", "Allocate to a lead agency and lead worker"), ("not_allocate", "Not to be allocated")],
        error_messages={"required": "Select whether to allocate the family"},
    )
    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False, label="Lead agency",
                                    empty_label="Choose a lead agency")
    worker = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label="Lead worker",
                                    empty_label="Choose a lead worker")
    reason = forms.ChoiceField(required=False, label="Reason not to allocate",
                               choices=[("", "Choose a reason"), *NotAllocatedReason.choices])

    def __init__(self, *args: object, team: Team | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        workers = get_user_model().objects.filter(is_active=True, profile__role=Role.LEAD_WORKER)
        if team is not None:  # a manager allocates to their own team only
            workers = workers.filter(profile__team=team)
        self.fields["worker"].queryset = workers.order_by("username")
        self.fields["worker"].label_from_instance = lambda u: u.get_full_name() or u.get_username()

    def clean(self) -> dict[str, object]:
        data = super().clean()
        if data.get("decision") == "allocate":
            if not data.get("agency"):
                self.add_error("agency", "Select the lead agency")
            if not data.get("worker"):
                self.add_error("worker", "Select the lead worker")
        elif data.get("decision") == "not_allocate" and not data.get("reason"):
            self.add_error("reason", "Select the reason the family is not to be allocated")
        return data


class MoveForm(forms.Form):
    to = forms.ChoiceField(label="Move the case to", choices=CaseStatus.choices,
                           error_messages={"required": "Select the next status"})
    reason = forms.CharField(required=False, label="Reason (optional)", max_length=500)
    closure_reason = forms.ChoiceField(required=False, label="Why the case is closed (when closing it)",
                                       choices=[("", "Choose a reason"), *ClosureReason.choices])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("to") == CaseStatus.CLOSED and not data.get("closure_reason"):
            self.add_error("closure_reason", "Select why the case is closed")
        return data


class AttachForm(forms.Form):
    attached_on = forms.DateField(label="Date attached", input_formats=DATE_INPUTS,
                                  help_text="For example, 2015-09-01",
                                  error_messages={"required": "Enter the date the family was attached",
                                                  "invalid": "Enter the date as year-month-day, like 2015-09-01"})


class NoteForm(forms.Form):
    text = forms.CharField(label="Case note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                           error_messages={"required": "Enter the case note"})


class ActionForm(forms.Form):
    description = forms.CharField(label="Action", max_length=500, error_messages={"required": "Enter the action"})
    owner = forms.CharField(label="Who will do it", max_length=200,
                            error_messages={"required": "Enter who will do the action"})
    due_on = forms.DateField(required=False, label="Due by (optional)", input_formats=DATE_INPUTS,
                             error_messages={"invalid": "Enter the date as year-month-day, like 2015-10-01"})


class UploadForm(forms.Form):
    """A form with a file field (`upload_field`) that the streaming size limit (`web.uploads`) may have dropped:
    `too_large` says so, and the form names the limit against that field."""

    upload_field = "evidence"

    def __init__(self, *args: object, too_large: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean(self) -> dict[str, object]:
        if self.too_large:  # the upload handler dropped the file as it went over the limit
            self.errors.pop(self.upload_field, None)
            self.add_error(self.upload_field,
                           f"The selected file must be smaller than {MAX_EVIDENCE_BYTES // 2**20} MB")
        return super().clean()


class AttestationForm(UploadForm):
    line = forms.ChoiceField(label="Headline and indicator line",
                             error_messages={"required": "Select the headline and indicator line"})
    statement = forms.CharField(label="Statement", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                error_messages={"required": "Enter the statement"})
    attested_on = forms.DateField(label="Date of the statement", input_formats=DATE_INPUTS,
                                  error_messages={"required": "Enter the date of the statement",
                                                  "invalid": "Enter the date as year-month-day, like 2015-10-01"})
    evidence = forms.FileField(label="Evidence file", error_messages={"required": "Choose the evidence file",
                                                                      "empty": "The selected file is empty"})

    def __init__(self, *args: object, lines: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", "Choose a line"), *lines]

    def clean_evidence(self) -> object:
        """The size is also enforced while the upload streams (`web.uploads`); the type and quota by `attest`."""
        evidence = self.cleaned_data.get("evidence")
        if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_EVIDENCE_BYTES // 2**20} MB")
        if evidence is not None and evidence.size == 0:
            raise forms.ValidationError("The selected file is empty")
        return evidence
