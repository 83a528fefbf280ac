"""Governance tests import the identify and ingest builders as plain modules."""
