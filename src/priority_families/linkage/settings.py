"""Linkage settings: thresholds and training knobs, validated by pydantic so a bad value fails fast."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class LinkageSettings(BaseModel):
    """How sure the model must be before two descriptions are one person, and how it is trained.

    Pairs at or above `match_probability` are merged; pairs in `[review_probability, match_probability)`
    go to the clerical review queue; reviewer decisions override both.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    match_probability: float = Field(default=0.9, gt=0, lt=1)
    review_probability: float = Field(default=0.5, gt=0, lt=1)
    keep_pairs_probability: float = Field(
        default=0.2, ge=0, lt=1, description="pairs scored below this are not stored in link_pairs"
    )
    min_training_descriptions: int = Field(
        default=2000, ge=10, description="below this many distinct descriptions, use the prior m/u values"
    )
    u_sampling_max_pairs: float = Field(default=3e6, gt=0)
    seed: int = 42
    pairs_per_chunk: int = Field(
        default=10_000_000, ge=1,
        description="blocked pairs are scored in chunks of about this many "
        "(1M people: 16.9M pairs, 2 chunks, 3.5 GiB)",
    )
    broad_block_pairs_per_description: float = Field(
        default=25.0, ge=0,
        description="a broad blocking rule (date of birth alone, postcode alone, names with the postcode "
        "district) is used only while it makes at most this many pairs per description",
    )
    ambiguity_margin_bits: float = Field(
        default=5.0, ge=0,
        description="an incomplete description (no dob or name) joins its best person only if the next best "
        "is this many bits (log2 odds) weaker; otherwise it is ambiguous and queued for review",
    )
    guard_first_names: bool = Field(
        default=True, description="guard: clearly different first names never link by the model (twins)"
    )
    guard_dates_of_birth: bool = Field(
        default=True, description="guard: dates of birth that differ beyond a slip never link by the model"
    )
    dob_wrong_ceiling: float = Field(
        default=0.05, ge=0.01, lt=0.5,
        description="the most the data may say one person's dates of birth are far apart in partners' records "
        "(`model.dob_wrong_rate`, learned from 0.01 and held within [0.01, this]); 0.01 keeps the fixed value "
        "of before",
    )
    match_rate_from_model: bool | None = Field(
        default=None,
        description="after training, rescale the match rate (counted from exact first name, surname and date of "
        "birth with an assumed recall of 0.7) to the recall the trained model gives that rule (`model."
        "_match_rate_from_model`). None (the default): where the data says related people do not share names and "
        "places (`model.rescales_match_rate`: pairs of one name a generation apart are not families), not where "
        "they do (a council's data: it moved relatives into the review band and merged two); True or False: "
        "always or never",
    )
    charts_dir: str | None = Field(default=None, description="where to save Splink's model charts (HTML)")

    @model_validator(mode="after")
    def _bands_ordered(self) -> LinkageSettings:
        if not self.keep_pairs_probability <= self.review_probability < self.match_probability:
            raise ValueError(
                "need keep_pairs_probability <= review_probability < match_probability, got "
                f"{self.keep_pairs_probability}, {self.review_probability}, {self.match_probability}"
            )
        return self
