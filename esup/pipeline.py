"""The steps of one platform run: prepare → ingest each source → dbt build → expectations.

Both the Airflow DAG (one task per step, one mapped task per source) and ``esup run`` call
these functions, so the CLI and the scheduler compute the same thing. "Now" is always the
``as_of`` evaluation time handed in (the DAG run's data-interval end), never the wall clock.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

from esup import ingest, settings
from esup.sources import Source


@dataclass
class DbtResult:
    success: bool
    failures: list[str]
    nodes: int


def prepare_warehouse(warehouse_url: str, sources: list[Source]) -> int:
    """Create the raw layer, mirror the source list, load the statutory calendar. Returns a new run id."""
    with psycopg.connect(warehouse_url) as conn:
        ingest.ensure_raw_schema(conn)
        ingest.register_sources(conn, sources)
        ingest.load_calendar(conn)
        return ingest.new_run_id(conn)


def dbt_env(warehouse_url: str) -> dict[str, str]:
    """The variables ``dbt/profiles.yml`` reads, from a warehouse URL."""
    parts = urlsplit(warehouse_url)
    return {
        "ESUP_DBT_HOST": parts.hostname or "127.0.0.1",
        "ESUP_DBT_PORT": str(parts.port or 5432),
        "ESUP_DBT_USER": unquote(parts.username or "postgres"),
        "ESUP_DBT_PASSWORD": unquote(parts.password or ""),
        "ESUP_DBT_DBNAME": parts.path.lstrip("/") or "esup",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        # Every connection dbt opens counts in Beijing time: the models cast instants to dates in
        # the session's zone (dbt macro shanghai_date), and the run checks it before it starts.
        "PGTZ": "Asia/Shanghai",
    }


def dbt_target_dir(warehouse_url: str) -> Path:
    """One target folder per warehouse, so a test run and the demo never share compiled state."""
    name = urlsplit(warehouse_url)
    return settings.home() / "dbt" / f"{name.hostname}_{name.port}_{name.path.lstrip('/')}"


def run_dbt(warehouse_url: str, as_of: datetime, command: str = "build", extra: list[str] | None = None) -> DbtResult:
    """Run ``dbt <command>`` in-process with the evaluation time as ``as_of``.

    The evaluation time goes in the environment (``ESUP_AS_OF``), not ``--vars``: dbt parses the
    whole project again whenever its vars change, and every run has a new evaluation time.

    A pipeline build leaves out dbt unit tests (hand-computed rule checks on fixtures): they test the
    code, not the data, and ``make test`` runs them.
    """
    from dbt.cli.main import dbtRunner

    os.environ.update(dbt_env(warehouse_url))
    os.environ["ESUP_AS_OF"] = as_of.isoformat()
    target = dbt_target_dir(warehouse_url)
    project = settings.dbt_project_dir()
    args = [
        command,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(target / "target"),
        "--log-path",
        str(target / "logs"),
        *(["--exclude-resource-type", "unit_test"] if command == "build" else []),
        *(extra or []),
    ]
    result = dbtRunner().invoke(args)
    failures: list[str] = []
    nodes = 0
    if result.result is not None and hasattr(result.result, "results"):
        for node_result in result.result.results:
            nodes += 1
            if str(node_result.status) in {"error", "fail", "runtime error"}:
                failures.append(f"{node_result.node.unique_id}: {node_result.message}")
    if result.exception is not None:
        failures.append(str(result.exception))
    return DbtResult(result.success, failures, nodes)


def ingest_all(
    warehouse_url: str, sources: list[Source], run_id: int, on_done=None, workers: int = 2
) -> list[ingest.SourceResult]:
    """Ingest every source, ``workers`` at a time (the work is in the PostgreSQL servers, so threads
    suffice); a failing source is recorded (``error``) and does not stop the others."""
    from concurrent.futures import ThreadPoolExecutor

    def one(source: Source) -> ingest.SourceResult:
        try:
            result = ingest.ingest_source(warehouse_url, source, run_id)
        except ingest.SourceError as exc:
            result = ingest.SourceResult(source.name, source.kind, error=str(exc))
        if on_done:
            on_done(result)
        return result

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, sources))


def run_expectations(warehouse_url: str, as_of: datetime) -> list:
    """Run the Great Expectations suites of ``expectations/`` against the warehouse."""
    return load_expectations().validate_warehouse(warehouse_url, as_of)


def load_expectations():
    """``expectations/run.py`` (a top folder, not part of the package), imported once."""
    import importlib.util
    import sys

    name = "esup_expectations_run"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, settings.expectations_dir() / "run.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def provisional_calendar_warning(warehouse_url: str) -> str | None:
    """T1: a loud warning while open cases depend on days no calendar source covers yet."""
    with psycopg.connect(warehouse_url) as conn:
        count, first_day = conn.execute(
            """
            select count(*), min(calendar_date)
            from marts.case_timeliness
            cross join lateral (
                -- the first day after the last one a calendar source covers
                select max(calendar_date) + 1 as calendar_date
                from intermediate.int_calendar_days_numbered
                where not is_provisional
            ) as provisional
            where calendar_provisional and status in ('in_progress', 'approaching', 'overdue')
            """
        ).fetchone()
    if not count:
        return None
    return (
        f"T1 日历警告: {count} 件在办件的期限计算用到了尚无节假日安排的日期（自 {first_day} 起按周一至周五临时计算）。"
        f" {count} open case(s) depend on provisional calendar days from {first_day}: add the State Council's"
        " holiday notice to dbt/seeds/calendar_overrides.csv and rebuild."
    )
