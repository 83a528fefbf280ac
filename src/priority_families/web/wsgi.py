"""The WSGI application `pf serve` runs (gunicorn, `web.server`), with static files served by whitenoise.

It refuses to start with the public demo secret key unless PF_LOCAL_DEMO=1 says this is a local demo.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priority_families.web.settings")

from django.core.wsgi import get_wsgi_application

from priority_families.core.files import owner_only_process
from priority_families.web.deployment import refuse_insecure_defaults

owner_only_process()  # the case database, evidence files and exports are owner-only under any WSGI server
application = get_wsgi_application()
refuse_insecure_defaults()
