"""Template tags that render Django form fields and errors as GOV.UK Design System components."""

from __future__ import annotations

from django import forms, template
from django.utils.choices import flatten_choices
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _error(field: forms.BoundField) -> SafeString:
    if not field.errors:
        return mark_safe("")
    return format_html('<p id="{}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:'
                       '</span> {}</p>', field.auto_id, field.errors[0])


def _described(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


def _option_values(choices: object) -> list[tuple[object, object]]:
    """Choices with option groups opened out (Django's own flattening), a model choice as its key."""
    return [("" if value is None else getattr(value, "value", value), label) for value, label in flatten_choices(choices)]


def _select(bound: forms.BoundField, css: str, described: str) -> SafeString:
    """A single select written directly: Django renders each option through its template engine, which cost
    a third of a cohort page (a few hundred areas and headlines); the markup is the same."""
    chosen = "" if bound.value() is None else str(bound.value())
    options = format_html_join("", '<option value="{}"{}>{}</option>', (
        (value, mark_safe(" selected") if str(value) == chosen else "", label)
        for value, label in _option_values(bound.field.choices)))
    django_attrs = bound.build_widget_attrs({})  # `required` and `disabled` exactly as Django would set them
    flags = "".join(f" {name}" for name in ("required", "disabled") if django_attrs.get(name))
    return format_html('<select name="{}" class="{}" id="{}"{}{}>{}</select>', bound.html_name, css, bound.auto_id,
                       mark_safe(f' aria-describedby="{described}"') if described else "", mark_safe(flags), options)


@register.simple_tag
def field(bound: forms.BoundField, width: str = "") -> SafeString:
    """One form field as a GOV.UK form group: label, hint, error message and input."""
    widget = bound.field.widget
    group = "govuk-form-group" + (" govuk-form-group--error" if bound.errors else "")
    hint = format_html('<div id="{}-hint" class="govuk-hint">{}</div>', bound.auto_id, bound.help_text) \
        if bound.help_text else mark_safe("")
    attrs: dict[str, str] = {}
    described = _described(bound)
    if described:
        attrs["aria-describedby"] = described
    if isinstance(widget, forms.RadioSelect):
        items = format_html_join("", '<div class="govuk-radios__item"><input class="govuk-radios__input" '
                                 'id="{0}-{1}" name="{2}" type="radio" value="{3}"{4}>'
                                 '<label class="govuk-label govuk-radios__label" for="{0}-{1}">{5}</label></div>',
                                 ((bound.auto_id, i, bound.html_name, value, " checked" if str(bound.value()) ==
                                   str(value) else "", label) for i, (value, label) in enumerate(bound.field.choices)))
        return format_html('<div class="{}"><fieldset class="govuk-fieldset"{}><legend class="govuk-fieldset__legend '
                           'govuk-fieldset__legend--s">{}</legend>{}{}<div class="govuk-radios govuk-radios--small" '
                           'data-module="govuk-radios">{}</div></fieldset></div>', group,
                           mark_safe(f' aria-describedby="{described}"') if described else "", bound.label, hint,
                           _error(bound), items)
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        css = "govuk-select" + (" govuk-select--error" if bound.errors else "")
        return format_html('<div class="{}"><label class="govuk-label" for="{}">{}</label>{}{}{}</div>', group,
                           bound.auto_id, bound.label, hint, _error(bound), _select(bound, css, described))
    if isinstance(widget, forms.Select):
        css = "govuk-select" + (" govuk-select--error" if bound.errors else "")
    elif isinstance(widget, forms.Textarea):
        css = "govuk-textarea" + (" govuk-textarea--error" if bound.errors else "")
    elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        css = "govuk-file-upload" + (" govuk-file-upload--error" if bound.errors else "")
    else:
        css = "govuk-input" + (f" govuk-input--width-{width}" if width else "") + (
            " govuk-input--error" if bound.errors else "")
    attrs["class"] = css
    return format_html('<div class="{}"><label class="govuk-label" for="{}">{}</label>{}{}{}</div>', group,
                       bound.auto_id, bound.label, hint, _error(bound), bound.as_widget(attrs=attrs))


@register.inclusion_tag("web/_error_summary.html")
def error_summary(*forms_: forms.Form | None) -> dict:
    """A GOV.UK error summary linking to each field in error (and listing form-wide errors)."""
    items = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        for name, errors in form.errors.items():
            href = f"#{form[name].auto_id}" if name != "__all__" and name in form.fields else ""
            items.extend({"text": e, "href": href} for e in errors)
    return {"items": items}


@register.filter
def words(value: str) -> str:
    """An id in the programme's vocabulary as words: `crime_asb` -> `crime asb`."""
    return str(value).replace("_", " ").replace(";", ", ")


@register.simple_tag
def status_tag(status: str, label: str) -> SafeString:
    colour = {"identified": "grey", "triaged": "light-blue", "not_allocated": "orange", "attached": "blue",
              "assessed": "blue", "plan_agreed": "purple", "progress": "turquoise", "claimed": "green",
              "closed": "grey", "stepped_down": "yellow"}.get(status, "grey")
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
