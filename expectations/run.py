"""The one place that runs the expectation suites against the warehouse.

One GX checkpoint validates every suite against its relation of the warehouse (a table asset,
or a query asset where a rule covers part of a table), Data Docs are rebuilt for the run's
results, and every expectation's outcome is stored in ``quality.expectation_results`` keyed
on the run's evaluation time. Row-level breaches are reported, never fatal; a missing or
empty table fails with a clear message.
"""

from __future__ import annotations

import importlib.util
import os
import warnings
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


def _check_relation(conn: psycopg.Connection, relation: str, rule_id: str) -> None:
    try:
        has_rows = conn.execute(f"select exists (select from {_from_clause(relation)})").fetchone()[0]
    except psycopg.errors.UndefinedTable as exc:
        raise RuntimeError(f"{rule_id}: the table it validates is missing ({str(exc).splitlines()[0]})") from exc
    if not has_rows and rule_id in MUST_NOT_BE_EMPTY:
        raise RuntimeError(f"{rule_id}: {MUST_NOT_BE_EMPTY[rule_id]}")


def _is_query(relation: str) -> bool:
    return relation.lstrip().lower().startswith("select")


def _from_clause(relation: str) -> str:
    return f"({relation}) as checked" if _is_query(relation) else relation


def _add_asset(source, name: str, relation: str):
    """A table asset where the suite reads a whole relation: GX reads its columns from the catalog.
    A query asset has no catalog entry, and GX runs the whole query once just to learn its columns
    (5.4M rows of marts.upload_timeliness at 1M cases)."""
    try:
        source.delete_asset(name)
    except LookupError:
        pass
    if _is_query(relation):
        return source.add_query_asset(name=name, query=relation)
    schema_name, table_name = relation.split(".")
    with warnings.catch_warnings():
        # GX 1.24 deprecates schema_name for a schema "in the datasource's connection", which its
        # PostgreSQL datasource cannot hold yet (PostgresDatasource.schema_ is always None).
        warnings.filterwarnings("ignore", "`schema_name` is deprecated", DeprecationWarning)
        return source.add_table_asset(name=name, table_name=table_name, schema_name=schema_name)


def validate_warehouse(warehouse_url: str, as_of: datetime) -> list[SuiteOutcome]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

    context = gx.get_context(mode="file", project_root_dir=str(gx_root()))
    source = context.data_sources.add_or_update_postgres(
        name="warehouse", connection_string=_sqlalchemy_url(warehouse_url)
    )
    outcomes: list[SuiteOutcome] = []
    rows_to_store = []
    with psycopg.connect(warehouse_url) as conn:
        definitions = []
        rule_of_suite = {}
        for make_suite in _load_suites():
            rule_id, relation, suite = make_suite()
            _check_relation(conn, relation, rule_id)
            asset = _add_asset(source, suite.name, relation)
            batch = asset.add_batch_definition_whole_table("whole")
            suite = context.suites.add_or_update(suite)
            definitions.append(
                context.validation_definitions.add_or_update(
                    gx.ValidationDefinition(name=suite.name, data=batch, suite=suite)
                )
            )
            rule_of_suite[suite.name] = rule_id
        checkpoint = context.checkpoints.add_or_update(
            gx.Checkpoint(name="esup_rules", validation_definitions=definitions)
        )
        result = checkpoint.run(run_id=None)
        # Data Docs for this run's results, built once: UpdateDataDocsAction rebuilds the site once
        # per suite (4 s of 9 rebuilds at any size).
        context.build_data_docs(
            resource_identifiers=[
                *result.run_results,
                *(ExpectationSuiteIdentifier(name=name) for name in rule_of_suite),
            ]
        )
        for validation in result.run_results.values():
            rule_id = rule_of_suite[validation.suite_name]
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
                        validation.suite_name,
                        config.type,
                        config.kwargs.get("column"),
                        bool(item.success),
                        element_count,
                        unexpected,
                    )
                )
            outcomes.append(
                SuiteOutcome(
                    rule_id, validation.suite_name, failed == 0, len(validation.results), failed, unexpected_total
                )
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
