"""The case record's tables, one Django app (`casedb`): everything people enter and auditors check.

- `people`: roles, areas, agencies, teams, targets and the access log;
- `published`: the refresh in force as the tracker shows it (replaced whole by each publish);
- `cases`: a family's case, its status history and case work;
- `attachments`: attachment with its frozen baseline, attestations, the audit trail;
- `claims`: the claims ledger (a claim's steps, batches) and audit samples;
- `team`: the team around the family, referrals, assessment, family map, case file, levels of support.
- `governance`: the family's agreement, flags sent to partners, subject access requests, retention deletions.
- `reports`: values, narrative and RAG overrides measure owners enter against an outcome framework; triage
  meetings, group tags and shared allocations (the allocations report); closures with their reason.
- `holds`: claims held because they would rest on a doubtful link (needs review), and what became of them.
- `ux`: the geography lookup's wards as published, for tables grouped by ward, district or locality.
- `nominations`: headlines disclosed after attachment (their own baseline) and professionals' nominations.
- `assessed_rows`: plan rows a professional assessed as applying to a family, and their attested outcomes.
"""

from priority_families.casedb.models.assessed_rows import AssessedNeed, RowAttestation
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
from priority_families.casedb.models.governance import (
    ConsentKind,
    ConsentMethod,
    FamilyAgreement,
    FlagExport,
    FlagSent,
    RetentionDeletion,
    SubjectAccessRequest,
)
from priority_families.casedb.models.holds import ClaimHold, HoldEvent
from priority_families.casedb.models.nominations import Disclosure, Nomination
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
from priority_families.casedb.models.team import (
    Assessment,
    AssessmentLine,
    CaseDocument,
    CaseMember,
    DeclineReason,
    DocumentKind,
    LevelChange,
    MapPerson,
    Referral,
    ReferralStatus,
    ReferredPerson,
    RoleOnCase,
    TeamMeeting,
    WorkerCapacity,
)
from priority_families.casedb.models.ux import Ward

# Every row that keeps an evidence file (`base.WithEvidence`): erasure removes their files together.
EVIDENCE_MODELS = (Attestation, Nomination, AssessedNeed, RowAttestation)

__all__ = [
    "EVIDENCE_MODELS",
    "AccessAction",
    "AccessLog",
    "AccessLogError",
    "Agency",
    "AppendOnly",
    "AppendOnlyQuerySet",
    "Area",
    "AssessedNeed",
    "Assessment",
    "AssessmentLine",
    "Attachment",
    "Attestation",
    "AuditEvent",
    "BaselineBenefit",
    "BaselineCount",
    "BaselineLine",
    "BaselineMember",
    "BaselineRecord",
    "Case",
    "CaseClosure",
    "CaseClosureError",
    "CaseDocument",
    "CaseMember",
    "CaseNote",
    "CaseStatus",
    "CaseTag",
    "Claim",
    "ClaimBatch",
    "ClaimHold",
    "ClaimStep",
    "ClosureReason",
    "ConsentKind",
    "ConsentMethod",
    "DeclineReason",
    "Disclosure",
    "DocumentKind",
    "EntryKind",
    "EvidenceRow",
    "Family",
    "FamilyAgreement",
    "FamilyProgress",
    "FlagExport",
    "FlagSent",
    "GroupTag",
    "HoldEvent",
    "ImmutableRecordError",
    "LevelChange",
    "MapPerson",
    "MeasureEntry",
    "MeasureEntryError",
    "Member",
    "NameWord",
    "Nomination",
    "NotAllocatedReason",
    "PartnerRecord",
    "PlanAction",
    "Profile",
    "ProgrammeTarget",
    "Rag",
    "Referral",
    "ReferralStatus",
    "ReferredPerson",
    "RetentionDeletion",
    "Role",
    "RoleOnCase",
    "RowAttestation",
    "SampleKind",
    "SharedAllocation",
    "SignInThrottle",
    "SpotCheck",
    "StatusChange",
    "StepKind",
    "SubjectAccessRequest",
    "SustainabilityCheck",
    "Team",
    "TeamMeeting",
    "TrackerRefresh",
    "TriageMeeting",
    "TriageMeetingError",
    "TrustedAddress",
    "Verdict",
    "Ward",
    "WhyLine",
    "WorkerCapacity",
]
