"""Django settings for the case record: what the CLI and the refresh use, without the web tracker.

The case record (attachments, baselines, attestations, claims, allocations, notes) is what people enter and
what auditors check, so it lives in a transactional database: SQLite in the workspace by default
(`PF_WORKSPACE`, default `./workspace`), PostgreSQL in production when `DATABASE_URL` says so. Refresh results
are computed in the DuckDB store and published into it, never edited by hand.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

WORKSPACE = Path(os.environ.get("PF_WORKSPACE", "workspace")).resolve()
DEBUG = os.environ.get("PF_DEBUG", "") == "1"
# Public, so worthless as a secret: the tracker refuses to serve with it unless PF_LOCAL_DEMO=1 (`web.wsgi`).
DEMO_SECRET_KEY = "insecure-development-key-set-PF_SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("PF_SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = [h for h in os.environ.get("PF_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "priority_families.casedb",
]


DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{WORKSPACE / 'casework.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a writer instead of failing at once when two commands run together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
    # Readers never wait for the writer, and a commit (every request saves its session) is not an fsync.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    # A transaction takes the write lock when it begins, so it waits its turn (the timeout above): a deferred one
    # that reads and then writes while another process commits fails at once with "database is locked", which
    # the busy timeout cannot help (`pf serve` runs a process per core, and the CLI may write at the same time).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
STATIC_URL = "/static/"
MEDIA_ROOT = WORKSPACE / "evidence_files"
