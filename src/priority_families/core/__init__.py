"""Level 1: what every stage shares (settings, the engine seam, SQL helpers, calendars). Imports nothing of ours."""
