"""Ingestion: pull new exchange rows (by ``exchange_id``) into the warehouse's raw layer.

For each source and table: rows with ``exchange_id`` above what the warehouse already holds
are pulled with COPY. A source whose columns already have the contract's types is copied in
binary straight into ``raw.<table>`` (only rows missing a business key can fail). A loosely
typed (legacy, all-text) source is streamed as text into a temporary landing table, then one
set-based statement types the rows into ``raw.<table>``. Either way every row that cannot be
typed (bad timestamp, text in a number, missing business key) goes to ``raw.quarantine`` with
its reason.
``raw.ingest_log`` records, per run, source and table: source rows = loaded + quarantined.

Every version a source sends is kept (append-only, unique on source and exchange_id), with
when the platform pulled it, so re-running an interval adds nothing and rule Q8 can read the
history. A source that is unreachable or lacks a table fails alone, with its name in the error.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from psycopg import sql

from esup.exchange import TABLES, ExchangeTable, tables_of_kind
from esup.sources import Source

RAW_SCHEMA = "raw"
# Columns the platform adds to every raw table, before the exchange columns.
RAW_META_COLUMNS = (
    ("source_name", "text not null"),
    ("source_department_code", "text"),
    ("ingest_run_id", "bigint not null"),
    ("pulled_at", "timestamptz not null"),
)


# How format_type() names the contract's types, to tell an already-typed source column.
CANONICAL_TYPES = {"timestamptz": "timestamp with time zone"}


class SourceError(RuntimeError):
    """A source cannot be ingested; the message starts with the source's name."""


@dataclass
class TableResult:
    table: str
    source_rows: int = 0
    loaded: int = 0
    quarantined: int = 0


@dataclass
class SourceResult:
    source: str
    kind: str
    tables: list[TableResult] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0

    @property
    def source_rows(self) -> int:
        return sum(t.source_rows for t in self.tables)

    @property
    def loaded(self) -> int:
        return sum(t.loaded for t in self.tables)

    @property
    def quarantined(self) -> int:
        return sum(t.quarantined for t in self.tables)


def raw_table_ddl(table: ExchangeTable) -> sql.Composed:
    meta = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in RAW_META_COLUMNS]
    cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in table.types().items()]
    return sql.SQL("create table if not exists {}.{} ({}, unique (source_name, exchange_id))").format(
        sql.Identifier(RAW_SCHEMA), sql.Identifier(table.name), sql.SQL(", ").join(meta + cols)
    )


def ensure_raw_schema(conn: psycopg.Connection) -> None:
    """Create the raw layer (idempotent). Run once before sources are pulled in parallel."""
    conn.execute("create schema if not exists raw")
    for table in TABLES:
        conn.execute(raw_table_ddl(table))
        # dbt finds the rows newer than a model's watermarks by these two (macro newer_than). Rows
        # land in upload order, so a BRIN index lets a daily run read the last block ranges only;
        # it costs a few kilobytes and next to nothing per COPY, unlike a B-tree.
        conn.execute(
            sql.SQL("create index if not exists {} on {}.{} using brin (ingest_run_id, uploaded_at)").format(
                sql.Identifier(f"{table.name}_upload_order"), sql.Identifier(RAW_SCHEMA), sql.Identifier(table.name)
            )
        )
    conn.execute(
        """
        create table if not exists raw.quarantine (
          quarantine_id bigserial primary key,
          source_name text not null,
          table_name text not null,
          exchange_id bigint not null,
          raw_row jsonb not null,
          reason text not null,
          ingest_run_id bigint not null,
          pulled_at timestamptz not null,
          unique (source_name, table_name, exchange_id)
        )
        """
    )
    conn.execute(
        """
        create table if not exists raw.ingest_log (
          ingest_run_id bigint not null,
          source_name text not null,
          table_name text not null,
          from_exchange_id bigint not null,
          source_rows bigint not null,
          loaded bigint not null,
          quarantined bigint not null,
          pulled_at timestamptz not null,
          primary key (ingest_run_id, source_name, table_name)
        )
        """
    )
    conn.execute(
        """
        create table if not exists raw.sources (
          source_name text primary key,
          kind text not null,
          department_code text,
          county_code text,
          last_error text,
          last_ingest_run_id bigint
        )
        """
    )
    conn.execute("create sequence if not exists raw.ingest_run_seq")
    conn.commit()


