"""Superset configuration for the 电子监察 platform (loaded through ``SUPERSET_CONFIG_PATH``).

Everything a deployment changes comes from the environment; ``esup dashboards`` sets these for
the local setup:

- ``SUPERSET_SECRET_KEY``      signs sessions and encrypts stored database passwords (required)
- ``SUPERSET_METADATA_URI``    Superset's own metadata database, ``postgresql+psycopg2://...`` (required)
- ``SUPERSET_CACHE_DIR``       folder for the shared file cache (optional; no cache when unset)
- ``SUPERSET_CACHE_TIMEOUT``   seconds a chart's query result is reused (optional, default 300)
"""

from __future__ import annotations

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_METADATA_URI"]

APP_NAME = "电子监察"

# Chinese UI for leadership; English stays one click away for the engineers.
BABEL_DEFAULT_LOCALE = "zh"
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "us", "name": "English"},
}

FEATURE_FLAGS = {
    # Departments see only their own rows (rules created through the API, not in the bundle).
    "ROW_LEVEL_SECURITY": True,
    # Dashboard access granted per role.
    "DASHBOARD_RBAC": True,
}
# Expose /api/v1/security/roles/ and /users/ so roles and RLS can be scripted.
FAB_ADD_SECURITY_API = True

# Marts are rebuilt by each pipeline run, at most a few times an hour: reuse a chart's result for a
# few minutes. A file cache is shared by all gunicorn workers (a per-process SimpleCache is not)
# and needs no Redis; without SUPERSET_CACHE_DIR every query goes to the warehouse.
_cache_dir = os.environ.get("SUPERSET_CACHE_DIR")
_cache_timeout = int(os.environ.get("SUPERSET_CACHE_TIMEOUT", "300"))
if _cache_dir:
    CACHE_CONFIG = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": os.path.join(_cache_dir, "metadata"),
        "CACHE_DEFAULT_TIMEOUT": _cache_timeout,
        "CACHE_KEY_PREFIX": "esup_",
    }
    DATA_CACHE_CONFIG = {
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": os.path.join(_cache_dir, "data"),
        "CACHE_DEFAULT_TIMEOUT": _cache_timeout,
        "CACHE_KEY_PREFIX": "esup_data_",
    }

# Charts are aggregates over one mart; a leader's screen should never wait a minute.
SUPERSET_WEBSERVER_TIMEOUT = 60
ROW_LIMIT = 50000
