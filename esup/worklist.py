"""The supervision office's worklist as a CSV file per run (A1-A4, W1, W2; ADR 0005).

``marts.card_worklist`` is the outbox dbt writes: each card event (new, red, corrected, revoked) once,
in the first run that saw it; ``marts.workflow_worklist`` likewise each overdue task reply (W1) and
overdue complaint decision (W2). This module writes one run's rows of both to
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
    "record_key",
)
# A workflow event in the card columns: its record (task or complaint) in record_key, the day its act
# started in issued_on and the missed due date in correction_deadline; no card, no colour.
WORKFLOW_AS_CARD = {
    "card_id": "null",
    "color": "null",
    "issued_on": "started_on",
    "correction_deadline": "due_date",
}


def file_name(as_of: datetime) -> str:
    return f"card_worklist_{as_of.astimezone(SHANGHAI):%Y%m%dT%H%M}.csv"


def export_worklist(warehouse_url: str, as_of: datetime, directory: Path | str | None = None) -> Path:
    """Write the worklist rows of the run at ``as_of`` to a CSV file in ``directory``; return its path."""
    target = Path(directory) if directory is not None else settings.worklist_dir()
    target.mkdir(parents=True, exist_ok=True)
    path = target / file_name(as_of)
    cards = ", ".join("card_id as record_key" if c == "record_key" else c for c in COLUMNS)
    workflows = ", ".join(f"{WORKFLOW_AS_CARD[c]} as {c}" if c in WORKFLOW_AS_CARD else c for c in COLUMNS)
    query = (
        f"copy (select {cards} from marts.card_worklist where as_of = %s"
        f" union all select {workflows} from marts.workflow_worklist where as_of = %s"
        " order by action_date, record_key, action) to stdout with (format csv, header)"
    )
    with psycopg.connect(warehouse_url) as conn:
        # dates and instants as the office reads them: Beijing time
        conn.execute("set timezone = 'Asia/Shanghai'")
        with conn.cursor() as cursor, cursor.copy(query, (as_of, as_of)) as copy, path.open("wb") as handle:
            handle.write(b"\xef\xbb\xbf")
            for block in copy:
                handle.write(block)
    return path