def new_run_id(conn: psycopg.Connection) -> int:
    run_id = conn.execute("select nextval('raw.ingest_run_seq')").fetchone()[0]
    conn.commit()
    return run_id


def register_sources(conn: psycopg.Connection, sources: list[Source]) -> None:
    """Mirror the source list into ``raw.sources`` so models and reports know every unit."""
    with conn.transaction():
        for s in sources:
            conn.execute(
                """
                insert into raw.sources (source_name, kind, department_code, county_code)
                values (%s, %s, %s, %s)
                on conflict (source_name) do update
                  set kind = excluded.kind, department_code = excluded.department_code,
                      county_code = excluded.county_code
                """,
                (s.name, s.kind, s.department_code, s.county_code),
            )


def _source_columns(src: psycopg.Connection, source: Source) -> dict[str, dict[str, str]]:
    # pg_catalog rather than information_schema: views count too, and types come canonical.
    rows = src.execute(
        """
        select c.relname, a.attname, format_type(a.atttypid, a.atttypmod)
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'exchange' and a.attnum > 0 and not a.attisdropped
          and c.relkind in ('r', 'v', 'm', 'p', 'f')
        """
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for table, column, typ in rows:
        found.setdefault(table, {})[column] = typ
    missing = []
    for table in tables_of_kind(source.kind):
        if table.name not in found:
            missing.append(f"table exchange.{table.name}")
            continue
        absent = [c for c in table.all_columns if c not in found[table.name]]
        if absent:
            missing.append(f"exchange.{table.name} column(s) {', '.join(absent)}")
    if missing:
        raise SourceError(f"source {source.name}: missing {'; '.join(missing)}")
    return found


def _reason_sql(table: ExchangeTable, source_types: dict[str, str]) -> sql.Composable:
    """SQL for why a landed (text) row cannot be typed, or null when it can."""
    checks: list[sql.Composable] = []
    for col in table.key:
        checks.append(
            sql.SQL("case when nullif(btrim({c}), '') is null then {msg} end").format(
                c=sql.Identifier(col), msg=sql.Literal(f"{col}: business key is missing")
            )
        )
    for col, typ in table.types().items():
        if col == "exchange_id" or typ == "text" or source_types.get(col) == CANONICAL_TYPES.get(typ, typ):
            continue  # already typed at the source (or text): cannot fail
        checks.append(
            sql.SQL(
                "case when {c} is not null and not pg_input_is_valid({c}, {t}::text)"
                " then {prefix} || (pg_input_error_info({c}, {t}::text)).message end"
            ).format(c=sql.Identifier(col), t=sql.Literal(typ), prefix=sql.Literal(f"{col}: "))
        )
    return sql.SQL("concat_ws('; ', {})").format(sql.SQL(", ").join(checks))


def _is_typed(table: ExchangeTable, source_types: dict[str, str]) -> bool:
    """Whether every column of the source already has the contract's type (binary COPY fits)."""
    return all(source_types.get(c) == CANONICAL_TYPES.get(t, t) for c, t in table.types().items())


def _key_present(table: ExchangeTable) -> sql.Composable:
    return sql.SQL(" and ").join(
        sql.SQL("nullif(btrim({}::text), '') is not null").format(sql.Identifier(c)) for c in table.key
    )


def _ingest_table(
    src: psycopg.Connection,
    wh: psycopg.Connection,
    source: Source,
    table: ExchangeTable,
    source_types: dict[str, str],
    run_id: int,
    pulled_at: datetime,
) -> TableResult:
    result = TableResult(table.name)
    cursor_sql = sql.SQL(
        "select greatest((select max(exchange_id) from raw.{t} where source_name = %(s)s),"
        " (select max(exchange_id) from raw.quarantine where source_name = %(s)s and table_name = %(n)s), 0)"
    ).format(t=sql.Identifier(table.name))
    from_id = wh.execute(cursor_sql, {"s": source.name, "n": table.name}).fetchone()[0]
    params = {"s": source.name, "d": source.department_code, "r": run_id, "p": pulled_at, "n": table.name}
    cols = table.all_columns
    new_rows = sql.SQL("exchange_id > {}").format(sql.Literal(from_id))

    if _is_typed(table, source_types):
        # Typed source: nothing can fail to type, so the rows with their business key go straight
        # from the source into raw in binary (no text round trip, no landing table); only the rows
        # missing a key take the landing path to quarantine.
        meta = sql.SQL("{}::text, {}::text, {}::bigint, {}::timestamptz").format(
            sql.Literal(source.name), sql.Literal(source.department_code), sql.Literal(run_id), sql.Literal(pulled_at)
        )
        copy_out = sql.SQL("copy (select {}, {} from exchange.{} where {} and {}) to stdout (format binary)").format(
            meta,
            sql.SQL(", ").join(map(sql.Identifier, cols)),
            sql.Identifier(table.name),
            new_rows,
            _key_present(table),
        )
        copy_in = sql.SQL(
            "copy raw.{} (source_name, source_department_code, ingest_run_id, pulled_at, {}) from stdin (format binary)"
        ).format(sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, cols)))
        with src.cursor().copy(copy_out) as out, wh.cursor() as raw_cursor:
            with raw_cursor.copy(copy_in) as into:
                for block in out:
                    into.write(block)
            result.loaded = raw_cursor.rowcount
        landed = _land(src, wh, table, sql.SQL("{} and not ({})").format(new_rows, _key_present(table)))
        result.source_rows = result.loaded + landed
        reason = sql.SQL("nullif({}, '')").format(_reason_sql(table, source_types))
    else:
        # Text (legacy) source: land as text, type what types, quarantine the rest with its reason.
        result.source_rows = _land(src, wh, table, new_rows)
        # Evaluated in both inserts rather than stored: no second pass over the landed rows.
        reason = sql.SQL("nullif({}, '')").format(_reason_sql(table, source_types))
        typed = sql.SQL(", ").join(
            sql.SQL("{c}::{t}").format(c=sql.Identifier(c), t=sql.SQL(t)) for c, t in table.types().items()
        )
        loaded = wh.execute(
            sql.SQL(
                "insert into raw.{t} (source_name, source_department_code, ingest_run_id, pulled_at, {cols})"
                " select %(s)s, %(d)s, %(r)s, %(p)s, {typed} from landing where {reason} is null"
                " on conflict (source_name, exchange_id) do nothing"
            ).format(
                t=sql.Identifier(table.name),
                cols=sql.SQL(", ").join(map(sql.Identifier, cols)),
                typed=typed,
                reason=reason,
            ),
            params,
        )
        result.loaded = loaded.rowcount
    quarantined = wh.execute(
        sql.SQL(
            "insert into raw.quarantine"
            " (source_name, table_name, exchange_id, raw_row, reason, ingest_run_id, pulled_at)"
            " select %(s)s, %(n)s, exchange_id, to_jsonb(landing) - 'quarantine_reason', quarantine_reason,"
            " %(r)s, %(p)s"
            " from (select landing.*, {reason} as quarantine_reason from landing) as landing"
            " where quarantine_reason is not null"
            " on conflict (source_name, table_name, exchange_id) do nothing"
        ).format(reason=reason),
        params,
    )
    result.quarantined = quarantined.rowcount
    wh.execute("drop table landing")
    wh.execute(
        """
        insert into raw.ingest_log
          (ingest_run_id, source_name, table_name, from_exchange_id, source_rows, loaded, quarantined, pulled_at)
        values (%(r)s, %(s)s, %(n)s, %(f)s, %(rows)s, %(l)s, %(q)s, %(p)s)
        """,
        {**params, "f": from_id, "rows": result.source_rows, "l": result.loaded, "q": result.quarantined},
    )
    return result


