"""The case record's tables, one Django app (`casedb`): everything people enter and auditors check.

- `people`: roles, areas, agencies, teams, targets and the access log;
- `published`: the refresh in force as the tracker shows it (replaced whole by each publish);
- `cases`: a family's case, its status history and case work;
- `attachments`: attachment with its frozen baseline, attestations, the audit trail;
- `claims`: the claims ledger (a claim's steps, batches) and audit samples;
- `reports`: values, narrative and RAG overrides measure owners enter against an outcome framework; triage
  meetings, group tags and shared allocations (the allocations report); closures with their reason.
"""

from priority_families.casedb.models.attachments import (
    Attachment,
    Attestation,
    AuditEvent,
    BaselineBenefit,
    BaselineCount,
    BaselineLine,
    BaselineMember,
    BaselineRecord,
)
from priority_families.casedb.models.base import AppendOnly, AppendOnlyQuerySet, ImmutableRecordError
from priority_families.casedb.models.cases import (
    Case,
    CaseNote,
    CaseStatus,
    NotAllocatedReason,
    PlanAction,
    StatusChange,
    SustainabilityCheck,
)
from priority_families.casedb.models.claims import (
    Claim,
    ClaimBatch,
    ClaimStep,
    SampleKind,
    SpotCheck,
    StepKind,
    Verdict,
)
from priority_families.casedb.models.people import (
    AccessAction,
    AccessLog,
    AccessLogError,
    Agency,
    Area,
    Profile,
    ProgrammeTarget,
    Role,
    SignInThrottle,
    Team,
    TrustedAddress,
)
from priority_families.casedb.models.published import (
    EvidenceRow,
    Family,
    FamilyProgress,
    Member,
    NameWord,
    PartnerRecord,
    TrackerRefresh,
    WhyLine,
)
from priority_families.casedb.models.reports import (
    CaseClosure,
    CaseClosureError,
    CaseTag,
    ClosureReason,
    EntryKind,
    GroupTag,
    MeasureEntry,
    MeasureEntryError,
    Rag,
    SharedAllocation,
    TriageMeeting,
    TriageMeetingError,
)

__all__ = [  # noqa: RUF022 - each engineer appends their models' names
    "AccessAction", "AccessLog", "AccessLogError", "Agency", "AppendOnly", "AppendOnlyQuerySet", "Area",
    "Attachment", "Attestation", "AuditEvent", "BaselineBenefit", "BaselineCount", "BaselineLine",
    "BaselineMember", "BaselineRecord", "Case", "CaseNote", "CaseStatus", "Claim", "ClaimBatch", "ClaimStep",
    "EvidenceRow", "Family", "FamilyProgress", "ImmutableRecordError", "Member", "NameWord", "NotAllocatedReason",
    "PartnerRecord", "PlanAction", "Profile", "ProgrammeTarget", "Role", "SampleKind", "SignInThrottle", "SpotCheck",
    "StatusChange", "StepKind", "SustainabilityCheck", "Team", "TrackerRefresh", "TrustedAddress", "Verdict",
    "WhyLine",
    "CaseClosure", "CaseClosureError", "CaseTag", "ClosureReason", "EntryKind", "GroupTag", "MeasureEntry",
    "MeasureEntryError", "Rag", "SharedAllocation", "TriageMeeting", "TriageMeetingError",
]
