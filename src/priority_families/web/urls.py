"""The tracker's addresses."""

from __future__ import annotations

from django.urls import include, path

from priority_families.web.admin import site
from priority_families.web.views import (
    assessed_rows,
    auth,
    families,
    governance,
    nominations,
    oversight,
    records,
    referrals,
    reports,
    team,
    todo,
    triage,
)

app_name = "web"

pages = [
    path("", todo.home, name="home"),
    path("dashboard/", families.dashboard, name="dashboard"),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("families/", families.cohort, name="cohort"),
    path("families/export.xlsx", families.cohort_export, name="cohort-export"),
    path("families/<str:family_id>/", families.family, name="family"),
    path("families/<str:family_id>/records/", records.family_records, name="family-records"),
    path("families/<str:family_id>/move", families.move, name="family-move"),
    path("families/<str:family_id>/notes", families.add_note, name="family-note"),
    path("families/<str:family_id>/actions", families.add_action, name="family-action"),
    path("families/<str:family_id>/actions/<int:action_id>/done", families.complete_action, name="family-action-done"),
    path("families/<str:family_id>/attach", families.attach, name="family-attach"),
    path("families/<str:family_id>/attest", families.attest, name="family-attest"),
    path("families/<str:family_id>/evidence/<int:attestation_id>", families.evidence_file, name="evidence-file"),
    path("families/<str:family_id>/checks/<str:due_on>", families.record_check, name="family-check"),
    path("families/<str:family_id>/headlines/", nominations.headlines, name="family-headlines"),
    path("families/<str:family_id>/headlines/disclose", nominations.disclose, name="family-disclose"),
    path("families/<str:family_id>/headlines/nominate", nominations.nominate_family, name="family-nominate"),
    path("families/<str:family_id>/rows/", assessed_rows.rows, name="family-rows"),
    path("families/<str:family_id>/rows/assess", assessed_rows.assess, name="family-assess"),
    path("families/<str:family_id>/rows/attest", assessed_rows.attest, name="family-attest-row"),
    path("families/<str:family_id>/team/", team.page, name="team"),
    path("families/<str:family_id>/team/members", team.add_member, name="team-member"),
    path("families/<str:family_id>/team/members/<int:member_id>/remove", team.remove_member, name="team-member-remove"),
    path("families/<str:family_id>/team/notes", team.add_note, name="team-note"),
    path("families/<str:family_id>/team/actions", team.add_action, name="team-action"),
    path("families/<str:family_id>/team/actions/<int:action_id>/done", team.complete_action, name="team-action-done"),
    path("families/<str:family_id>/team/meetings", team.add_meeting, name="team-meeting"),
    path("families/<str:family_id>/team/assessments", team.add_assessment, name="team-assessment"),
    path("families/<str:family_id>/team/map", team.add_map_person, name="team-map"),
    path("families/<str:family_id>/team/documents", team.add_case_document, name="team-document"),
    path("families/<str:family_id>/team/documents/<int:document_id>", team.document, name="team-document-file"),
    path("families/<str:family_id>/team/level", team.step_level, name="team-level"),
    path("families/<str:family_id>/team/reopen", team.reopen, name="team-reopen"),
    path("my-teams/", team.my_teams, name="my-teams"),
    path("referrals/", referrals.queue, name="referrals"),
    path("referrals/new", referrals.new, name="referral-new"),
    path("referrals/<int:referral_id>/", referrals.detail, name="referral"),
    path("referrals/<int:referral_id>/decide", referrals.decide, name="referral-decide"),
    path("referrals/<int:referral_id>/answer", referrals.answer, name="referral-answer"),
    path("caseloads/", referrals.caseloads, name="caseloads"),
    path("triage/", triage.places, name="triage"),
    path("triage/by/<str:level>/<str:place>/", triage.meeting, name="triage-place"),
    path("triage/by/<str:level>/<str:place>/<str:family_id>", triage.decide, name="triage-place-decide"),
    path("claims/", oversight.claims, name="claims"),
    path("claims/spot-check", oversight.spot_check, name="spot-check"),
    path("claims/workbook.xlsx", oversight.claims_workbook, name="claims-workbook"),
    path("claims/<str:family_id>/", oversight.evidence_pack, name="evidence-pack"),
    path("claims/<str:family_id>/verdict", oversight.spot_check_verdict, name="spot-check-verdict"),
    path("sustainability/", oversight.sustainability, name="sustainability"),
    path("claims/<str:family_id>/pack.html", oversight.generated_pack, name="generated-pack"),
    path("refreshes/", oversight.refreshes, name="refreshes"),
    path("refreshes/publish", oversight.publish, name="publish"),
    path("returns/", oversight.returns, name="returns"),
    path("review/", oversight.review, name="review"),
    path("review/decide", oversight.review_decide, name="review-decide"),
    path("access-log/", oversight.access_log, name="access-log"),
    path("families/<str:family_id>/agreement", governance.family_agreement, name="family-agreement"),
    path("agreements/", governance.agreements, name="family-agreements"),
    path("subject-access/", governance.subject_access, name="subject-access"),
    path("reports/", reports.reports, name="reports"),
    path("reports/board.<str:kind>", reports.paper_file, name="report-file"),
    path("reports/meetings/", reports.meetings, name="report-meetings"),
    path("reports/allocations/", reports.allocations, name="report-allocations"),
    path("reports/calendar/", reports.calendar, name="report-calendar"),
    path("reports/<str:framework_id>/<str:measure_id>/", reports.measure, name="report-measure"),
]

urlpatterns = [
    path("admin/", site.urls),
    path("", include((pages, "web"))),
]

handler404 = "priority_families.web.views.errors.not_found"
handler500 = "priority_families.web.views.errors.server_error"
