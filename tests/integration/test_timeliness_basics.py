"""First timeliness checks (T2-T6, T8) on hand-made cases with hand-computed working days.

2026 calendar used by hand (State Council notice): Sep 25 (Fri) is Mid-Autumn, Sep 20 (Sun) and
Oct 10 (Sat) are make-up working days, Oct 1-7 is the National Day holiday; November has none.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, pipeline, settings
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

AS_OF = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def power(code, promised, legal=None, risk=False):
    return {
        "power_code": code,
        "version": 1,
        "department_code": "SCJGJ",
        "category": "XK",
        "name": code,
        "promised_limit_wd": promised,
        "legal_limit_wd": legal,
        "is_risk_point": risk,
        "status": "confirmed",
        "effective_from": "2026-01-01",
        "uploaded_at": "2026-01-01 09:00+08",
    }


def case(no, code, accepted_at):
    return {
        "case_no": no,
        "department_code": "SCJGJ",
        "power_code": code,
        "accepted_at": accepted_at,
        "uploaded_at": accepted_at,
    }


@pytest.fixture(scope="module")
def timeliness(pg_server):
    for name in ("tl_exchange", "tl_office", "tl_warehouse"):
        pg.drop_database(pg_server, name)
    exchange = pg.ensure_database(pg_server, "tl_exchange")
    office = pg.ensure_database(pg_server, "tl_office")
    warehouse = pg.ensure_database(pg_server, "tl_warehouse")
    create_exchange(exchange)
    insert_rows(
        exchange,
        "power_item",
        [
            power("P1", 1),
            power("P3", 3),
            power("P5", 5, legal=10),
            power("R5", 5, risk=True),
        ],
    )
    insert_rows(
        exchange,
        "case_accepted",
        [
            case("HOLIDAY", "P5", "2026-09-29 09:00+08"),  # crosses National Day and the Oct 10 make-up day
            case("FRIDAY", "P1", "2026-11-13 18:30+08"),  # Friday evening, N = 1, still open
            case("SUNDAY", "P3", "2026-09-27 10:00+08"),  # accepted on a weekend day
            case("SUSPENDED", "P5", "2026-11-16 09:00+08"),  # overlapping and open suspensions
            case("EXTENDED", "P5", "2026-11-02 09:00+08"),  # extension of the legal limit
            case("APPROACH", "P5", "2026-11-16 10:00+08"),  # last WD of a 5-WD item
            case("RISK", "R5", "2026-11-17 10:00+08"),  # risk point: warned 3 WD before
            case("NORISK", "P5", "2026-11-17 10:00+08"),
            case("LATEHOL", "P3", "2026-09-24 10:00+08"),  # completed on a holiday after its due date
            case("EARLYBJ", "P1", "2026-11-04 07:30+08"),  # still 3 Nov in UTC
            case("EXEMPT", "P3", "2026-11-16 10:00+08"),  # late only because of exempt days (T9)
            case("UNKNOWN", "NOPE", "2026-11-16 10:00+08"),  # a power code the catalogue does not have
            case("BACKWARDS", "P3", "2026-11-10 10:00+08"),  # completed before it was accepted (Q8)
        ],
    )
    insert_rows(
        exchange,
        "case_completed",
        [
            {"case_no": "HOLIDAY", "completed_at": "2026-10-10 11:00+08", "uploaded_at": "2026-10-10 12:00+08"},
            {"case_no": "SUNDAY", "completed_at": "2026-09-30 16:00+08", "uploaded_at": "2026-09-30 17:00+08"},
            {"case_no": "LATEHOL", "completed_at": "2026-10-01 10:00+08", "uploaded_at": "2026-10-01 11:00+08"},
            {"case_no": "EARLYBJ", "completed_at": "2026-11-05 17:00+08", "uploaded_at": "2026-11-05 18:00+08"},
            {"case_no": "BACKWARDS", "completed_at": "2026-11-05 17:00+08", "uploaded_at": "2026-11-10 18:00+08"},
        ],
    )
    insert_rows(
        exchange,
        "case_suspension",
        [
            {
                "case_no": "SUSPENDED",
                "suspension_seq": 1,
                "reason_type": "testing",
                "started_at": "2026-11-17 10:00+08",
                "ended_at": "2026-11-19 10:00+08",
                "uploaded_at": "2026-11-19 11:00+08",
            },
            {
                "case_no": "SUSPENDED",
                "suspension_seq": 2,
                "reason_type": "hearing",
                "started_at": "2026-11-18 10:00+08",
                "ended_at": None,
                "uploaded_at": "2026-11-18 11:00+08",
            },
        ],
    )
    insert_rows(
        exchange,
        "case_extension",
        [
            {
                "case_no": "EXTENDED",
                "extension_seq": 1,
                "extra_wd": 5,
                "reason": "专家评审",
                "approved_at": "2026-11-10 10:00+08",
                "uploaded_at": "2026-11-10 11:00+08",
            },
        ],
    )
    insert_rows(
        exchange,
        "power_flow_node",
        [
            {
                "power_code": "P5",
                "version": 1,
                "node_seq": seq,
                "node_name": name,
                "post_code": post,
                "limit_wd": limit,
                "uploaded_at": "2026-01-01 09:00+08",
            }
            for seq, name, post, limit in ((1, "受理", "CK", 1), (2, "审查", "SC", 1), (3, "审批", "LD", 2))
        ],
    )
    insert_rows(
        exchange,
        "case_node",
        [
            {
                "case_no": "HOLIDAY",
                "node_seq": 1,
                "post_code": "CK",
                "started_at": "2026-09-29 09:00+08",
                "finished_at": "2026-09-30 10:00+08",
                "uploaded_at": "2026-09-30 11:00+08",
            },
            {
                "case_no": "HOLIDAY",
                "node_seq": 2,
                "post_code": "SC",
                "started_at": "2026-09-30 10:00+08",
                "finished_at": "2026-10-09 10:00+08",
                "uploaded_at": "2026-10-09 11:00+08",
            },
            {
                "case_no": "SUSPENDED",
                "node_seq": 3,
                "post_code": "LD",
                "started_at": "2026-11-16 09:30+08",
                "finished_at": None,
                "uploaded_at": "2026-11-16 10:00+08",
            },
        ],
    )
    create_exchange(office, kind="supervision")
    insert_rows(
        office,
        "exemption",
        [
            # a city-wide system failure on 18 Nov, and applicant fraud on one case on 17 Nov
            {
                "exemption_id": "E1",
                "scope": "city",
                "reason_type": "system_failure",
                "start_at": "2026-11-18 08:00+08",
                "end_at": "2026-11-18 20:00+08",
                "uploaded_at": "2026-11-19 09:00+08",
            },
            {
                "exemption_id": "E2",
                "scope": "case",
                "department_code": "SCJGJ",
                "case_no": "EXEMPT",
                "reason_type": "applicant_fraud",
                "start_at": "2026-11-17 09:00+08",
                "end_at": "2026-11-17 18:00+08",
                "uploaded_at": "2026-11-19 09:00+08",
            },
        ],
    )
    sources = [Source("scjgj", "department", exchange, "SCJGJ"), Source("office", "supervision", office)]
    run_id = pipeline.prepare_warehouse(warehouse, sources)
    assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None, None]
    result = pipeline.run_dbt(warehouse, AS_OF)
    assert result.success, result.failures
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        rows = {r["case_no"]: r for r in conn.execute("select * from marts.case_timeliness")}
        nodes = {(r["case_no"], r["node_seq"]): r for r in conn.execute("select * from marts.node_timeliness")}
    rows["nodes"] = nodes
    yield rows
    for name in ("tl_exchange", "tl_office", "tl_warehouse"):
        pg.drop_database(pg_server, name)


def test_holiday_and_make_up_days_T1_T2(timeliness):
    row = timeliness["HOLIDAY"]
    # WD after 29 Sep: 30 Sep, 8 Oct, 9 Oct, 10 Oct (Sat, make-up), 12 Oct
    assert row["promised_due_date"] == date(2026, 10, 12)
    assert row["elapsed_wd"] == 4  # completed 10 Oct
    assert row["status"] == "completed_early"


def test_friday_evening_acceptance_T2_T6(timeliness):
    row = timeliness["FRIDAY"]
    assert row["promised_due_date"] == date(2026, 11, 16)
    assert (row["elapsed_wd"], row["remaining_wd"], row["elapsed_calendar_days"]) == (5, -4, 7)
    assert row["status"] == "overdue"
    assert row["status_label"] == "已超期(红灯)"


def test_weekend_acceptance_counts_from_the_next_working_day_T2(timeliness):
    row = timeliness["SUNDAY"]
    assert row["promised_due_date"] == date(2026, 9, 30)
    assert (row["elapsed_wd"], row["status"]) == (3, "completed_on_time")


def test_overlapping_and_open_suspensions_count_once_T3(timeliness):
    row = timeliness["SUSPENDED"]
    # (17 Nov, 19 Nov] ∪ (18 Nov, open → 20 Nov] = 18, 19, 20 Nov removed
    assert (row["suspended_wd"], row["elapsed_wd"], row["remaining_wd"]) == (3, 1, 4)
    assert row["promised_due_date"] == date(2026, 11, 26)
    assert row["status"] == "in_progress"


def test_extension_lengthens_the_legal_limit_only_T8(timeliness):
    row = timeliness["EXTENDED"]
    assert row["extension_wd"] == 5
    assert row["promised_due_date"] == date(2026, 11, 9)
    assert row["legal_due_date"] == date(2026, 11, 23)  # 10 + 5 WD
    assert row["status"] == "overdue" and row["legal_overdue"] is False


def test_warning_lights_and_risk_points_T6_A3(timeliness):
    assert (timeliness["APPROACH"]["remaining_wd"], timeliness["APPROACH"]["status"]) == (1, "approaching")
    assert (timeliness["NORISK"]["remaining_wd"], timeliness["NORISK"]["status"]) == (2, "in_progress")
    assert (timeliness["RISK"]["remaining_wd"], timeliness["RISK"]["status"]) == (2, "approaching")


def test_completion_on_a_holiday_after_the_due_date_is_late_T5(timeliness):
    row = timeliness["LATEHOL"]
    # WD after 24 Sep: 28, 29, 30 Sep (25 Sep is Mid-Autumn); completed 1 Oct, a holiday
    assert row["promised_due_date"] == date(2026, 9, 30)
    assert (row["elapsed_wd"], row["status"]) == (3, "completed_late")


def test_dates_are_beijing_dates_T4(timeliness):
    row = timeliness["EARLYBJ"]
    assert row["accepted_date"] == date(2026, 11, 4)
    assert row["promised_due_date"] == date(2026, 11, 5)
    assert row["status"] == "completed_on_time"
    cases = [r for key, r in timeliness.items() if key != "nodes"]
    assert all(r["as_of"] == AS_OF for r in cases)
    assert not any(r["calendar_provisional"] for r in cases)


def test_a_session_in_another_time_zone_is_refused_T4(pg_server, tmp_path):
    """Instants become dates in the session's time zone (dbt macro shanghai_date), so dbt run by
    hand over a UTC connection stops before any model and says how to fix it."""
    pg.drop_database(pg_server, "tl_utc")
    warehouse = pg.ensure_database(pg_server, "tl_utc")
    project = str(settings.dbt_project_dir())
    env = {**os.environ, **pipeline.dbt_env(warehouse), "PGTZ": "UTC", "ESUP_AS_OF": AS_OF.isoformat()}
    command = [
        str(Path(sys.executable).parent / "dbt"),
        "run",
        "--select",
        "int_calendar_days_numbered",
        *("--project-dir", project, "--profiles-dir", project),
        *("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")),
    ]
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "the session time zone is UTC" in done.stdout
    with psycopg.connect(warehouse) as conn:
        assert conn.execute("select to_regclass('intermediate.int_calendar_days_numbered')").fetchone()[0] is None
    pg.drop_database(pg_server, "tl_utc")


def test_exempt_days_are_reported_beside_the_facts_T9(timeliness):
    row = timeliness["EXEMPT"]
    # due 19 Nov (17, 18, 19); 17 Nov (case) and 18 Nov (city) are exempt: late only because of them
    assert (row["elapsed_wd"], row["exempt_wd"], row["status"]) == (4, 2, "overdue")
    assert row["promised_due_date"] == date(2026, 11, 19)
    assert row["late_only_because_exempt"] is True
    # the city-wide day counts for every case it touches ...
    friday = timeliness["FRIDAY"]
    assert (friday["exempt_wd"], friday["status"], friday["late_only_because_exempt"]) == (1, "overdue", False)
    # ... but not where a suspension already removed it (T3)
    assert timeliness["SUSPENDED"]["exempt_wd"] == 0
    assert timeliness["HOLIDAY"]["exempt_wd"] == 0


def test_cases_that_cannot_be_judged_get_no_status(timeliness):
    row = timeliness["UNKNOWN"]
    assert (row["promised_due_date"], row["status"], row["status_label"]) == (None, None, "无法判定(事项未知)")
    row = timeliness["BACKWARDS"]
    assert (row["status"], row["status_label"]) == (None, "无法判定(时间异常)")


def test_node_limits_T7(timeliness):
    nodes = timeliness["nodes"]
    first, second = nodes[("HOLIDAY", 1)], nodes[("HOLIDAY", 2)]
    assert (first["elapsed_wd"], first["limit_wd"], first["over_limit"]) == (1, 1, False)
    # after 30 Sep: 8 and 9 Oct (National Day in between)
    assert (second["elapsed_wd"], second["over_limit"], second["node_name"]) == (2, True, "审查")
    # unfinished, measured to the evaluation date, suspended WD (18-20 Nov) removed
    open_node = nodes[("SUSPENDED", 3)]
    assert (open_node["elapsed_wd"], open_node["is_finished"], open_node["over_limit"]) == (1, False, False)
