"""Priority Families: identify, track and prove results for the Supporting Families programme."""

__version__ = "0.1.0"