def _land(src: psycopg.Connection, wh: psycopg.Connection, table: ExchangeTable, where: sql.Composable) -> int:
    """COPY the source rows matching ``where`` as text into a temporary ``landing`` table; return the count."""
    cols = table.all_columns
    landing_cols = sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL("bigint" if c == "exchange_id" else "text")) for c in cols
    )
    wh.execute(sql.SQL("create temp table landing ({}) on commit drop").format(landing_cols))
    select_text = sql.SQL(", ").join(
        sql.Identifier(c) if c == "exchange_id" else sql.SQL("{}::text").format(sql.Identifier(c)) for c in cols
    )
    copy_out = sql.SQL("copy (select {} from exchange.{} where {}) to stdout").format(
        select_text, sql.Identifier(table.name), where
    )
    copy_in = sql.SQL("copy landing ({}) from stdin").format(sql.SQL(", ").join(map(sql.Identifier, cols)))
    with src.cursor().copy(copy_out) as out, wh.cursor() as landing_cursor:
        with landing_cursor.copy(copy_in) as into:
            for block in out:
                into.write(block)
        return landing_cursor.rowcount


def ingest_source(warehouse_url: str, source: Source, run_id: int) -> SourceResult:
    """Pull one source into the raw layer, all its tables in one transaction.

    Raises SourceError (message names the source) when it is unreachable or incomplete.
    """
    started = time.monotonic()
    result = SourceResult(source.name, source.kind)
    try:
        src = psycopg.connect(source.resolved_url(), connect_timeout=10)
    except psycopg.Error as exc:
        message = f"source {source.name}: cannot connect: {str(exc).strip().splitlines()[-1]}"
        with psycopg.connect(warehouse_url) as wh:
            _record_error(wh, source, message)
        raise SourceError(message) from exc
    with src, psycopg.connect(warehouse_url) as wh:
        src.read_only = True
        # A legacy source's text timestamps without an offset are Beijing time.
        wh.execute("set timezone = 'Asia/Shanghai'")
        try:
            found = _source_columns(src, source)
            pulled_at = wh.execute("select now()").fetchone()[0]
            with wh.transaction():
                # One ingestion per source at a time: the cursor read below then sees what an
                # overlapping run committed, so rows are never copied twice.
                wh.execute("select pg_advisory_xact_lock(hashtext('esup.ingest'), hashtext(%s))", (source.name,))
                for table in tables_of_kind(source.kind):
                    result.tables.append(_ingest_table(src, wh, source, table, found[table.name], run_id, pulled_at))
                wh.execute(
                    "update raw.sources set last_error = null, last_ingest_run_id = %s where source_name = %s",
                    (run_id, source.name),
                )
        except SourceError as exc:
            _record_error(wh, source, str(exc))
            raise
        except psycopg.Error as exc:
            message = f"source {source.name}: {str(exc).strip().splitlines()[0]}"
            _record_error(wh, source, message)
            raise SourceError(message) from exc
    result.seconds = time.monotonic() - started
    return result


