"""The WSGI application, with static files served by whitenoise, and the server `pf serve` runs it on.

It refuses to start with the public demo secret key unless PF_LOCAL_DEMO=1 says this is a local demo.

The server is gunicorn, several processes of several threads each: one Python process serves about 30
requests a second on these pages whatever its thread count (the interpreter's lock), so throughput comes from
processes, one per core by default. The application is loaded once in the parent and forked (`preload_app`),
after the parent's database connections are closed so that no worker shares one; each worker then opens its
own connection to the case database, and its own DuckDB store connection when a page needs one.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priority_families.web.settings")

from django.core.wsgi import get_wsgi_application
from gunicorn.app.base import BaseApplication

from priority_families.core.files import owner_only_process
from priority_families.web.deployment import refuse_insecure_defaults

owner_only_process()  # the case database, evidence files and exports are owner-only under any WSGI server
application = get_wsgi_application()
refuse_insecure_defaults()


class _Tracker(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    def __init__(self, application: Callable[..., Any], options: dict[str, Any]) -> None:
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Callable[..., Any]:
        return self.application


def options(host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    """gunicorn's settings for the tracker: the listening address, processes and threads, quiet logs.

    The access log stays off: request lines carry search terms (names) in query strings, and the tracker's own
    access log records who saw what without them going to standard output.
    """
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
        "preload_app": True, "timeout": 60, "graceful_timeout": 10, "accesslog": None,
        "errorlog": "-", "loglevel": "warning", "proc_name": "priority-families",
    }


def run(application: Callable[..., Any], host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped (Ctrl-C or SIGTERM)."""
    from django.db import connections

    connections.close_all()  # a forked worker must never reuse the parent's database connection
    _Tracker(application, options(host, port, workers, threads)).run()
