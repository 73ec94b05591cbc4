"""L (S21): the daily supervision log on a small, hand-checked week (16-20 Nov 2026, no holidays).

SCJGJ, 2-WD power P2 and 5-WD power P5:
  A accepted Mon 16, due Wed 18, completed Wed 18 (on time)
  B accepted Mon 16 (uploaded late, Q1), due Wed 18, still open → overdue from Thu 19
  C accepted Tue 17 on P5, due Tue 24, open
  D accepted Wed 18, due Fri 20, completed Thu 19 (early)
  E accepted Thu 19, due Mon 23, open → approaching on Fri 20
ZJJ, 2-WD power Z2 (the later run adds the weekend 21-22 Nov and the week after):
  Z accepted Thu 19, due Mon 23, open → approaching Fri 20 to Mon 23 (the weekend too), overdue from Tue 24
  Y accepted Thu 19, suspended Fri 20 10:00 to Tue 24 10:00 (the end uploaded on the 24th): as the
    data shows each day, approaching from Fri 20; the suspension removes Mon 23 and Tue 24 and moves
    the due date to Wed 25 (T3); overdue from Thu 26
  X accepted Thu 19 on a power ZJJ never declared: open, never approaching or overdue
Supervision: a self-initiated task to SCJGJ on Thu 19, replied Fri 20; a complaint-borne one on Thu 19.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

BJ = ZoneInfo("Asia/Shanghai")
COLUMNS = (
    "accepted",
    "completed",
    "in_progress_eod",
    "completed_early",
    "approaching_eod",
    "overdue_eod",
    "supervision_self_initiated",
    "supervision_feedback",
    "late_upload_events",
)


def power(department, code, limit):
    return {
        "power_code": code,
        "version": 1,
        "department_code": department,
        "category": "XK",
        "name": code,
        "promised_limit_wd": limit,
        "status": "confirmed",
        "effective_from": "2026-01-01",
        "uploaded_at": "2026-01-01 09:00+08",
    }


def case(department, no, code, accepted_at, uploaded_at=None):
    return {
        "case_no": no,
        "department_code": department,
        "power_code": code,
        "accepted_at": accepted_at,
        "uploaded_at": uploaded_at or accepted_at,
    }


@pytest.fixture(scope="module")
def week(pg_server):
    names = ("log_scjgj", "log_zjj", "log_office", "log_warehouse")
    for name in names:
        pg.drop_database(pg_server, name)
    scjgj, zjj, office, warehouse = (pg.ensure_database(pg_server, n) for n in names)
    create_exchange(scjgj)
    create_exchange(zjj)
    create_exchange(office, kind="supervision")
    insert_rows(scjgj, "power_item", [power("SCJGJ", "P2", 2), power("SCJGJ", "P5", 5)])
    insert_rows(zjj, "power_item", [power("ZJJ", "Z2", 2)])
    insert_rows(
        scjgj,
        "case_accepted",
        [
            case("SCJGJ", "A", "P2", "2026-11-16 09:00+08"),
            case("SCJGJ", "B", "P2", "2026-11-16 10:00+08", uploaded_at="2026-11-17 12:00+08"),
            case("SCJGJ", "C", "P5", "2026-11-17 09:00+08"),
            case("SCJGJ", "D", "P2", "2026-11-18 09:00+08"),
            case("SCJGJ", "E", "P2", "2026-11-19 09:00+08"),
        ],
    )
    insert_rows(
        scjgj,
        "case_completed",
        [
            {"case_no": "A", "completed_at": "2026-11-18 15:00+08", "uploaded_at": "2026-11-18 16:00+08"},
            {"case_no": "D", "completed_at": "2026-11-19 15:00+08", "uploaded_at": "2026-11-19 16:00+08"},
        ],
    )
    insert_rows(
        zjj,
        "case_accepted",
        [
            case("ZJJ", "Z", "Z2", "2026-11-19 11:00+08"),
            case("ZJJ", "Y", "Z2", "2026-11-19 11:30+08"),
            case("ZJJ", "X", "NOPE", "2026-11-19 11:45+08"),
        ],
    )
    insert_rows(
        zjj,
        "case_suspension",
        [
            {"case_no": "Y", "suspension_seq": 1, "reason_type": "testing", "started_at": "2026-11-20 10:00+08",
             "ended_at": None, "uploaded_at": "2026-11-20 10:05+08"},
            {"case_no": "Y", "suspension_seq": 1, "reason_type": "testing", "started_at": "2026-11-20 10:00+08",
             "ended_at": "2026-11-24 10:00+08", "uploaded_at": "2026-11-24 10:05+08"},
        ],
    )  # fmt: skip
    insert_rows(
        office,
        "supervision_task",
        [
            {
                "task_no": "T1",
                "origin": "self",
                "target_department_code": "SCJGJ",
                "issued_at": "2026-11-19 10:00+08",
                "deadline_date": "2026-11-26",
                "uploaded_at": "2026-11-19 10:05+08",
            },
            {
                "task_no": "T2",
                "origin": "complaint",
                "target_department_code": "SCJGJ",
                "issued_at": "2026-11-19 11:00+08",
                "deadline_date": "2026-11-26",
                "uploaded_at": "2026-11-19 11:05+08",
            },
        ],
    )
    insert_rows(
        office,
        "supervision_task_action",
        [
            {
                "task_no": "T1",
                "action_seq": 1,
                "action": "reply",
                "acted_at": "2026-11-20 09:00+08",
                "actor": "SCJGJ",
                "uploaded_at": "2026-11-20 09:05+08",
            },
        ],
    )
    sources = [
        Source("scjgj", "department", scjgj, "SCJGJ"),
        Source("zjj", "department", zjj, "ZJJ"),
        Source("office", "supervision", office),
    ]

    def run(as_of: datetime) -> dict:
        run_id = pipeline.prepare_warehouse(warehouse, sources)
        assert all(r.error is None for r in pipeline.ingest_all(warehouse, sources, run_id))
        result = pipeline.run_dbt(warehouse, as_of)
        assert result.success, result.failures
        with psycopg.connect(warehouse) as conn:
            conn.row_factory = psycopg.rows.dict_row
            return {
                (r["log_date"], r["department_code"]): r
                for r in conn.execute("select * from marts.daily_supervision_log")
            }

    yield run, scjgj
    for name in names:
        pg.drop_database(pg_server, name)


def counts(row):
    return tuple(row[c] for c in COLUMNS)


def test_a_hand_checked_week_L(week):
    run, _ = week
    log = run(datetime(2026, 11, 20, 19, 0, tzinfo=BJ))
    scjgj = {d: counts(log[(date(2026, 11, d), "SCJGJ")]) for d in range(16, 21)}
    #                  acc comp open early appr over self feedback late
    assert scjgj == {
        16: (2, 0, 2, 0, 0, 0, 0, 0, 1),
        17: (1, 0, 3, 0, 2, 0, 0, 0, 0),
        18: (1, 1, 3, 0, 1, 0, 0, 0, 0),
        19: (1, 1, 3, 1, 0, 1, 1, 0, 0),
        20: (0, 0, 3, 0, 1, 1, 0, 1, 0),
    }
    city_19 = log[(date(2026, 11, 19), "ALL")]
    assert counts(city_19) == (4, 1, 6, 1, 0, 1, 1, 0, 0)
    assert city_19["department_name"] == "全市"
    assert (float(city_19["early_completion_rate"]), float(city_19["overdue_rate"])) == (1.0, 0.1667)
    assert float(log[(date(2026, 11, 18), "SCJGJ")]["approaching_rate"]) == 0.3333
    assert log[(date(2026, 11, 16), "ZJJ")]["in_progress_eod"] == 0  # every department, every day
    assert min(d for d, _ in log) == date(2026, 11, 16)


def test_a_later_run_restates_only_its_look_back_window_L(week):
    run, scjgj = week
    first = run(datetime(2026, 11, 20, 19, 0, tzinfo=BJ))
    # uploaded on the 29th: a case accepted on the 20th, inside the next run's 7-day window
    insert_rows(scjgj, "case_accepted", [case("SCJGJ", "F", "P5", "2026-11-20 16:00+08", "2026-11-29 10:00+08")])
    later = run(datetime(2026, 11, 29, 19, 0, tzinfo=BJ))
    # days logged before the window (29 Nov - 7 = 22 Nov) keep the first run's rows: history is not rebuilt
    for day in range(16, 21):
        assert later[(date(2026, 11, day), "SCJGJ")] == first[(date(2026, 11, day), "SCJGJ")]
    # the days not logged yet and the window are built by the later run (F open from the 20th)
    for day in (21, 22):
        row = later[(date(2026, 11, day), "SCJGJ")]
        assert row["as_of"] == datetime(2026, 11, 29, 19, 0, tzinfo=BJ)
        assert row["in_progress_eod"] == 4  # B, C, E and F
    assert (date(2026, 11, 29), "ALL") in later
    # T6 over a weekend, and T3 day by day (Y's suspension ended on the 24th: the 23rd and 24th removed)
    zjj = {d: tuple(later[(date(2026, 11, d), "ZJJ")][c] for c in ("in_progress_eod", "approaching_eod", "overdue_eod"))
           for d in range(21, 30)}  # fmt: skip
    #       open appr over
    assert zjj == {
        21: (3, 2, 0),  # Sat: Z and Y approaching since Fri 20
        22: (3, 2, 0),
        23: (3, 2, 0),  # Mon: Z's due day; Y suspended
        24: (3, 1, 1),  # Z overdue; Y's due date moved to Wed 25
        25: (3, 1, 1),  # Y: due day, 0 WD left
        26: (3, 0, 2),
        27: (3, 0, 2),
        28: (3, 0, 2),  # Sat after both due dates
        29: (3, 0, 2),
    }
    assert counts(first[(date(2026, 11, 20), "ZJJ")])[2:6] == (3, 0, 2, 0)  # open, early, approaching, overdue
