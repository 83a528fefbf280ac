"""Scoring the product against a synthetic county's truth (a side package: only `cli`, tests and benchmarks
import it; it may import levels 1-5, never the reverse).

- `evaluation.linkage`: person links (pairwise), households (B-cubed), family id stability between refreshes.
- `evaluation.identify`: eligible-family F1 and headline agreement of the published cohort.
- `evaluation.claims`: the truth's attachments in the product's family ids (`pf evaluate attachments`), and
  claim decisions against the truth's results (`pf evaluate claims`).
"""
