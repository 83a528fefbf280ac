"""Outcomes tests: the identify builders and the case-store helper are importable as plain modules."""

from __future__ import annotations


