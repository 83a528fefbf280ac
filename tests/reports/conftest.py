"""Reports tests reuse the outcomes and claims helpers (a published store of hand-built families)."""
