"""The supervision office's worklist as a CSV file per run (A1-A4, ADR 0005).

``marts.card_worklist`` is the outbox dbt writes: each card event (new, red, corrected, revoked) once,
in the first run that saw it. This module writes one run's rows to
``card_worklist_<as_of YYYYMMDDTHHMM>.csv`` (Beijing time) for the office's system to act on: UTF-8
with a byte-order mark, so Excel shows the Chinese.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg

from esup import settings

SHANGHAI = ZoneInfo("Asia/Shanghai")

COLUMNS = (
    "as_of",
    "action",
    "action_zh",
    "card_id",
    "rule_id",
    "rule_name",
    "department_code",
    "department_name",
    "case_no",
    "color",
    "issued_on",
    "correction_deadline",
    "action_date",
    "detail",
)


def file_name(as_of: datetime) -> str:
    return f"card_worklist_{as_of.astimezone(SHANGHAI):%Y%m%dT%H%M}.csv"


def export_worklist(warehouse_url: str, as_of: datetime, directory: Path | str | None = None) -> Path:
    """Write the worklist rows of the run at ``as_of`` to a CSV file in ``directory``; return its path."""
    target = Path(directory) if directory is not None else settings.worklist_dir()
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name(as_of)
    query = (
        f"copy (select {', '.join(COLUMNS)} from marts.card_worklist where as_of = %s"
        " order by action_date, card_id, action) to stdout with (format csv, header)"
    )
    with psycopg.connect(warehouse_url) as conn:
        # dates and instants as the office reads them: Beijing time
        conn.execute("set timezone = 'Asia/Shanghai'")
        with conn.cursor() as cursor, cursor.copy(query, (as_of,)) as copy, path.open("wb") as handle:
            handle.write(b"\xef\xbb\xbf")
            for block in copy:
                handle.write(block)
    return path
