"""The one place that runs the expectation suites against the warehouse.

Each suite validates a query asset of the warehouse through a GX checkpoint, Data Docs are
rebuilt, and every expectation's outcome is stored in ``quality.expectation_results`` keyed
on the run's evaluation time. Row-level breaches are reported, never fatal; a missing or
empty table fails with a clear message.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

HERE = Path(__file__).resolve().parent


@dataclass
class SuiteOutcome:
    rule_id: str
    suite: str
    success: bool
    evaluated: int
    failed: int
    unexpected: int

    def describe(self) -> str:
        return (
            f"{self.rule_id} {self.suite}: {self.evaluated - self.failed}/{self.evaluated} expectations met, "
            f"{self.unexpected:,} unexpected values"
        )


def _load_suites():
    import sys

    name = "esup_expectation_suites"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "suites.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].SUITES


def gx_root() -> Path:
    from esup import settings

    return settings.home() / "gx"


def data_docs_index() -> Path:
    return gx_root() / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"


def _sqlalchemy_url(warehouse_url: str) -> str:
    parts = urlsplit(warehouse_url)
    return parts._replace(scheme="postgresql+psycopg2").geturl()


# Relations that are empty only when something upstream is broken: a city whose departments sent
# no events, or no catalogue, cannot be validated, and saying "0 breaches" would hide that.
MUST_NOT_BE_EMPTY = {
    "Q1": "marts.upload_timeliness is empty: no department event was ingested",
    "Q2": "marts.power_catalogue has no confirmed power: no department sent its catalogue (power_item)",
}


def _check_relation(conn: psycopg.Connection, query: str, rule_id: str) -> None:
    try:
        rows = conn.execute(f"select count(*) from ({query}) as checked").fetchone()[0]
    except psycopg.errors.UndefinedTable as exc:
        raise RuntimeError(f"{rule_id}: the table it validates is missing ({str(exc).splitlines()[0]})") from exc
    if rows == 0 and rule_id in MUST_NOT_BE_EMPTY:
        raise RuntimeError(f"{rule_id}: {MUST_NOT_BE_EMPTY[rule_id]}")


def validate_warehouse(warehouse_url: str, as_of: datetime) -> list[SuiteOutcome]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    context = gx.get_context(mode="file", project_root_dir=str(gx_root()))
    source = context.data_sources.add_or_update_postgres(
        name="warehouse", connection_string=_sqlalchemy_url(warehouse_url)
    )
    outcomes: list[SuiteOutcome] = []
    rows_to_store = []
    with psycopg.connect(warehouse_url) as conn:
        for make_suite in _load_suites():
            rule_id, query, suite = make_suite()
            _check_relation(conn, query, rule_id)
            asset_name = suite.name
            try:
                source.delete_asset(asset_name)
            except LookupError:
                pass
            asset = source.add_query_asset(name=asset_name, query=query)
            batch = asset.add_batch_definition_whole_table("whole")
            suite = context.suites.add_or_update(suite)
            definition = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=asset_name, data=batch, suite=suite)
            )
            checkpoint = context.checkpoints.add_or_update(
                gx.Checkpoint(
                    name=asset_name,
                    validation_definitions=[definition],
                    actions=[UpdateDataDocsAction(name="update_data_docs")],
                )
            )
            result = checkpoint.run(run_id=None)
            validation = next(iter(result.run_results.values()))
            failed = 0
            unexpected_total = 0
            for item in validation.results:
                config = item.expectation_config
                unexpected = int((item.result or {}).get("unexpected_count") or 0)
                element_count = int((item.result or {}).get("element_count") or 0)
                failed += 0 if item.success else 1
                unexpected_total += unexpected
                rows_to_store.append(
                    (
                        as_of,
                        rule_id,
                        suite.name,
                        config.type,
                        config.kwargs.get("column"),
                        bool(item.success),
                        element_count,
                        unexpected,
                    )
                )
            outcomes.append(
                SuiteOutcome(rule_id, suite.name, failed == 0, len(validation.results), failed, unexpected_total)
            )
        conn.execute("create schema if not exists quality")
        conn.execute(
            """
            create table if not exists quality.expectation_results (
              as_of timestamptz not null,
              rule_id text not null,
              suite_name text not null,
              expectation_type text not null,
              column_name text,
              success boolean not null,
              element_count bigint not null,
              unexpected_count bigint not null,
              validated_at timestamptz not null default now()
            )
            """
        )
        # One evaluation time holds one result set: a rerun replaces it (idempotent).
        conn.execute("delete from quality.expectation_results where as_of = %s", (as_of,))
        with conn.cursor() as cur:
            cur.executemany(
                "insert into quality.expectation_results (as_of, rule_id, suite_name, expectation_type,"
                " column_name, success, element_count, unexpected_count) values (%s, %s, %s, %s, %s, %s, %s, %s)",
                rows_to_store,
            )
    return outcomes
