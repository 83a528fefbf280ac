"""Filters that put people's words on the page: labels for codes, families and people by name.

`{% load ux %}` then `{{ record.source|label:"source" }}`, `{{ step.by|actor }}`, `{{ family|family_name }}`.
Labels come from `core.vocabulary` (widened by the plan in force for headlines, lines and claim routes), so the
tracker, the CLI, the packs and the workbooks read the same words.
"""

from __future__ import annotations

import re

from django import template

from priority_families.core.vocabulary import Vocabulary, actor_label

register = template.Library()


def _vocabulary() -> Vocabulary:
    """The plan in force's vocabulary when a refresh is published (headline and line titles), else the shipped."""
    from priority_families.web.views.vocabulary import plan_vocabulary

    return plan_vocabulary()


@register.filter
def label(code: object, group: str) -> str:
    """The label of a code in a vocabulary group ("" for no value; never Python's None)."""
    return _vocabulary().label(group, code)


@register.filter
def labels(codes: str, group: str) -> str:
    """A ;-separated list of codes (a family's headlines) as labels joined with commas."""
    vocabulary = _vocabulary()
    return ", ".join(vocabulary.label(group, c) for c in str(codes or "").split(";") if c)


@register.filter
def actor(who: str) -> str:
    """Who did something as a person reads it: "root (command line)", not "cli:root"."""
    return actor_label(str(who or ""))


@register.filter
def family_name(family: object) -> str:
    """A family as people call it, by its members' surnames ("Green family", "Green and Hall family"); the
    family id when no member is named. Uses the members already fetched (prefetch `people`)."""
    people = list(family.people.all()) if family is not None and hasattr(family, "people") else []
    surnames = sorted({p.last_name.strip().title() for p in people if p.last_name.strip()})
    if not surnames:
        return f"Family {getattr(family, 'family_id', '')}".strip()
    shown = " and ".join(surnames[:2]) + (" and others" if len(surnames) > 2 else "")
    return f"{shown} family"


@register.filter
def person_name(member: object) -> str:
    """A person by name, first then last; their id when the record has no name."""
    name = f"{getattr(member, 'first_name', '')} {getattr(member, 'last_name', '')}".strip()
    return name or str(getattr(member, "person_id", ""))


@register.filter
def line_label(pair: str) -> str:
    """A baseline line written "headline|indicator" as "Headline title: indicator label"."""
    headline, _, indicator = str(pair or "").partition("|")
    vocabulary = _vocabulary()
    return f"{vocabulary.label('headline', headline)}: {vocabulary.label('line', indicator)}" if indicator else \
        vocabulary.label("headline", headline)


@register.filter
def case_status(code: str) -> str:
    """A case status as its label ("Plan agreed"), never its code."""
    from priority_families.casedb.models import CaseStatus

    return CaseStatus(code).label if code in CaseStatus.values else str(code or "").replace("_", " ")


@register.filter
def lookup(mapping: object, key: object) -> object:
    """`mapping[key]`, or "" when absent (a person's name by their id)."""
    return mapping.get(key, "") if isinstance(mapping, dict) else ""


CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


@register.filter
def in_words(text: object) -> str:
    """Prose the product wrote with codes in it ("1 social_care child_in_need records") with each code read as
    its label: a fact, kind or source where the vocabulary knows it, else as words."""
    vocabulary = _vocabulary()

    def word(match: re.Match[str]) -> str:
        code = match.group(0)
        for group in ("kind", "fact", "source", "measure", "line", "headline", "claim_route"):
            if code in vocabulary.groups.get(group, {}):
                return vocabulary.label(group, code).lower() if group in ("kind", "fact", "source") else \
                    vocabulary.label(group, code)
        return code.replace("_", " ")

    return CODE.sub(word, str(text or ""))
