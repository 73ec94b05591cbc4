"""Ingestion against real PostgreSQL databases: typing, quarantine, idempotency, failing sources."""

from __future__ import annotations

import psycopg
import pytest

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

UP = "2026-11-02 10:00+08"


@pytest.fixture()
def two_sources(pg_server, scratch_db):
    """A typed source (SCJGJ) and a legacy all-text one (XSX) with rows broken on purpose."""
    urls = {}
    for name in ("ingest_typed", "ingest_legacy"):
        pg.drop_database(pg_server, name)
        urls[name] = pg.ensure_database(pg_server, name)
    typed, legacy = urls["ingest_typed"], urls["ingest_legacy"]
    create_exchange(typed)
    create_exchange(legacy, all_text=True)
    insert_rows(
        typed,
        "case_accepted",
        [
            {
                "case_no": "A1",
                "department_code": "SCJGJ",
                "power_code": "XK001",
                "accepted_at": "2026-11-02 09:00+08",
                "uploaded_at": UP,
            },
            {
                "case_no": "A2",
                "department_code": "SCJGJ",
                "power_code": "XK001",
                "accepted_at": "2026-11-03 09:00+08",
                "uploaded_at": UP,
            },
        ],
    )
    insert_rows(
        legacy,
        "case_accepted",
        [
            {"case_no": "B1", "accepted_at": "2026-13-45 25:61:00", "uploaded_at": UP},  # bad timestamp
            {"case_no": "", "accepted_at": "2026-11-02 09:00+08", "uploaded_at": UP},  # missing key
            {"case_no": None, "accepted_at": "2026-11-02 09:00+08", "uploaded_at": UP},  # null key
            {"case_no": "B4", "accepted_at": "2026-11-02 09:00+08", "uploaded_at": UP},  # good
            {"case_no": "B5", "accepted_at": "2026-11-02 09:00:00", "uploaded_at": "soon"},  # bad uploaded_at
        ],
    )
    insert_rows(
        legacy,
        "case_extension",
        [
            {"case_no": "B4", "extension_seq": "1", "extra_wd": "五", "uploaded_at": UP},  # text in a number
            {"case_no": "B4", "extension_seq": "2", "extra_wd": "3", "uploaded_at": UP},  # good
        ],
    )
    insert_rows(
        legacy,
        "power_item",
        [
            {"power_code": "X1", "version": "1", "is_risk_point": "maybe", "standard_fee": "12.5元", "uploaded_at": UP},
        ],
    )
    sources = [
        Source("typed", "department", typed, "SCJGJ"),
        Source("legacy", "department", legacy, "XSX"),
    ]
    yield scratch_db, sources, urls
    for name in urls:
        pg.drop_database(pg_server, name)


def ingest_once(warehouse, sources):
    run_id = pipeline.prepare_warehouse(warehouse, sources)
    return {r.source: r for r in pipeline.ingest_all(warehouse, sources, run_id)}


def test_broken_rows_are_quarantined_with_reasons_and_reconcile(two_sources):
    warehouse, sources, _ = two_sources
    results = ingest_once(warehouse, sources)
    assert results["typed"].error is None and results["legacy"].error is None
    assert (results["typed"].source_rows, results["typed"].loaded, results["typed"].quarantined) == (2, 2, 0)
    assert (results["legacy"].source_rows, results["legacy"].loaded, results["legacy"].quarantined) == (8, 2, 6)

    with psycopg.connect(warehouse) as conn:
        reasons = dict(
            conn.execute(
                "select table_name || ':' || coalesce(raw_row->>'case_no', raw_row->>'power_code', '<null>'), reason"
                " from raw.quarantine where source_name = 'legacy' and raw_row->>'case_no' is distinct from ''"
            ).fetchall()
        )
        assert reasons["case_accepted:B1"].startswith("accepted_at: date/time field value out of range")
        assert reasons["case_accepted:<null>"] == "case_no: business key is missing"
        assert reasons["case_accepted:B5"].startswith("uploaded_at: invalid input syntax for type timestamp")
        assert reasons["case_extension:B4"] == 'extra_wd: invalid input syntax for type integer: "五"'
        assert "is_risk_point: invalid input syntax for type boolean" in reasons["power_item:X1"]
        assert "standard_fee: invalid input syntax for type numeric" in reasons["power_item:X1"]
        empty_key = conn.execute("select reason from raw.quarantine where raw_row->>'case_no' = ''").fetchone()[0]
        assert empty_key == "case_no: business key is missing"
        # the raw text is kept whole, so nothing is lost
        assert (
            conn.execute(
                "select raw_row->>'accepted_at' from raw.quarantine where raw_row->>'case_no' = 'B1'"
            ).fetchone()[0]
            == "2026-13-45 25:61:00"
        )
        # the good legacy rows are typed
        assert conn.execute("select extra_wd from raw.case_extension where source_name = 'legacy'").fetchall() == [(3,)]
        # per table: source rows = loaded + quarantined, recorded for the run
        assert (
            conn.execute("select count(*) from raw.ingest_log where source_rows <> loaded + quarantined").fetchone()[0]
            == 0
        )
        logged = conn.execute(
            "select sum(source_rows), sum(loaded), sum(quarantined) from raw.ingest_log where source_name = 'legacy'"
        ).fetchone()
        assert tuple(map(int, logged)) == (8, 2, 6)


def test_rerun_pulls_nothing_new_and_new_rows_continue_the_cursor(two_sources):
    warehouse, sources, urls = two_sources
    ingest_once(warehouse, sources)
    again = ingest_once(warehouse, sources)
    assert sum(r.source_rows for r in again.values()) == 0
    insert_rows(
        urls["ingest_typed"],
        "case_accepted",
        [
            # a correction: same case, later upload — kept as a second version
            {
                "case_no": "A1",
                "department_code": "SCJGJ",
                "power_code": "XK001",
                "accepted_at": "2026-11-02 08:00+08",
                "uploaded_at": "2026-11-05 10:00+08",
            },
        ],
    )
    third = ingest_once(warehouse, sources)
    assert (third["typed"].source_rows, third["typed"].loaded) == (1, 1)
    with psycopg.connect(warehouse) as conn:
        versions = conn.execute(
            "select count(*) from raw.case_accepted where source_name = 'typed' and case_no = 'A1'"
        ).fetchone()[0]
    assert versions == 2


def test_failing_sources_name_themselves_and_do_not_stop_others(two_sources, pg_server):
    warehouse, sources, _ = two_sources
    pg.drop_database(pg_server, "ingest_incomplete")
    incomplete = pg.ensure_database(pg_server, "ingest_incomplete")
    create_exchange(incomplete, skip=("case_node",))
    broken = [
        Source("down", "department", "postgresql://postgres@127.0.0.1:1/nowhere", "ZJJ"),
        Source("incomplete", "department", incomplete, "GAJ"),
        *sources,
    ]
    results = ingest_once(warehouse, broken)
    assert results["down"].error.startswith("source down: cannot connect:")
    assert results["incomplete"].error == "source incomplete: missing table exchange.case_node"
    assert results["typed"].loaded == 2
    with psycopg.connect(warehouse) as conn:
        recorded = dict(conn.execute("select source_name, last_error from raw.sources").fetchall())
    assert recorded["incomplete"] == "source incomplete: missing table exchange.case_node"
    assert recorded["typed"] is None
    pg.drop_database(pg_server, "ingest_incomplete")
