"""Information governance a data-protection officer signs off (`docs/data-protection.md`): flags back to
partners (`flags`), subject access (`subject_access`) and retention (`retention`). The register of sharing
agreements is read by the refresh (`ingest.agreements`); the family's agreement is case work
(`casedb.consent`)."""


class GovernanceError(ValueError):
    """A request the register or the case record does not allow; nothing was written or changed."""
