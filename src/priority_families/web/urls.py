"""The tracker's addresses."""

from __future__ import annotations

from django.urls import include, path

from priority_families.web.admin import site
from priority_families.web.views import auth, families, oversight, reports, triage

app_name = "web"

pages = [
    path("", families.home, name="home"),
    path("dashboard/", families.dashboard, name="dashboard"),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("families/", families.cohort, name="cohort"),
    path("families/export.xlsx", families.cohort_export, name="cohort-export"),
    path("families/<str:family_id>/", families.family, name="family"),
    path("families/<str:family_id>/move", families.move, name="family-move"),
    path("families/<str:family_id>/notes", families.add_note, name="family-note"),
    path("families/<str:family_id>/actions", families.add_action, name="family-action"),
    path("families/<str:family_id>/actions/<int:action_id>/done", families.complete_action, name="family-action-done"),
    path("families/<str:family_id>/attach", families.attach, name="family-attach"),
    path("families/<str:family_id>/attest", families.attest, name="family-attest"),
    path("families/<str:family_id>/evidence/<int:attestation_id>", families.evidence_file, name="evidence-file"),
    path("families/<str:family_id>/checks/<str:due_on>", families.record_check, name="family-check"),
    path("triage/", triage.areas, name="triage"),
    path("triage/<str:area>/", triage.meeting, name="triage-area"),
    path("triage/<str:area>/<str:family_id>", triage.decide, name="triage-decide"),
    path("claims/", oversight.claims, name="claims"),
    path("claims/spot-check", oversight.spot_check, name="spot-check"),
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
