"""Django settings for the family tracker: the case record's settings plus the web app, sessions and security.

`pf serve` and the tests use this module; the CLI uses `priority_families.casedb.settings` alone, so a command
that only changes the case record never imports the tracker.
"""

from __future__ import annotations

import os

from priority_families.casedb.settings import *  # the case record is the base
from priority_families.casedb.settings import INSTALLED_APPS

INSTALLED_APPS = [
    "django.contrib.admin",
    *INSTALLED_APPS,
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "priority_families.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "priority_families.web.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "priority_families.web.middleware.acting_user",
    "priority_families.web.middleware.session_renewal",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# --- The family tracker (web) ------------------------------------------------------------------------
ROOT_URLCONF = "priority_families.web.urls"
WSGI_APPLICATION = "priority_families.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "priority_families.web.views.common.navigation",
            ]
        },
    }
]
STATIC_ROOT = os.environ.get("PF_STATIC_ROOT") or None  # only for `collectstatic` behind another web server
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package: `pf serve` needs no collectstatic step
LOGIN_URL = "web:sign-in"
LOGIN_REDIRECT_URL = "web:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Sessions end after 30 minutes without a request, and when the browser closes.
SESSION_COOKIE_AGE = int(os.environ.get("PF_SESSION_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = False  # renewed once a minute instead (`web.middleware.session_renewal`)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Secure by default (docs/security.md, "Deployment"): the tracker is served over HTTPS, usually behind a reverse
# proxy. PF_LOCAL_DEMO=1 is for a local demo of synthetic data over plain http on loopback (`make tracker`) only:
# it allows the public demo secret key, cookies without `Secure`, and no HSTS.
PF_LOCAL_DEMO = os.environ.get("PF_LOCAL_DEMO", "") == "1"
SESSION_COOKIE_SECURE = not PF_LOCAL_DEMO
CSRF_COOKIE_SECURE = not PF_LOCAL_DEMO
SECURE_HSTS_SECONDS = 0 if PF_LOCAL_DEMO else int(os.environ.get("PF_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("PF_HSTS_SUBDOMAINS", "") == "1"
# Behind a reverse proxy that terminates TLS (opt-in): trust its X-Forwarded-Proto for "is this HTTPS", redirect
# plain http to https, and take the client address (for the access log and the sign-in throttle) from the last
# X-Forwarded-For entry, the one our proxy appended. Never set it when clients can reach the server directly.
PF_BEHIND_PROXY = os.environ.get("PF_BEHIND_PROXY", "") == "1"
if PF_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("PF_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Sign-in throttling (`casedb.signin`): failures per normalised account per window from addresses it has never
# signed in from, and tries per client address per window (each window an address uses up doubles the next).
PF_SIGN_IN_FAILURES = 5
PF_SIGN_IN_ADDRESS_ATTEMPTS = 20
PF_SIGN_IN_WINDOW_MINUTES = 15
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "priority_families.web.uploads.EvidenceSizeLimit",  # the size limit, while the upload streams
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Application logs name users and record ids, never personal data (names, dates of birth, addresses).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "priority_families.web": {"handlers": ["console"], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
