"""What the benchmark scripts share: the machine they ran on, result files, small process helpers.

Imported by ``timeliness.py`` and ``dashboards.py`` (run as scripts from this folder).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import signal
import socket
import subprocess
from importlib.metadata import version as package_version
from pathlib import Path

import psutil
import psycopg

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
# PostgreSQL settings that explain the figures; current_setting() gives them with their unit.
PG_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "random_page_cost",
    "fsync",
    "synchronous_commit",
    "max_parallel_workers_per_gather",
    "jit",
    "autovacuum_vacuum_insert_threshold",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def code_fingerprint(folders: tuple[str, ...]) -> str:
    """A hash of the code under ``folders`` (and dbt_project.yml): what built the figures."""
    digest = hashlib.sha1()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in {".sql", ".yml", ".csv", ".py"}:
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    digest.update((ROOT / "dbt" / "dbt_project.yml").read_bytes())
    return digest.hexdigest()[:12]


def machine(server: str, watched: tuple[str, ...], **extra) -> dict:
    """The machine, PostgreSQL and versions behind a result; ``watched``: folders whose uncommitted
    changes are listed."""
    with psycopg.connect(server) as conn:
        version = conn.execute("show server_version").fetchone()[0]
        settings = dict(
            conn.execute(
                "select name, current_setting(name) from pg_settings where name = any(%s)", (list(PG_SETTINGS),)
            ).fetchall()
        )
    return {
        "nproc": os.cpu_count(),
        "nproc_available": len(os.sched_getaffinity(0)),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu_model": cpu_model(),
        "postgresql": version,
        "postgresql_settings": settings,
        "python": platform.python_version(),
        "dbt_core": package_version("dbt-core"),
        **extra,
        "kernel": platform.release(),
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted": git("status", "--porcelain", *watched).splitlines(),
    }


def size_label(cases: int) -> str:
    if cases % 1_000_000 == 0:
        return f"{cases // 1_000_000}M"
    if cases % 1_000 == 0:
        return f"{cases // 1_000}k"
    return str(cases)


def write_result_files(stem: str, report: dict, markdown: str) -> tuple[Path, Path]:
    """``results/<stem>.json`` and ``.md``, each written whole or not at all."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    paths = RESULTS_DIR / f"{stem}.json", RESULTS_DIR / f"{stem}.md"
    for path, text in zip(paths, (json.dumps(report, ensure_ascii=False, indent=2) + "\n", markdown), strict=True):
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return paths


def stop_on_signals() -> None:
    """SIGTERM / SIGINT raise SystemExit, so the scripts' finally blocks stop their servers."""

    def terminate(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
