"""The tracker writes single selects itself (for speed): the markup must carry what Django's own would."""

from __future__ import annotations

import re

from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    area = forms.ChoiceField(label="Area", choices=[("", "Any area"), ("NG1", "NG1"), ("NG10", "NG10 <b>")])
    kind = forms.ChoiceField(label="Kind", required=False, help_text="Which kind",
                             choices=[("Group", [("a", "A"), ("b", "B")]), ("c", "C")])


def _render(form: forms.Form, name: str) -> str:
    return Template("{% load pf %}{% field form." + name + " %}").render(Context({"form": form}))


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(v, bool(sel), label) for v, sel, label in
            re.findall(r'<option value="([^"]*)"( selected)?[^>]*>([^<]*)</option>', html)]


def test_a_select_has_djangos_options_selection_and_attributes():
    form = _Form({"area": "NG10"})
    form.is_valid()
    ours, django = _render(form, "area"), str(form["area"].as_widget())
    assert _options(ours) == [("", False, "Any area"), ("NG1", False, "NG1"), ("NG10", True, "NG10 &lt;b&gt;")]
    assert [(v, s) for v, s, _ in _options(ours)] == [(v, s) for v, s, _ in _options(django)]
    assert ' name="area"' in ours and ' id="id_area"' in ours and (" required" in ours) == (" required" in django)
    assert "govuk-select" in ours and "<b>" not in ours


def test_an_invalid_choice_is_marked_and_groups_are_opened_out():
    form = _Form({"area": "nowhere", "kind": "b"})
    assert not form.is_valid()
    area, kind = _render(form, "area"), _render(form, "kind")
    assert "govuk-select--error" in area and 'aria-describedby="id_area-error"' in area
    assert not any(selected for _v, selected, _l in _options(area))
    assert _options(kind) == [("a", False, "A"), ("b", True, "B"), ("c", False, "C")]
    assert 'aria-describedby="id_kind-hint"' in kind
