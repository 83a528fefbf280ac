"""Shipped Outcomes Plans (YAML), one file per plan id."""
