"""People and families by name: the cohort list names each family, says which member matched a search and
names the lead worker (ids as secondary text); statuses and headlines read as labels."""

from __future__ import annotations

import re

from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import Agency, Family, Member


def test_a_search_says_which_member_matched(published, signed_in):
    member = Member.objects.exclude(last_name="").exclude(first_name="").select_related("family").first()
    page = signed_in("analyst").get(reverse("web:cohort"), {"q": f"{member.first_name} {member.last_name}"})
    text = page.content.decode()
    matched = text.split(f'data-matched="{member.family.family_id}">', 1)[1].split("</span>", 1)[0]
    assert f"{member.first_name} {member.last_name}" in matched
    others = Member.objects.filter(family=member.family).exclude(first_name=member.first_name)
    assert all(f"{o.first_name} {o.last_name}" not in matched for o in others)
    assert f"{member.last_name.strip().title()}" in text and "family</a>" in text


def test_the_lead_worker_column_names_the_worker_and_statuses_are_labels(published, people, signed_in,
                                                                         django_user_model):
    family = Family.objects.filter(eligible=True).order_by("family_id").first()
    casework.allocate(family.family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    text = signed_in("analyst").get(reverse("web:cohort"), {"q": family.family_id}).content.decode()
    assert "Wendy Worker" in text and ">worker<" not in text
    assert "Triaged" in text and ">triaged<" not in text
    rows = re.sub(r"<[^>]+>", " ", text.split("</thead>", 1)[1].split("</tbody>", 1)[0])
    assert "_" not in rows  # no code with underscores in what the rows say
