"""Q7 kept incrementally (ADR 0006): the next day's run recomputes only the nodes with a new version
and the nodes of a handler account with a new version, and then holds what a full build holds.

SCJGJ, power P_OK (nodes: 1 on post CK, 2 on post SC):
  A: both nodes handled by acct1 (CK and SC); B: both by acct2 (SC only, so B/1 breaks Q7);
  C: both by acct3 (CK and SC), untouched by the second day.
Second day (uploaded 21 Nov): acct1's version 2, disabled since 1 Nov, before A's nodes started;
B/1's new version names no handler (a Q7 row no longer).
"""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows
from tests.integration.test_quality_rules import AS_OF, account, case, flow, node, power

DATABASES = ("qi_exchange", "qi_warehouse")
NEXT_DAY = AS_OF + timedelta(days=1)
# every column but the run that computed the row and its watermarks
COMPARED = (
    "department_code, record_type, record_key, case_no, detected_at, is_account_enabled, holds_post,"
    " is_approved, is_breach, detail"
)


def q7_rows(warehouse: str) -> dict:
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        rows = conn.execute(f"select {COMPARED}, as_of from intermediate.int_quality_q7_handler_accounts").fetchall()
    return {r["record_key"]: r for r in rows}


@pytest.fixture(scope="module")
def two_days(pg_server):
    for name in DATABASES:
        pg.drop_database(pg_server, name)
    exchange, warehouse = (pg.ensure_database(pg_server, name) for name in DATABASES)
    create_exchange(exchange)
    insert_rows(exchange, "power_item", [power("P_OK")])
    insert_rows(exchange, "power_flow_node", flow("P_OK"))
    insert_rows(
        exchange,
        "account",
        [account("acct1", ("CK", "SC")), account("acct2", ("SC",)), account("acct3", ("CK", "SC"))],
    )
    insert_rows(exchange, "case_accepted", [case(no) for no in ("A", "B", "C")])
    insert_rows(
        exchange,
        "case_node",
        [
            node(no, seq, handler=handler)
            for no, handler in (("A", "acct1"), ("B", "acct2"), ("C", "acct3"))
            for seq in (1, 2)
        ],
    )
    sources = [Source("scjgj", "department", exchange, "SCJGJ")]

    def run(as_of, *extra):
        run_id = pipeline.prepare_warehouse(warehouse, sources)
        assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None]
        result = pipeline.run_dbt(warehouse, as_of, "build", list(extra))
        assert result.success, result.failures
        return q7_rows(warehouse)

    first = run(AS_OF)
    insert_rows(
        exchange,
        "account",
        [{**account("acct1", ("CK", "SC"), enabled=False, version=2, changed_at="2026-11-01 09:00+08"),
          "uploaded_at": "2026-11-21 10:00+08"}],
    )  # fmt: skip
    insert_rows(exchange, "case_node", [{**node("B", 1, handler=None), "uploaded_at": "2026-11-21 10:00+08"}])
    second = run(NEXT_DAY)
    rebuilt = run(NEXT_DAY, "--full-refresh")
    yield first, second, rebuilt
    for name in DATABASES:
        pg.drop_database(pg_server, name)


def test_the_next_day_recomputes_only_what_changed_Q7(two_days):
    first, second, _ = two_days
    assert first["A/1"]["is_breach"] is False
    assert first["B/1"]["detail"] == "第1环节办理账号acct2不持有岗位CK"
    # acct1's new version: every node it handled is judged again, against the version in force
    assert (second["A/1"]["is_breach"], second["A/2"]["is_breach"]) == (True, True)
    assert second["A/1"]["detail"] == "第1环节办理账号acct1未启用"
    assert second["A/1"]["as_of"] == NEXT_DAY
    # B/1 lost its handler: its row goes; C was not recomputed
    assert "B/1" not in second
    assert (second["C/1"]["as_of"], second["C/2"]["as_of"]) == (AS_OF, AS_OF)
    assert second["acct1 v2"]["record_type"] == "account"


def test_the_next_day_holds_what_a_full_build_holds_Q7(two_days):
    _, second, rebuilt = two_days

    def without_run(rows):
        return {key: {c: v for c, v in row.items() if c != "as_of"} for key, row in rows.items()}

    assert without_run(second) == without_run(rebuilt)
    assert {row["as_of"] for row in rebuilt.values()} == {NEXT_DAY}
