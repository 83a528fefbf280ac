"""What the tracker refuses to be served with (docs/security.md, "Deployment")."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from priority_families.casedb.settings import DEMO_SECRET_KEY


def refuse_insecure_defaults() -> None:
    """The public demo secret key would let anyone forge a session: refuse it unless PF_LOCAL_DEMO=1."""
    if settings.SECRET_KEY == DEMO_SECRET_KEY and not settings.PF_LOCAL_DEMO:
        raise ImproperlyConfigured("set PF_SECRET_KEY (a long random secret), or PF_LOCAL_DEMO=1 for a local "
                                   "demo of synthetic data only")