def _record_error(wh: psycopg.Connection, source: Source, message: str) -> None:
    wh.rollback()
    wh.execute("update raw.sources set last_error = %s where source_name = %s", (message, source.name))
    wh.commit()


def load_calendar(conn: psycopg.Connection) -> int:
    """Load the statutory calendar of the ``chinese-calendar`` package into ``raw.chinese_calendar``.

    dbt combines it with the reviewed override seed (T1). Rewritten whole each time: small.
    """
    from datetime import date, timedelta

    import chinese_calendar

    first = date(min(chinese_calendar.holidays).year, 1, 1)
    last = date(max(chinese_calendar.holidays).year, 12, 31)
    rows = []
    day = first
    while day <= last:
        rows.append((day, chinese_calendar.is_workday(day), chinese_calendar.is_holiday(day) and day.weekday() < 5))
        day += timedelta(days=1)
    with conn.transaction():
        conn.execute("create schema if not exists raw")
        conn.execute(
            "create table if not exists raw.chinese_calendar"
            " (calendar_date date primary key, is_workday boolean not null, is_statutory_holiday boolean not null,"
            "  package_version text not null)"
        )
        conn.execute("truncate raw.chinese_calendar")
        with conn.cursor().copy(
            "copy raw.chinese_calendar (calendar_date, is_workday, is_statutory_holiday, package_version) from stdin"
        ) as copy:
            version = getattr(chinese_calendar, "__version__", "unknown")
            for row in rows:
                copy.write_row((*row, version))
    return len(rows)
