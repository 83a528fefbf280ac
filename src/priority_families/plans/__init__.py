"""Outcomes Plans as data: schema, loading with file/line errors, the shipped library, and rendering."""
