"""Small hand-written exchange databases (前置库) for tests that need exact, known rows."""

from __future__ import annotations

import psycopg

from esup.exchange import exchange_ddl, tables_of_kind


def create_exchange(url: str, kind: str = "department", all_text: bool = False, skip: tuple[str, ...] = ()) -> None:
    """Create schema ``exchange`` with every table of ``kind`` (except ``skip``), empty."""
    with psycopg.connect(url) as conn:
        conn.execute("drop schema if exists exchange cascade")
        conn.execute("create schema exchange")
        for table in tables_of_kind(kind):
            if table.name not in skip:
                conn.execute(exchange_ddl(table, all_text=all_text))


def insert_rows(url: str, table: str, rows: list[dict]) -> None:
    """Insert rows; ``exchange_id`` continues the table's sequence unless given."""
    with psycopg.connect(url) as conn:
        next_id = conn.execute(f"select coalesce(max(exchange_id), 0) from exchange.{table}").fetchone()[0]
        for row in rows:
            if "exchange_id" not in row:
                next_id += 1
                row = {"exchange_id": next_id, **row}
            cols = ", ".join(row)
            marks = ", ".join(["%s"] * len(row))
            conn.execute(f"insert into exchange.{table} ({cols}) values ({marks})", list(row.values()))
