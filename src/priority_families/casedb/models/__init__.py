"""The case record's tables, one Django app (`casedb`): everything people enter and auditors check.

- `people`: roles, areas, agencies, teams, targets and the access log;
- `published`: the refresh in force as the tracker shows it (replaced whole by each publish);
- `cases`: a family's case, its status history and case work;
- `attachments`: attachment with its frozen baseline, attestations, the audit trail;
- `claims`: the claims ledger (a claim's steps, batches) and audit samples;
- `team`: the team around the family, referrals, assessment, family map, case file, levels of support.
- `governance`: the family's agreement, flags sent to partners, subject access requests, retention deletions.
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
from priority_families.casedb.models.governance import (
    ConsentKind,
    ConsentMethod,
    FamilyAgreement,
    FlagExport,
    FlagSent,
    RetentionDeletion,
    SubjectAccessRequest,
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

__all__ = [
    "AccessAction",
    "AccessLog",
    "AccessLogError",
    "Agency",
    "AppendOnly",
    "AppendOnlyQuerySet",
    "Area",
    "Attachment",
    "Attestation",
    "AuditEvent",
    "BaselineBenefit",
    "BaselineCount",
    "BaselineLine",
    "BaselineMember",
    "BaselineRecord",
    "Case",
    "CaseNote",
    "CaseStatus",
    "Claim",
    "ClaimBatch",
    "ClaimStep",
    "ConsentKind",
    "ConsentMethod",
    "EvidenceRow",
    "Family",
    "FamilyAgreement",
    "FamilyProgress",
    "FlagExport",
    "FlagSent",
    "ImmutableRecordError",
    "Member",
    "NameWord",
    "NotAllocatedReason",
    "PartnerRecord",
    "PlanAction",
    "Profile",
    "ProgrammeTarget",
    "RetentionDeletion",
    "Role",
    "SampleKind",
    "SignInThrottle",
    "SpotCheck",
    "StatusChange",
    "StepKind",
    "SubjectAccessRequest",
    "SustainabilityCheck",
    "Team",
    "TrackerRefresh",
    "TrustedAddress",
    "Verdict",
    "WhyLine",
]
__all__ += [  # the team around the family (models/team.py)
    "Assessment", "AssessmentLine", "CaseDocument", "CaseMember", "DeclineReason", "DocumentKind", "LevelChange",
    "MapPerson", "Referral", "ReferralStatus", "ReferredPerson", "RoleOnCase", "TeamMeeting", "WorkerCapacity",
]
