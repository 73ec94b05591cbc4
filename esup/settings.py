"""Settings from the environment, with the local embedded defaults.

Everything a deployment changes is an environment variable (named in ``.env.example``);
the defaults describe the local setup that ``make demo`` and ``make test`` start.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def home() -> Path:
    """The git-ignored folder for local state: PostgreSQL data, Airflow home, logs, exports."""
    return Path(os.environ.get("ESUP_HOME", PROJECT_ROOT / ".esup")).resolve()


def pg_data_dir() -> Path:
    return Path(os.environ.get("ESUP_PG_DATA", home() / "pg")).resolve()


def pg_port() -> int:
    return int(os.environ.get("ESUP_PG_PORT", "55432"))


def warehouse_url() -> str:
    return os.environ.get("ESUP_WAREHOUSE_URL", f"postgresql://postgres@127.0.0.1:{pg_port()}/esup")


def sources_file() -> Path:
    return Path(os.environ.get("ESUP_SOURCES", home() / "sources.yml"))


def worklist_dir() -> Path:
    """Where each run writes the supervision office's card worklist CSV (A1-A4)."""
    return Path(os.environ.get("ESUP_WORKLIST_DIR") or home() / "worklist").resolve()


def dbt_project_dir() -> Path:
    return PROJECT_ROOT / "dbt"


def expectations_dir() -> Path:
    return PROJECT_ROOT / "expectations"
