"""T1: the working-day calendar — cross-checked against a second source, overrides, provisional days."""

from __future__ import annotations

from datetime import date

import holidays
import psycopg
import pytest
import yaml

from esup import pg
from tests.conftest import esup_cli
from tests.integration.exchange_fixtures import create_exchange, insert_rows


def test_calendar_agrees_with_the_holidays_package_for_every_year_both_cover(built_warehouse):
    with psycopg.connect(built_warehouse) as conn:
        days = conn.execute(
            "select calendar_date, is_workday, calendar_source from intermediate.int_calendar_days_numbered"
            " where calendar_source <> 'weekday_rule'"
        ).fetchall()
    years = sorted({d.year for d, _, _ in days})
    assert years[0] == 2004 and years[-1] == 2026
    second_source = holidays.country_holidays("CN", years=years)
    disagreements = [(d, ours) for d, ours, _ in days if ours != second_source.is_working_day(d)]
    assert disagreements == []
    # the one reviewed correction of the package is in force
    assert (date(2005, 12, 31), True, "override") in days


def test_workday_numbers_make_elapsed_days_a_difference(built_warehouse):
    with psycopg.connect(built_warehouse) as conn:
        numbers = dict(
            conn.execute(
                "select calendar_date, workday_number from intermediate.int_calendar_days_numbered"
                " where calendar_date between '2026-09-28' and '2026-10-12'"
            ).fetchall()
        )
    # 29 Sep → 12 Oct 2026: 30 Sep, 8, 9, 10 (Saturday make-up day) and 12 Oct
    assert numbers[date(2026, 10, 12)] - numbers[date(2026, 9, 29)] == 5
    # the whole National Day week adds nothing
    assert numbers[date(2026, 10, 7)] == numbers[date(2026, 9, 30)]


@pytest.fixture()
def december_case(pg_server, tmp_path):
    for name in ("cal_exchange", "cal_warehouse"):
        pg.drop_database(pg_server, name)
    exchange = pg.ensure_database(pg_server, "cal_exchange")
    warehouse = pg.ensure_database(pg_server, "cal_warehouse")
    create_exchange(exchange)
    insert_rows(
        exchange,
        "power_item",
        [
            {
                "power_code": "P10",
                "version": 1,
                "department_code": "ZJJ",
                "category": "XK",
                "name": "建筑工程施工许可",
                "promised_limit_wd": 10,
                "legal_limit_wd": 20,
                "status": "confirmed",
                "effective_from": "2026-01-01",
                "uploaded_at": "2026-01-01 09:00+08",
            }
        ],
    )
    insert_rows(
        exchange,
        "case_accepted",
        [
            {
                "case_no": "DEC",
                "department_code": "ZJJ",
                "power_code": "P10",
                "accepted_at": "2026-12-21 10:00+08",
                "uploaded_at": "2026-12-21 11:00+08",
            },
            {
                "case_no": "NOV",
                "department_code": "ZJJ",
                "power_code": "P10",
                "accepted_at": "2026-11-02 10:00+08",
                "uploaded_at": "2026-11-02 11:00+08",
            },
        ],
    )
    insert_rows(
        exchange,
        "case_completed",
        [{"case_no": "NOV", "completed_at": "2026-11-10 10:00+08", "uploaded_at": "2026-11-10 11:00+08"}],
    )
    sources = tmp_path / "sources.yml"
    sources.write_text(
        yaml.safe_dump({"sources": [{"name": "zjj", "kind": "department", "department_code": "ZJJ", "url": exchange}]})
    )
    yield sources, warehouse
    for name in ("cal_exchange", "cal_warehouse"):
        pg.drop_database(pg_server, name)


def test_days_beyond_every_source_are_provisional_and_warned_about(december_case):
    sources, warehouse = december_case
    result = esup_cli(
        "run",
        "--sources",
        str(sources),
        "--as-of",
        "2026-12-28T19:00:00+08:00",
        "--skip-expectations",
        env={"ESUP_WAREHOUSE_URL": warehouse},
    )
    with psycopg.connect(warehouse) as conn:
        rows = dict(
            conn.execute(
                "select case_no, (promised_due_date, legal_due_date, calendar_provisional, status)"
                " from marts.case_timeliness"
            ).fetchall()
        )
    # WD after 21 Dec: 22-25, 28-31 Dec (8), then 2027 by the weekday rule: Fri 1 Jan (9), Mon 4 Jan (10);
    # legal 20 WD: ... 4-8 Jan (14), 11-15 Jan (19), 18 Jan (20)
    assert rows["DEC"] == ("2027-01-04", "2027-01-18", "t", "in_progress")
    assert rows["NOV"] == ("2026-11-16", "2026-11-30", "f", "completed_early")
    # loud in the run's output, in both languages, and as a dbt warning
    output = " ".join(result.stdout.split())
    assert "T1 日历警告: 1 件在办件" in output and "from 2027-01-01" in output
    assert "WARN 1 assert_open_cases_do_not_depend_on_provisional_days" in output
