"""TEMPORARY stand-in for the ``built_warehouse`` fixture, for developing the Superset tests alone.

Load it explicitly: ``pytest -p tests._dev_built_warehouse tests/integration/test_superset.py``.
It fills a scratch database with the two marts the dashboards read (same names and columns as
``marts.case_timeliness`` and ``marts.upload_timeliness``), a few hundred plausible rows from the
unit list in ``dbt/seeds/units.csv``. Remove it once ``tests/conftest.py`` builds the real warehouse.
"""

from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF = datetime(2026, 11, 20, 18, 0, tzinfo=SHANGHAI)

STATUS_LABELS = {
    "in_progress": "办理中(绿灯)",
    "approaching": "临近时限(黄灯)",
    "overdue": "已超期(红灯)",
    "completed_early": "提前办结",
    "completed_on_time": "按时办结",
    "completed_late": "超期办结",
}
POWERS = [
    ("XK001", "食品经营许可", "行政许可", 10, 20),
    ("XK002", "建筑工程施工许可", "行政许可", 7, 15),
    ("XK003", "建设项目环境影响评价审批", "行政许可", 20, 60),
    ("CF001", "违反食品安全法行为的处罚", "行政处罚", 30, 90),
    ("QR001", "不动产登记", "行政确认", 5, 30),
    ("GF001", "道路运输经营许可", "行政许可", 10, 20),
]
RECORD_TYPES = ["acceptance", "node_finish", "suspension_start", "suspension_end", "completion"]

DDL = """
create schema if not exists marts;
drop table if exists marts.case_timeliness;
drop table if exists marts.upload_timeliness;
create table marts.case_timeliness (
    department_code text, department_name text, case_no text, power_code text, power_name text,
    power_category text, accepted_at timestamptz, completed_at timestamptz, promised_limit_wd int,
    legal_limit_wd int, extension_wd int, suspended_wd int, exempt_wd int, elapsed_wd int,
    remaining_wd int, elapsed_calendar_days int, promised_due_date date, legal_due_date date,
    status text, status_label text, legal_overdue bool, calendar_provisional bool, as_of timestamptz
);
create table marts.upload_timeliness (
    department_code text, department_name text, record_type text, record_key text,
    occurred_at timestamptz, occurred_date date, first_uploaded_at timestamptz, delay_hours numeric,
    is_late bool, as_of timestamptz
);
"""


def _units() -> list[tuple[str, str]]:
    with open(settings.PROJECT_ROOT / "dbt" / "seeds" / "units.csv", encoding="utf-8") as f:
        return [(row["department_code"], row["name_zh"]) for row in csv.DictReader(f)]


def _cases(rng: random.Random) -> list[tuple]:
    rows = []
    statuses = list(STATUS_LABELS)
    for department_code, department_name in _units():
        for n in range(rng.randint(12, 30)):
            power_code, power_name, category, promised, legal = rng.choice(POWERS)
            status = rng.choices(statuses, weights=[30, 8, 6, 25, 20, 6])[0]
            accepted = AS_OF - timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 10))
            elapsed = {
                "in_progress": rng.randint(0, max(0, promised - 3)),
                "approaching": promised - rng.randint(0, 1),
                "overdue": promised + rng.randint(1, 8),
                "completed_early": rng.randint(0, promised - 1),
                "completed_on_time": promised,
                "completed_late": promised + rng.randint(1, 5),
            }[status]
            completed = (
                accepted + timedelta(days=elapsed * 7 // 5 + 1) if status.startswith("completed") else None
            )
            due = (accepted + timedelta(days=promised * 7 // 5 + 1)).date()
            legal_due = (accepted + timedelta(days=legal * 7 // 5 + 1)).date()
            end = completed or AS_OF
            rows.append((
                department_code, department_name, f"{department_code}-2026-{n + 1:05d}", power_code, power_name,
                category, accepted, completed, promised, legal, 0, rng.choice([0, 0, 0, 2]), 0, elapsed,
                promised - elapsed, (end - accepted).days, due, legal_due, status, STATUS_LABELS[status],
                elapsed > legal, False, AS_OF,
            ))
    return rows


def _uploads(rng: random.Random, cases: list[tuple]) -> list[tuple]:
    rows = []
    for case in cases:
        department_code, department_name, case_no = case[0], case[1], case[2]
        accepted_at, completed_at = case[6], case[7]
        late_share = 0.03 + 0.25 * rng.random() if department_code.endswith("J") else 0.05
        for i, record_type in enumerate(RECORD_TYPES):
            if record_type == "completion" and completed_at is None:
                continue
            if record_type.startswith("suspension") and case[11] == 0:
                continue
            occurred = completed_at if record_type == "completion" else accepted_at + timedelta(hours=6 * i)
            delay = rng.uniform(30, 120) if rng.random() < late_share else rng.uniform(0.1, 20)
            rows.append((
                department_code, department_name, record_type, f"{case_no}/{record_type}", occurred,
                occurred.astimezone(SHANGHAI).date(), occurred + timedelta(hours=delay), round(delay, 2),
                delay > 24, AS_OF,
            ))
    return rows


def build_scratch_marts(url: str, seed: int = 2026) -> None:
    """(Re)create and fill ``marts.case_timeliness`` and ``marts.upload_timeliness`` at ``url``."""
    rng = random.Random(seed)
    cases = _cases(rng)
    uploads = _uploads(rng, cases)
    with psycopg.connect(url) as conn:
        conn.execute(DDL)
        with conn.cursor() as cur:
            cur.executemany(f"insert into marts.case_timeliness values ({', '.join(['%s'] * 23)})", cases)
            cur.executemany(f"insert into marts.upload_timeliness values ({', '.join(['%s'] * 10)})", uploads)


@pytest.fixture(scope="session")
def built_warehouse(pg_server) -> str:
    url = pg.ensure_database(pg_server, "esup_superset_dev")
    build_scratch_marts(url)
    return url
