"""Timeliness benchmark: the pipeline against the floor of TARGETS.md, per city size.

For each size (cases) the script, on its own PostgreSQL (data in ``.esup/bench-pg``, a free port):

1. simulates the exchange databases (timed and reported, not part of the pipeline);
2. holds back the last two days of uploads, so each of two daily runs has one real day to bring;
3. measures the floor: COPY every exchange row of the department sources into another database,
   then one set-based SQL statement giving each case its promised due date, elapsed WD
   (suspensions removed) and T5/T6 status from a calendar table with a running working-day number;
4. measures the pipeline as ``esup run`` does it: ingestion (prepare + ingest_all), ``dbt build``
   of the whole project, Great Expectations; then the floor again (the machine's speed varies, so
   the figures use the mean of both), and the timeliness models alone (``--select``);
5. puts the held-back days back one at a time and measures each day's run (ingest + dbt build +
   expectations). The second is the steady state judged against the target; the first, right after
   the full build, also pays one-off costs and is reported beside it.

Peak memory is the proportional set size (PSS) of this process, its children and every process of
the benchmark's PostgreSQL, sampled every 0.25 s. Figures go to ``benchmarks/results/`` as one JSON
and one Markdown file per run. Pass/fail against TARGETS.md is printed, never asserted.

    .venv/bin/python benchmarks/timeliness.py --sizes 100000,300000,1000000
    .venv/bin/python benchmarks/timeliness.py --quick          # 20,000 cases
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".esup" / "bench-pg"
# Everything the esup package keeps locally (dbt target, GX project, runtime dir) goes under the
# benchmark's folder, never into the demo's .esup/.
os.environ["ESUP_HOME"] = str(BENCH_DIR / "home")
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402
from common import (  # noqa: E402
    code_fingerprint,
    free_port,
    git,
    machine,
    size_label,
    stop_on_signals,
    write_result_files,
)
from psycopg import sql  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from esup import pg, pipeline, simulate  # noqa: E402
from esup.exchange import TABLES_BY_NAME, tables_of_kind  # noqa: E402
from esup.sources import Source, load_sources  # noqa: E402

SHANGHAI = timezone(timedelta(hours=8))
DAILY_RUN_HOUR = 19  # the DAG runs daily at 19:00 Beijing time
WAREHOUSE_DB = "bench_warehouse"
FLOOR_DB = "bench_floor"
# The suffix of the floor's second measure (after the esup run).
AGAIN = " (again)"
HOLDOUT_SCHEMA = "bench_holdout"
TIMELINESS_SELECT = [
    "--select",
    "path:models/intermediate/timeliness",
    "path:models/intermediate/calendar",
    "case_timeliness",
    "node_timeliness",
    # they are incremental (ADR 0006): this measures building them whole
    "--full-refresh",
]
# The timeliness models (issue 3's scope): their summed model time in the daily run against the full build.
TIMELINESS_MODELS = (
    "int_calendar_days_numbered",
    "int_cases_measured",
    "int_case_suspensions_merged",
    "int_case_exemptions_counted",
    "case_timeliness",
    "node_timeliness",
)
# P1-P3 (scores and annual disclosure figures): their nodes' share of the full build's summed node time.
SCORING_NODES = (
    "scoring_rules",
    "int_scoring_rules_pivoted",
    "int_score_counts_monthly",
    "int_workflow_breaches_dated",
    "int_source_upload_horizons",
    "int_disclosure_years",
    "performance_scores",
    "performance_timeliness_cases",
    "performance_upload_events",
    "performance_card_events",
    "performance_post_nodes",
    "performance_workflow_breaches",
    "annual_disclosure_figures",
    "annual_disclosure_powers",
)
# W1-W3 (workflow deadlines): their nodes' share, the same way.
WORKFLOW_NODES = (
    "int_workflow_days_numbered",
    "int_supervision_tasks_dated",
    "int_supervision_task_acts_ordered",
    "int_complaint_acts_dated",
    "int_workflow_findings",
    "supervision_tasks",
    "complaints",
    "catalogue_changes",
)
PHASES = ("floor", "ingest", "dbt", "expectations", "report", "timeliness", "incremental")
# What sizes from --reduced-from on measure: no second and third build (timeliness-only, next day).
REDUCED_PHASES = ("floor", "ingest", "dbt", "expectations")
LINEAR_TOLERANCE = 0.20
EXPLAIN_LINES = 60

console = Console(width=None if sys.stdout.isatty() else 180)


# --------------------------------------------------------------------------------------------
# Memory: PSS of this process tree and of the benchmark's PostgreSQL
# --------------------------------------------------------------------------------------------


class MemorySampler(threading.Thread):
    """Samples the summed PSS (and RSS) of the process tree every ``interval`` seconds."""

    def __init__(self, data_dir: Path, interval: float = 0.25):
        super().__init__(daemon=True, name="memory-sampler")
        self.data_dir = data_dir
        self.interval = interval
        self.me = psutil.Process()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.phase_pss = self.phase_rss = 0
        self.peak_pss = self.peak_rss = 0

    def _processes(self) -> list[psutil.Process]:
        procs = [self.me, *self.me.children(recursive=True)]
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split()[0])
            postmaster = psutil.Process(pid)
            procs += [postmaster, *postmaster.children(recursive=True)]
        except (OSError, ValueError, IndexError, psutil.Error):
            pass
        return procs

    def sample(self) -> tuple[int, int]:
        pss = rss = 0
        for proc in self._processes():
            try:
                info = proc.memory_full_info()
            except psutil.Error:
                continue
            pss += getattr(info, "pss", info.rss)
            rss += info.rss
        with self.lock:
            self.phase_pss = max(self.phase_pss, pss)
            self.phase_rss = max(self.phase_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.peak_rss = max(self.peak_rss, rss)
        return pss, rss

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.sample()

    def reset_phase(self) -> None:
        with self.lock:
            self.phase_pss = self.phase_rss = 0

    def phase_peak(self) -> tuple[int, int]:
        self.sample()
        with self.lock:
            return self.phase_pss, self.phase_rss


@dataclass
class Measure:
    seconds: float = 0.0
    peak_pss: int = 0
    peak_rss: int = 0
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "seconds": round(self.seconds, 3),
            "peak_pss_mb": round(self.peak_pss / 2**20),
            "peak_rss_mb": round(self.peak_rss / 2**20),
            **self.extra,
        }


class Recorder:
    def __init__(self, sampler: MemorySampler):
        self.sampler = sampler
        self.measures: dict[str, Measure] = {}

    @contextlib.contextmanager
    def measure(self, name: str):
        console.print(f"  [dim]{datetime.now():%H:%M:%S}[/] {name} …")
        self.sampler.reset_phase()
        measure = Measure()
        load = os.getloadavg()[0]
        started = time.perf_counter()
        try:
            yield measure
        finally:
            measure.seconds = time.perf_counter() - started
            measure.peak_pss, measure.peak_rss = self.sampler.phase_peak()
            measure.extra.setdefault("load_average_1min_before", round(load, 2))
            self.measures[name] = measure
            console.print(
                f"  [dim]{datetime.now():%H:%M:%S}[/] {name}: [bold]{measure.seconds:.1f} s[/], "
                f"peak {measure.peak_pss / 2**20:,.0f} MB"
            )


# --------------------------------------------------------------------------------------------
# Machine, server
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Holding back the last two days of uploads
# --------------------------------------------------------------------------------------------


def _uploaded_at(types: dict[str, str]) -> sql.Composable:
    """``uploaded_at`` as timestamptz; an all-text source's untypable value gives null."""
    if types["uploaded_at"] == "text":
        return sql.SQL("case when pg_input_is_valid(uploaded_at, 'timestamptz') then uploaded_at::timestamptz end")
    return sql.SQL("uploaded_at")


def _column_types(conn: psycopg.Connection, table: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'exchange' and table_name = %s",
            (table,),
        ).fetchall()
    )


def hold_back(sources: list[Source], cutoff: datetime) -> int:
    """Move every exchange row uploaded after ``cutoff`` (a tail of exchange_ids) aside; return the count.

    The simulator assigns exchange_ids in upload order per table, so what was uploaded after the
    cutoff is exactly the rows from the first such exchange_id on — the ingestion cursor will see
    them as new when they come back.
    """
    moved = 0
    for source in sources:
        with psycopg.connect(source.resolved_url(), autocommit=True) as conn:
            conn.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(HOLDOUT_SCHEMA)))
            conn.execute(sql.SQL("create schema {}").format(sql.Identifier(HOLDOUT_SCHEMA)))
            for table in tables_of_kind(source.kind):
                name = sql.Identifier(table.name)
                split = conn.execute(
                    sql.SQL("select min(exchange_id) from exchange.{} where {} > %s").format(
                        name, _uploaded_at(_column_types(conn, table.name))
                    ),
                    (cutoff,),
                ).fetchone()[0]
                conn.execute(
                    sql.SQL("create table {}.{} as select * from exchange.{} where exchange_id >= %s").format(
                        sql.Identifier(HOLDOUT_SCHEMA), name, name
                    ),
                    (split if split is not None else 2**62,),
                )
                moved += conn.execute(
                    sql.SQL("delete from exchange.{} where exchange_id >= %s").format(name),
                    (split if split is not None else 2**62,),
                ).rowcount
                conn.execute(sql.SQL("vacuum analyze exchange.{}").format(name))
    return moved


def bring_back(sources: list[Source], until: datetime) -> int:
    """Put back the held rows uploaded up to ``until`` (again a range of exchange_ids); return the count.

    Called once per simulated day: the rows it puts back leave the held table."""
    restored = 0
    for source in sources:
        with psycopg.connect(source.resolved_url()) as conn:
            for table in tables_of_kind(source.kind):
                name = sql.Identifier(table.name)
                held = sql.SQL("{}.{}").format(sql.Identifier(HOLDOUT_SCHEMA), name)
                split = conn.execute(
                    sql.SQL("select min(exchange_id) from {} where {} > %s").format(
                        held, _uploaded_at(_column_types(conn, table.name))
                    ),
                    (until,),
                ).fetchone()[0]
                restored += conn.execute(
                    sql.SQL(
                        "with day as (delete from {} where exchange_id < %s returning *)"
                        " insert into exchange.{} select * from day order by exchange_id"
                    ).format(held, name),
                    (split if split is not None else 2**62,),
                ).rowcount
            conn.commit()
    return restored


# --------------------------------------------------------------------------------------------
# The floor: raw COPY + one set-based statement
# --------------------------------------------------------------------------------------------

FLOOR_SQL = """
create table case_status as
with cases as (
    -- current version of each acceptance as known at as_of
    select distinct on (source_name, case_no)
        source_name, case_no, power_code, (accepted_at at time zone 'Asia/Shanghai')::date as accepted_date
    from case_accepted
    where uploaded_at <= %(as_of)s and case_no is not null
    order by source_name, case_no, uploaded_at desc, exchange_id desc
),
completions as (
    select distinct on (source_name, case_no)
        source_name, case_no, (completed_at at time zone 'Asia/Shanghai')::date as completion_date
    from case_completed
    where uploaded_at <= %(as_of)s
    order by source_name, case_no, uploaded_at desc, exchange_id desc
),
power_versions as (
    select distinct on (source_name, power_code, version)
        source_name, power_code, version, status, effective_from, effective_to, promised_limit_wd,
        coalesce(is_risk_point, false) as is_risk_point
    from power_item
    where uploaded_at <= %(as_of)s
    order by source_name, power_code, version, uploaded_at desc, exchange_id desc
),
measured as (
    -- the power version in force on the acceptance date (else the latest), the date measured on
    select distinct on (cases.source_name, cases.case_no)
        cases.source_name, cases.case_no, cases.accepted_date, completions.completion_date,
        coalesce(completions.completion_date, %(as_of_date)s) as measured_on,
        power_versions.promised_limit_wd, power_versions.is_risk_point
    from cases
    left join completions using (source_name, case_no)
    left join power_versions using (source_name, power_code)
    order by cases.source_name, cases.case_no,
        (power_versions.status = 'confirmed' and power_versions.effective_from <= cases.accepted_date
         and (power_versions.effective_to is null or cases.accepted_date < power_versions.effective_to))
            desc nulls last,
        power_versions.version desc
),
suspensions as (
    select distinct on (source_name, case_no, suspension_seq)
        source_name, case_no,
        (started_at at time zone 'Asia/Shanghai')::date as started_on,
        (ended_at at time zone 'Asia/Shanghai')::date as ended_on
    from case_suspension
    where uploaded_at <= %(as_of)s
    order by source_name, case_no, suspension_seq, uploaded_at desc, exchange_id desc
),
bounded as (
    -- a suspension removes the WD d with start < d <= end; an open one runs to the measure date
    select suspensions.source_name, suspensions.case_no,
        greatest(suspensions.started_on, measured.accepted_date) as start_date,
        least(coalesce(suspensions.ended_on, measured.measured_on), measured.measured_on) as end_date
    from suspensions
    join measured using (source_name, case_no)
),
flagged as (
    select *,
        coalesce(start_date >= max(end_date) over (
            partition by source_name, case_no order by start_date, end_date
            rows between unbounded preceding and 1 preceding), true) as starts_period
    from bounded
    where end_date > start_date
),
periods as (
    select *, count(*) filter (where starts_period) over (
        partition by source_name, case_no order by start_date, end_date rows unbounded preceding) as period
    from flagged
),
suspended as (
    -- overlapping suspensions merged, so no WD is removed twice
    select merged.source_name, merged.case_no, sum(last_day.workday_number - first_day.workday_number) as wd
    from (
        select source_name, case_no, min(start_date) as start_date, max(end_date) as end_date
        from periods group by source_name, case_no, period
    ) as merged
    join calendar as first_day on first_day.calendar_date = merged.start_date
    join calendar as last_day on last_day.calendar_date = merged.end_date
    group by merged.source_name, merged.case_no
),
counted as (
    select measured.*,
        measured_day.workday_number - accepted_day.workday_number - coalesce(suspended.wd, 0) as elapsed_wd,
        accepted_day.workday_number + measured.promised_limit_wd + coalesce(suspended.wd, 0) as due_number
    from measured
    left join suspended using (source_name, case_no)
    left join calendar as accepted_day on accepted_day.calendar_date = measured.accepted_date
    left join calendar as measured_day on measured_day.calendar_date = measured.measured_on
)
select counted.source_name, counted.case_no, counted.elapsed_wd, due.calendar_date as promised_due_date,
    case
        when due.calendar_date is null then null
        when counted.completion_date < due.calendar_date then 'completed_early'
        when counted.completion_date = due.calendar_date then 'completed_on_time'
        when counted.completion_date is not null then 'completed_late'
        when %(as_of_date)s > due.calendar_date then 'overdue'
        when counted.promised_limit_wd - counted.elapsed_wd <= ceil(counted.promised_limit_wd
            * case when counted.is_risk_point then %(risk_share)s else %(share)s end) then 'approaching'
        else 'in_progress'
    end as status
from counted
left join calendar as due on due.is_workday and due.workday_number = counted.due_number
"""


def calendar_rows(last_year: int) -> list[tuple[date, bool]]:
    """The statutory calendar (chinese-calendar) with the project's reviewed overrides, Mon-Fri beyond."""
    import chinese_calendar

    overrides = {}
    with open(ROOT / "dbt" / "seeds" / "calendar_overrides.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            overrides[date.fromisoformat(row["calendar_date"])] = row["is_workday"].strip().lower() == "true"
    known_last = date(max(chinese_calendar.holidays).year, 12, 31)
    day, last = date(1970, 1, 1), date(max(last_year, known_last.year), 12, 31)
    rows = []
    while day <= last:
        if day in overrides:
            workday = overrides[day]
        elif date(2004, 1, 1) <= day <= known_last:
            workday = chinese_calendar.is_workday(day)
        else:
            workday = day.weekday() < 5
        rows.append((day, workday))
        day += timedelta(days=1)
    return rows


def run_floor(server: str, sources: list[Source], as_of: datetime, rec: Recorder, label: str = "") -> dict:
    pg.drop_database(server, FLOOR_DB)
    url = pg.ensure_database(server, FLOOR_DB)
    tables = tables_of_kind("department")
    with psycopg.connect(url, autocommit=True) as conn:
        for table in tables:
            cols = ", ".join(f"{c} {t}" for c, t in table.types().items())
            conn.execute(f"create table {table.name} (source_name text not null, {cols})")
        conn.execute("create table calendar (calendar_date date primary key, is_workday boolean not null)")

    departments = [s for s in sources if s.kind == "department"]
    copied = 0
    with rec.measure("floor COPY" + label) as m:
        for source in departments:
            with psycopg.connect(source.resolved_url()) as src, psycopg.connect(url) as dst:
                for table in tables:
                    all_text = _column_types(src, table.name)["uploaded_at"] == "text"
                    cols = sql.SQL(", ").join(map(sql.Identifier, table.all_columns))
                    out = sql.SQL("copy (select {}, {} from exchange.{}) to stdout").format(
                        sql.Literal(source.name), cols, sql.Identifier(table.name)
                    )
                    # A legacy all-text source: rows that do not type are skipped (PostgreSQL 17+).
                    into = sql.SQL("copy {} (source_name, {}) from stdin{}").format(
                        sql.Identifier(table.name), cols, sql.SQL(" with (on_error ignore)" if all_text else "")
                    )
                    with src.cursor() as rc, dst.cursor() as wc:
                        with rc.copy(out) as reader, wc.copy(into) as writer:
                            for block in reader:
                                writer.write(block)
                        copied += rc.rowcount
                dst.commit()
        m.extra["rows"] = copied
    with psycopg.connect(url, autocommit=True) as conn:
        params = {
            "as_of": as_of,
            "as_of_date": as_of.astimezone(SHANGHAI).date(),
            "share": 0.2,
            "risk_share": 0.5,
        }
        with rec.measure("floor SQL" + label) as m:
            # The calendar table with a running working-day number.
            with conn.cursor().copy("copy calendar (calendar_date, is_workday) from stdin") as copy:
                for row in calendar_rows(as_of.year + 2):
                    copy.write_row(row)
            conn.execute(
                "create table calendar_numbered as select calendar_date, is_workday,"
                " sum(is_workday::integer) over (order by calendar_date)::integer as workday_number from calendar"
            )
            conn.execute("drop table calendar")
            conn.execute("alter table calendar_numbered rename to calendar")
            conn.execute("analyze")
            conn.execute(FLOOR_SQL, params)
        m.extra["cases"] = conn.execute("select count(*) from case_status").fetchone()[0]
        statuses = dict(conn.execute("select coalesce(status, 'none'), count(*) from case_status group by 1"))
    return {"rows_copied": copied, "statuses": statuses}


# --------------------------------------------------------------------------------------------
# The pipeline
# --------------------------------------------------------------------------------------------


def dbt_model_times(warehouse_url: str) -> tuple[list[dict], dict]:
    """Per-node times of the last dbt invocation, from its run_results.json."""
    path = pipeline.dbt_target_dir(warehouse_url) / "target" / "run_results.json"
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, KeyError, ValueError):
        return [], {}
    nodes = [
        {"node": r["unique_id"], "seconds": round(r.get("execution_time") or 0.0, 3), "status": r.get("status")}
        for r in results
    ]
    nodes.sort(key=lambda n: -n["seconds"])
    totals: dict[str, float] = {}
    for n in nodes:
        kind = n["node"].split(".", 1)[0]
        totals[kind] = round(totals.get(kind, 0.0) + n["seconds"], 3)
    return nodes, totals


def explain_slowest(warehouse_url: str, nodes: list[dict], count: int) -> list[dict]:
    """EXPLAIN (ANALYZE, BUFFERS) of the compiled SQL of the ``count`` slowest models (runs them again)."""
    path = pipeline.dbt_target_dir(warehouse_url) / "target" / "run_results.json"
    try:
        compiled = {r["unique_id"]: r.get("compiled_code") for r in json.loads(path.read_text())["results"]}
    except (OSError, KeyError, ValueError):
        return []
    plans = []
    for node in [n for n in nodes if n["node"].startswith("model.")][:count]:
        code = compiled.get(node["node"])
        if not code:
            continue
        console.print(f"  [dim]{datetime.now():%H:%M:%S}[/] explain analyze {node['node']} …")
        with psycopg.connect(warehouse_url) as conn:
            # No parameters: the compiled SQL is sent as it is (a % in it is no placeholder).
            plan = [row[0] for row in conn.execute(sql.SQL("explain (analyze, buffers) ") + sql.SQL(code))]
        plans.append({"node": node["node"], "build_seconds": node["seconds"], "plan": plan})
    return plans


def dbt_build(rec: Recorder, name: str, warehouse_url: str, as_of: datetime, extra: list[str] | None = None) -> dict:
    with rec.measure(name) as m:
        result = pipeline.run_dbt(warehouse_url, as_of, extra=["--quiet", *(extra or [])])
        m.extra.update(success=result.success, nodes=result.nodes, failures=result.failures[:10])
    nodes, totals = dbt_model_times(warehouse_url)
    m.extra["node_seconds_by_type"] = totals
    if not result.success:
        console.print(f"  [red]dbt failed ({len(result.failures)}):[/] " + "; ".join(result.failures[:3]))
    return {"nodes": nodes, "totals": totals}


def ingest(rec: Recorder, name: str, warehouse_url: str, sources: list[Source]) -> None:
    with rec.measure(name) as m:
        run_id = pipeline.prepare_warehouse(warehouse_url, sources)
        results = pipeline.ingest_all(warehouse_url, sources, run_id)
    departments = [r for r in results if r.kind == "department"]
    m.extra.update(
        source_rows=sum(r.source_rows for r in results),
        loaded=sum(r.loaded for r in results),
        quarantined=sum(r.quarantined for r in results),
        department_rows=sum(r.source_rows for r in departments),
        department_seconds=round(sum(r.seconds for r in departments), 3),
        failed_sources=[f"{r.source}: {r.error}" for r in results if r.error],
    )


def expectations(rec: Recorder, name: str, warehouse_url: str, as_of: datetime) -> None:
    with rec.measure(name) as m:
        try:
            with contextlib.redirect_stderr(io.StringIO()):  # GX's progress bars
                outcomes = pipeline.run_expectations(warehouse_url, as_of)
            m.extra["suites"] = [o.describe() for o in outcomes]
        except Exception as exc:  # a broken suite must not end the benchmark; it is reported
            m.extra["error"] = f"{type(exc).__name__}: {exc}"[:500]
            console.print(f"  [red]expectations failed:[/] {m.extra['error']}")


def mart_statuses(warehouse_url: str) -> dict:
    try:
        with psycopg.connect(warehouse_url) as conn:
            return dict(conn.execute("select coalesce(status, 'none'), count(*) from marts.case_timeliness group by 1"))
    except psycopg.Error:
        return {}


CASE_HISTORIES = (
    "stg_exchange__case_acceptance_versions",
    "stg_exchange__case_completion_versions",
    "stg_exchange__case_node_versions",
    "stg_exchange__case_suspension_versions",
    "stg_exchange__case_extension_versions",
)


def warehouse_mb(warehouse_url: str) -> int:
    """The warehouse's size on disk after the full build (a city-year needs its disk)."""
    with psycopg.connect(warehouse_url) as conn:
        return round(conn.execute("select pg_database_size(current_database())").fetchone()[0] / 2**20)


def daily_scope(warehouse_url: str, since: datetime, until: datetime) -> dict:
    """What the daily run had to recompute at least (untimed): the cases one day of uploads touched
    (a version of any of their records uploaded in (since, until]), and the open cases, whose
    elapsed WD and status move with the evaluation date."""
    touched = sql.SQL(" union ").join(
        sql.SQL(
            "select department_code, case_no from staging.{} where uploaded_at > %(since)s and uploaded_at <= %(until)s"
        ).format(sql.Identifier(table))
        for table in CASE_HISTORIES
    )
    with psycopg.connect(warehouse_url) as conn:
        cases, open_cases = conn.execute(
            "select count(*), count(*) filter (where not is_completed) from intermediate.int_cases_measured"
        ).fetchone()
        touched_cases = conn.execute(
            sql.SQL("select count(*) from ({}) as touched").format(touched), {"since": since, "until": until}
        ).fetchone()[0]
    return {"cases": cases, "touched_cases": touched_cases, "open_cases": open_cases}


# --------------------------------------------------------------------------------------------
# One size
# --------------------------------------------------------------------------------------------


def run_size(server: str, cases: int, args, sampler: MemorySampler) -> dict:
    rec = Recorder(sampler)
    end = simulate.DEFAULT_END
    # Two days held back: the first daily run after a full build also pays one-off costs (the
    # indexes only daily runs need, the first reads of freshly written tables); the second is the
    # steady state a deployment lives in, and the one judged against the target.
    as_of_full = datetime.combine(end - timedelta(days=2), datetime.min.time(), SHANGHAI).replace(hour=DAILY_RUN_HOUR)
    as_of_first = as_of_full + timedelta(days=1)
    as_of_next = as_of_first + timedelta(days=1)
    sources_file = BENCH_DIR / "home" / f"sources-{cases}.yml"
    out: dict = {
        "cases": cases,
        "as_of_full": as_of_full.isoformat(),
        "as_of_first_daily": as_of_first.isoformat(),
        "as_of_next": as_of_next.isoformat(),
        # Others may commit while a run lasts: each size records the code it measured.
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "code_fingerprint": code_fingerprint(("dbt/models", "dbt/macros", "dbt/seeds", "esup", "expectations")),
    }
    console.rule(f"[bold]{cases:,} cases")

    with rec.measure("simulate") as m:
        summary = simulate.simulate(
            server, sources_file, cases=cases, seed=args.seed, start=simulate.DEFAULT_START, end=end, progress=False
        )
        m.extra.update(total_rows=summary["total_rows"])
    sources = load_sources(sources_file)
    department_rows = {
        table: sum(s["rows"].get(table, 0) for s in summary["sources"].values() if s["kind"] == "department")
        for table in TABLES_BY_NAME
        if TABLES_BY_NAME[table].kind == "department"
    }
    out["simulated_rows"] = {"total": summary["total_rows"], "department_tables": department_rows}

    with rec.measure("hold back the last two days") as m:
        m.extra["rows_held_back"] = hold_back(sources, as_of_full)

    warehouse_url = pg.ensure_database(server, WAREHOUSE_DB)
    # dbt parses the project once, untimed, so every timed build uses partial parsing as daily runs do.
    pipeline.run_dbt(warehouse_url, as_of_full, command="parse", extra=["--quiet"])
    phases = set(args.phases)
    if args.reduced_from and cases >= args.reduced_from:
        phases &= set(REDUCED_PHASES)
    out["phases"] = sorted(phases)
    try:
        if "floor" in phases:
            out["floor"] = run_floor(server, sources, as_of_full, rec)
        if phases & {"ingest", "dbt", "timeliness", "incremental", "expectations"}:
            ingest(rec, "ingestion", warehouse_url, sources)
            if not phases & {"floor", "incremental"}:
                # Nothing reads the sources again: their disk goes to the warehouse (at 10M cases
                # 56 GB of warehouse against 9.5 GB of sources, with about 70 GB free here).
                for source in sources:
                    pg.drop_database(server, simulate.database_name(source.name))
        if phases & {"dbt", "timeliness", "incremental", "expectations"}:
            out["dbt_full"] = dbt_build(rec, "dbt build (full)", warehouse_url, as_of_full)
            out["mart_statuses"] = mart_statuses(warehouse_url)
            out["warehouse_mb"] = warehouse_mb(warehouse_url)
            if args.explain and cases == max(args.sizes):
                out["explain"] = explain_slowest(warehouse_url, out["dbt_full"]["nodes"], args.explain)
            if "floor" in out:
                console.print(f"  statuses: floor {_statuses(out['floor']['statuses'])}")
                console.print(f"            mart  {_statuses(out['mart_statuses'])}")
        if "expectations" in phases:
            expectations(rec, "expectations", warehouse_url, as_of_full)
        if "report" in phases and "dbt_full" in out:
            with rec.measure("annual report (every department)") as m:
                from esup import report

                files = report.write_annual_reports(warehouse_url, as_of_full.year, BENCH_DIR / "reports")
                m.extra["files"] = len(files)
        if "floor" in out and {"ingest", "dbt", "expectations"} <= phases:
            # The machine's speed varies within minutes: the floor again, after the esup run it bounds.
            out["floor_again"] = run_floor(server, sources, as_of_full, rec, AGAIN)
        if "timeliness" in phases:
            out["dbt_timeliness"] = dbt_build(
                rec, "dbt build (timeliness models)", warehouse_url, as_of_full, TIMELINESS_SELECT
            )
        if "incremental" in phases:
            with rec.measure("bring back the first day") as m:
                m.extra["rows_new"] = bring_back(sources, as_of_first)
            ingest(rec, "first daily ingestion", warehouse_url, sources)
            out["dbt_first_daily"] = dbt_build(rec, "first daily dbt build", warehouse_url, as_of_first)
            if "expectations" in phases:
                expectations(rec, "first daily expectations", warehouse_url, as_of_first)
            with rec.measure("bring back the second day") as m:
                m.extra["rows_new"] = bring_back(sources, as_of_next)
            ingest(rec, "incremental ingestion", warehouse_url, sources)
            out["dbt_incremental"] = dbt_build(rec, "incremental dbt build", warehouse_url, as_of_next)
            out["daily_scope"] = daily_scope(warehouse_url, as_of_first, as_of_next)
            if "expectations" in phases:
                expectations(rec, "incremental expectations", warehouse_url, as_of_next)
    finally:
        pg.drop_database(server, FLOOR_DB)
        pg.drop_database(server, WAREHOUSE_DB)
        for source in sources:
            pg.drop_database(server, simulate.database_name(source.name))
    out["measures"] = {name: m.as_dict() for name, m in rec.measures.items()}
    out["figures"] = figures(out)
    return out


def load_range(result: dict) -> str:
    loads = [m["load_average_1min_before"] for m in result["measures"].values() if "load_average_1min_before" in m]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else "—"


def _statuses(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))


def _seconds(result: dict, name: str) -> float | None:
    measure = result["measures"].get(name)
    return measure["seconds"] if measure else None


def _sum(*values: float | None) -> float | None:
    return None if any(v is None for v in values) else sum(values)


def _mean(*values: float | None) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _model_seconds(build: dict | None, models: tuple[str, ...]) -> float | None:
    """Summed execution time of these models in one dbt build (None when the build did not run)."""
    if not build or not build.get("nodes"):
        return None
    wanted = {f"model.esup.{name}" for name in models}
    return round(sum(n["seconds"] for n in build["nodes"] if n["node"] in wanted), 2)


def _nodes_share(build: dict | None, names: tuple[str, ...], key: str) -> dict:
    """Summed time of these nodes (models, seeds and the data tests on them) in one build, and their
    share of every other node's summed time: what they add to the build."""
    if not build or not build.get("nodes"):
        return {}
    wanted = set(names)

    def is_part(node: str) -> bool:
        kind, _, rest = node.partition(".esup.")
        if kind in ("model", "seed"):
            return rest in wanted
        # a data test's id names its model (not the staging model of the same entity)
        return kind == "test" and any(name in rest and f"exchange__{name}" not in rest for name in wanted)

    part = sum(n["seconds"] for n in build["nodes"] if is_part(n["node"]))
    total = sum(n["seconds"] for n in build["nodes"])
    return {
        f"{key}_node_s": round(part, 2),
        f"{key}_pct": round(100 * part / (total - part), 1) if total > part else None,
    }


def _scope_figures(scope: dict | None) -> dict:
    if not scope or not scope["cases"]:
        return {}
    return {
        "daily_touched_cases": scope["touched_cases"],
        "daily_touched_pct": round(100 * scope["touched_cases"] / scope["cases"], 1),
        "daily_open_pct": round(100 * scope["open_cases"] / scope["cases"], 1),
    }


def figures(result: dict) -> dict:
    """The headline figures of one size."""
    ms = result["measures"]
    s = lambda name: _seconds(result, name)  # noqa: E731
    # The floor's figures are the mean of its two measures, before and after the esup run.
    copy_s, sql_s = _mean(s("floor COPY"), s("floor COPY" + AGAIN)), _mean(s("floor SQL"), s("floor SQL" + AGAIN))
    floor = _sum(copy_s, sql_s)
    run = _sum(s("ingestion"), s("dbt build (full)"), s("expectations"))
    ingest_dbt = _sum(s("ingestion"), s("dbt build (full)"))
    incremental = _sum(s("incremental ingestion"), s("incremental dbt build"))
    incremental_run = _sum(incremental, s("incremental expectations"))
    first_daily = _sum(s("first daily ingestion"), s("first daily dbt build"))
    fig: dict = {
        "simulate_s": s("simulate"),
        "floor_s": floor,
        "floor_copy_s": copy_s,
        "floor_sql_s": sql_s,
        "floor_first_s": _sum(s("floor COPY"), s("floor SQL")),
        "floor_again_s": _sum(s("floor COPY" + AGAIN), s("floor SQL" + AGAIN)),
        "ingestion_s": s("ingestion"),
        "dbt_full_s": s("dbt build (full)"),
        "expectations_s": s("expectations"),
        "esup_run_s": run,
        "timeliness_models_s": s("dbt build (timeliness models)"),
        "annual_report_s": s("annual report (every department)"),
        "incremental_s": incremental,
        "incremental_pct": round(100 * incremental / ingest_dbt, 1) if incremental and ingest_dbt else None,
        "incremental_dbt_pct": (
            round(100 * s("incremental dbt build") / s("dbt build (full)"), 1)
            if s("incremental dbt build") and s("dbt build (full)")
            else None
        ),
        "incremental_run_pct": round(100 * incremental_run / run, 1) if incremental_run and run else None,
        "first_daily_s": first_daily,
        "first_daily_pct": round(100 * first_daily / ingest_dbt, 1) if first_daily and ingest_dbt else None,
        "timeliness_full_model_s": _model_seconds(result.get("dbt_full"), TIMELINESS_MODELS),
        "timeliness_daily_model_s": _model_seconds(result.get("dbt_incremental"), TIMELINESS_MODELS),
        **_scope_figures(result.get("daily_scope")),
        **_nodes_share(result.get("dbt_full"), SCORING_NODES, "scoring"),
        **_nodes_share(result.get("dbt_full"), WORKFLOW_NODES, "workflow"),
        "run_vs_floor": round(run / floor, 2) if run and floor else None,
        "peak_memory_mb": max((m["peak_pss_mb"] for m in ms.values()), default=None),
        "peak_memory_pipeline_mb": max(
            (m["peak_pss_mb"] for k, m in ms.items() if not k.startswith(("simulate", "floor", "hold", "bring"))),
            default=None,
        ),
    }
    if fig["timeliness_full_model_s"] and fig["timeliness_daily_model_s"] is not None:
        fig["timeliness_daily_pct"] = round(100 * fig["timeliness_daily_model_s"] / fig["timeliness_full_model_s"], 1)
    if "floor COPY" in ms and copy_s:
        fig["copy_rows_per_s"] = round(ms["floor COPY"]["rows"] / copy_s)
    if "ingestion" in ms and ms["ingestion"]["seconds"]:
        ing = ms["ingestion"]
        fig["ingest_rows_per_s"] = round(ing["source_rows"] / ing["seconds"])
        if ing["department_seconds"]:
            # Sources may be ingested in parallel: this is per second of one source's own clock.
            fig["ingest_department_rows_per_source_second"] = round(ing["department_rows"] / ing["department_seconds"])
        if fig.get("copy_rows_per_s"):
            fig["ingest_vs_copy"] = round(fig["ingest_rows_per_s"] / fig["copy_rows_per_s"], 2)
    return fig


# --------------------------------------------------------------------------------------------
# Targets, tables, files
# --------------------------------------------------------------------------------------------

LINEAR_MEASURES = {
    "floor_s": "floor",
    "ingestion_s": "ingestion",
    "dbt_full_s": "dbt build (full)",
    "timeliness_models_s": "timeliness models",
    "esup_run_s": "esup run (ingest+dbt+GX)",
}


def linearity(results: list[dict]) -> list[dict]:
    """Time per case of every size against the smallest, within ±20 %."""
    rows = []
    if len(results) < 2:
        return rows
    base = results[0]
    for key, label in LINEAR_MEASURES.items():
        b = base["figures"].get(key)
        if not b:
            continue
        for r in results[1:]:
            v = r["figures"].get(key)
            if v is None:
                continue
            ratio = (v / b) / (r["cases"] / base["cases"])
            rows.append(
                {
                    "measure": label,
                    "from": base["cases"],
                    "to": r["cases"],
                    "time_ratio": round(v / b, 2),
                    "size_ratio": round(r["cases"] / base["cases"], 2),
                    "vs_proportional": round(ratio, 2),
                    "pass": abs(ratio - 1) <= LINEAR_TOLERANCE,
                }
            )
    return rows


def targets(results: list[dict], linear: list[dict]) -> list[dict]:
    big = results[-1]
    f = big["figures"]
    size = f"{big['cases']:,} cases"
    at_1m = big["cases"] == 1_000_000
    out = []

    def add(target, value, verdict, note=""):
        out.append({"target": target, "measured": value, "result": verdict, "note": note})

    if f.get("esup_run_s") and f.get("floor_s"):
        limit = 5 * f["floor_s"]
        add(
            "whole esup run on 1M ≤ 5× floor",
            f"{f['esup_run_s']:.1f} s = {f['run_vs_floor']}× floor ({f['floor_s']:.1f} s)",
            ("PASS" if f["esup_run_s"] <= limit else "FAIL") + ("" if at_1m else f" (at {size})"),
            "ingest + dbt build + expectations; floor measured in the same run, before and after it (mean)",
        )
    else:
        add("whole esup run on 1M ≤ 5× floor", "—", "not measured")
    if f.get("esup_run_s") and big["cases"] >= 10_000_000:
        add(
            "10M cases < 15 min end to end",
            f"{f['esup_run_s'] / 60:.1f} min at {size}",
            "PASS" if f["esup_run_s"] < 900 else "FAIL",
            "ingest + dbt build + expectations; simulation excluded",
        )
    elif f.get("esup_run_s"):
        ten_m = f["esup_run_s"] / big["cases"] * 10_000_000
        add(
            "10M cases < 15 min end to end",
            f"≈ {ten_m / 60:.1f} min (extrapolated linearly from {size})",
            "PASS (extrapolated)" if ten_m < 900 else "FAIL (extrapolated)",
            "simulation excluded; not run at 10M",
        )
    if f.get("ingest_vs_copy") is not None:
        add(
            "ingestion ≥ 0.7× raw COPY rows/s",
            f"{f['ingest_rows_per_s']:,} rows/s vs COPY {f['copy_rows_per_s']:,} rows/s = {f['ingest_vs_copy']}×",
            ("PASS" if f["ingest_vs_copy"] >= 0.7 else "FAIL") + f" (at {size})",
            "prepare + ingest_all of every source, rows = source rows",
        )
    if linear:
        bad = [r for r in linear if not r["pass"]]
        add(
            "growth linear within ±20 %",
            "; ".join(f"{r['measure']} {r['from']:,}→{r['to']:,}: {r['vs_proportional']}×" for r in linear),
            "PASS" if not bad else f"FAIL ({len(bad)} of {len(linear)})",
            "time ratio / size ratio against the smallest size",
        )
    else:
        add("growth linear within ±20 %", "—", "not measured (one size)")
    if f.get("incremental_pct") is not None:
        add(
            "daily incremental run < 5 % of the full build",
            f"{f['incremental_pct']} % (ingest+dbt); dbt alone {f['incremental_dbt_pct']} %",
            ("PASS" if f["incremental_pct"] < 5 else "FAIL") + f" (at {size})",
            "one day of uploads, the second daily run after the full build (the first: "
            + (f"{f['first_daily_s']:.1f} s, {f['first_daily_pct']} %)" if f.get("first_daily_pct") else "not run)")
            + (
                f"; it touched {f['daily_touched_cases']:,} cases ({f['daily_touched_pct']} %),"
                f" and {f['daily_open_pct']} % of the cases are open"
                if f.get("daily_touched_cases") is not None
                else ""
            )
            + _daily_floor_text(results),
        )
    if f.get("timeliness_daily_pct") is not None:
        add(
            "daily incremental run < 5 % — the timeliness models alone (issue 3)",
            f"{f['timeliness_daily_pct']} %: {f['timeliness_daily_model_s']} s of model time in the daily run"
            f" vs {f['timeliness_full_model_s']} s in the full build",
            ("PASS" if f["timeliness_daily_pct"] < 5 else "FAIL") + f" (at {size})",
            "summed model time of " + ", ".join(TIMELINESS_MODELS) + _daily_floor_text(results, models=True),
        )
    if f.get("scoring_pct") is not None:
        add(
            "scores and annual figures (P1-P3) ≤ 10 % added to a 1M full build",
            f"{f['scoring_node_s']} s of node time, {f['scoring_pct']} % of the rest of the build's",
            ("PASS" if f["scoring_pct"] <= 10 else "FAIL") + ("" if at_1m else f" (at {size})"),
            "summed dbt node time (models, seed, data tests) of " + ", ".join(SCORING_NODES),
        )
    if f.get("workflow_pct") is not None:
        add(
            "workflow models (W1-W3) ≤ 5 % added to a 1M full build",
            f"{f['workflow_node_s']} s of node time, {f['workflow_pct']} % of the rest of the build's",
            ("PASS" if f["workflow_pct"] <= 5 else "FAIL") + ("" if at_1m else f" (at {size})"),
            "summed dbt node time (models and data tests) of " + ", ".join(WORKFLOW_NODES),
        )
    if f.get("annual_report_s") is not None:
        add(
            "esup report annual for every department < 2 min",
            f"{f['annual_report_s']:.1f} s for {ms_files(results[-1])} files",
            ("PASS" if f["annual_report_s"] < 120 else "FAIL") + ("" if at_1m else f" (at {size})"),
            "report.write_annual_reports for the evaluation year: one PDF per department and the city workbook",
        )
    add("dashboard chart queries at 1M p95 < 1 s", "—", "not measured here", "")
    if f.get("peak_memory_pipeline_mb") is not None:
        add(
            "peak memory of a 1M run < 4 GB",
            f"{f['peak_memory_pipeline_mb']:,} MB PSS (PostgreSQL + Python incl. dbt, GX)",
            ("PASS" if f["peak_memory_pipeline_mb"] < 4096 else "FAIL") + ("" if at_1m else f" (at {size})"),
            "Airflow not running in this benchmark",
        )
    add("make demo < 10 min / make test < 30 min", "—", "not measured here", "")
    return out


def ms_files(result: dict) -> int:
    return result["measures"]["annual report (every department)"].get("files", 0)


def _daily_floor_text(results: list[dict], models: bool = False) -> str:
    """What the smallest size's daily run costs against the largest's full build (with models=True:
    the timeliness models' summed time). A small city's daily run has little data to compute, so it
    comes close to the least any daily run costs."""
    small, big = results[0]["figures"], results[-1]["figures"]
    if models:
        daily, full, what = small.get("timeliness_daily_model_s"), big.get("timeliness_full_model_s"), "their"
    else:
        daily, full, what = small.get("incremental_s"), _sum(big["ingestion_s"], big["dbt_full_s"]), "the"
    if len(results) < 2 or not daily or not full:
        return ""
    return (
        f"; at {results[0]['cases']:,} cases, with a fraction of this data to compute, {what} daily run took"
        f" {daily:.1f} s = {100 * daily / full:.1f} % of {what} full build at {results[-1]['cases']:,}"
    )


def fmt_s(v: float | None) -> str:
    return "—" if v is None else f"{v:,.1f}"


SUMMARY_COLUMNS = (
    ("cases", lambda r: f"{r['cases']:,}"),
    ("simulate s", lambda r: fmt_s(r["figures"]["simulate_s"])),
    ("floor s (COPY+SQL) [before → after]", lambda r: _floor_text(r["figures"])),
    ("ingestion s", lambda r: fmt_s(r["figures"]["ingestion_s"])),
    ("ingest/COPY rows/s", lambda r: _ratio_text(r["figures"].get("ingest_vs_copy"))),
    ("dbt full s", lambda r: fmt_s(r["figures"]["dbt_full_s"])),
    ("GX s", lambda r: fmt_s(r["figures"]["expectations_s"])),
    ("esup run s (×floor)", lambda r: _run_text(r["figures"])),
    ("timeliness models s", lambda r: fmt_s(r["figures"]["timeliness_models_s"])),
    ("incremental s (% full)", lambda r: _incremental_text(r["figures"])),
    ("peak MB pipeline (all)", lambda r: _peak_text(r["figures"])),
)


def _peak_text(f: dict) -> str:
    if f["peak_memory_mb"] is None:
        return "—"
    return f"{f['peak_memory_pipeline_mb'] or 0:,} ({f['peak_memory_mb']:,})"


def _ratio_text(v: float | None) -> str:
    return "—" if v is None else f"{v}×"


def _floor_text(f: dict) -> str:
    if f["floor_s"] is None:
        return "—"
    text = f"{f['floor_s']:.1f} ({f['floor_copy_s']:.1f}+{f['floor_sql_s']:.1f})"
    if f.get("floor_again_s") is not None:
        text += f" [{f['floor_first_s']:.1f} → {f['floor_again_s']:.1f}]"
    return text


def _run_text(f: dict) -> str:
    if f["esup_run_s"] is None:
        return "—"
    return f"{f['esup_run_s']:.1f}" + (f" ({f['run_vs_floor']}×)" if f["run_vs_floor"] else "")


def _incremental_text(f: dict) -> str:
    if f["incremental_s"] is None:
        return "—"
    return f"{f['incremental_s']:.1f} ({f['incremental_pct']} %)"


def slowest_models(result: dict, key: str = "dbt_full", n: int = 10) -> list[dict]:
    nodes = result.get(key, {}).get("nodes", [])
    return [node for node in nodes if node["node"].startswith("model.")][:n]


def print_report(report: dict) -> None:
    m = report["machine"]
    console.rule("[bold]results")
    console.print(
        f"machine: {m['nproc']} cores, {m['memory_gb']} GB, {m['cpu_model']}; PostgreSQL {m['postgresql']}; "
        f"dbt-core {m['dbt_core']}; git {m['git_commit']}"
    )
    table = Table(title="timeliness benchmark (wall seconds)")
    for name, _ in SUMMARY_COLUMNS:
        table.add_column(name, justify="right")
    for r in report["results"]:
        table.add_row(*(fn(r) for _, fn in SUMMARY_COLUMNS))
    console.print(table)
    console.print(
        "1-minute load average before each measure: "
        + "; ".join(f"{r['cases']:,}: {load_range(r)}" for r in report["results"])
    )

    if report["linearity"]:
        lin = Table(title="growth against the smallest size (1.00 = proportional)")
        for col in ("measure", "sizes", "time ratio", "size ratio", "vs proportional", "±20 %"):
            lin.add_column(col, justify="right" if col != "measure" else "left")
        for r in report["linearity"]:
            lin.add_row(
                r["measure"],
                f"{r['from']:,}→{r['to']:,}",
                str(r["time_ratio"]),
                str(r["size_ratio"]),
                str(r["vs_proportional"]),
                "[green]pass[/]" if r["pass"] else "[red]fail[/]",
            )
        console.print(lin)

    tt = Table(title="TARGETS.md")
    for col in ("target", "measured", "result"):
        tt.add_column(col)
    for t in report["targets"]:
        colour = "green" if t["result"].startswith("PASS") else "red" if t["result"].startswith("FAIL") else "dim"
        tt.add_row(t["target"], t["measured"], f"[{colour}]{t['result']}[/]")
    console.print(tt)

    big = report["results"][-1]
    slow = Table(title=f"slowest dbt models, full build at {big['cases']:,} cases")
    slow.add_column("model")
    slow.add_column("s", justify="right")
    for node in slowest_models(big):
        slow.add_row(node["node"].removeprefix("model.esup."), f"{node['seconds']:.1f}")
    console.print(slow)


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"# Timeliness benchmark — {report['date']}",
        "",
        f"`{report['command']}`",
        "",
        *(
            []
            if report.get("complete", True)
            else [f"**Partial run**: {len(report['results'])} of {len(report['sizes'])} sizes measured.", ""]
        ),
        f"Machine: {m['nproc']} cores ({m['nproc_available']} available), {m['memory_gb']} GB, {m['cpu_model']}; "
        f"PostgreSQL {m['postgresql']} (the project's embedded server and settings: "
        + ", ".join(f"{k}={v}" for k, v in sorted(m["postgresql_settings"].items()))
        + f"); Python {m['python']}; dbt-core {m['dbt_core']}; git {m['git_commit']}"
        + (" (with uncommitted changes in dbt/ or esup/)" if m["uncommitted"] else "")
        + ".",
        "",
        "Wall seconds. Floor = raw COPY of the department sources + one set-based SQL statement (TARGETS.md). "
        "esup run = ingestion (prepare + ingest_all) + dbt build (full project) + Great Expectations. "
        "Incremental = ingestion + dbt build of the next day's run after one day of uploads, "
        "as % of the full ingestion + dbt build. Peak memory = summed PSS of the benchmark process "
        "(dbt and GX run in it) and every process of its PostgreSQL.",
        "",
        "| " + " | ".join(name for name, _ in SUMMARY_COLUMNS) + " |",
        "|" + "---:|" * len(SUMMARY_COLUMNS),
    ]
    for r in report["results"]:
        lines.append("| " + " | ".join(fn(r) for _, fn in SUMMARY_COLUMNS) + " |")
    lines += [
        "",
        "1-minute load average before each measure (2 cores; other sessions share the machine): "
        + "; ".join(f"{r['cases']:,}: {load_range(r)}" for r in report["results"])
        + ".",
    ]
    if any(r.get("warehouse_mb") for r in report["results"]):
        lines += [
            "",
            "Warehouse database after the full build: "
            + "; ".join(f"{r['cases']:,}: {r['warehouse_mb']:,} MB" for r in report["results"] if r.get("warehouse_mb"))
            + ".",
        ]
    if len({r["code_fingerprint"] for r in report["results"]}) > 1:
        lines += [
            "",
            "**Warning**: the models or the package changed during this run (commit / fingerprint per size: "
            + ", ".join(f"{r['cases']:,}: {r['git_commit']}/{r['code_fingerprint']}" for r in report["results"])
            + "); sizes are not comparable.",
        ]
    lines += ["", "## TARGETS.md", "", "| target | measured | result | note |", "|---|---|---|---|"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['result']} | {t['note']} |")
    if report["linearity"]:
        lines += [
            "",
            "## Growth (time per case against the smallest size; 1.00 = proportional)",
            "",
            "| measure | sizes | time ratio | size ratio | vs proportional | ±20 % |",
            "|---|---|---:|---:|---:|---|",
        ]
        for r in report["linearity"]:
            lines.append(
                f"| {r['measure']} | {r['from']:,}→{r['to']:,} | {r['time_ratio']} | {r['size_ratio']} | "
                f"{r['vs_proportional']} | {'pass' if r['pass'] else 'fail'} |"
            )
    big = report["results"][-1]
    lines += [
        "",
        f"## Slowest dbt models, full build at {big['cases']:,} cases",
        "",
        "| model | s |",
        "|---|---:|",
    ]
    for node in slowest_models(big):
        lines.append(f"| {node['node'].removeprefix('model.esup.')} | {node['seconds']:.1f} |")
    for plan in big.get("explain", []):
        lines += [
            "",
            f"### EXPLAIN (ANALYZE, BUFFERS) {plan['node'].removeprefix('model.esup.')} "
            f"(built in {plan['build_seconds']:.1f} s; first {EXPLAIN_LINES} lines, whole plan in the JSON)",
            "",
            "```",
            *plan["plan"][:EXPLAIN_LINES],
            "```",
        ]
    lines += ["", "## Method", ""] + [f"- {note}" for note in report["method"]]
    for r in report["results"]:
        if set(r.get("phases", PHASES)) != set(PHASES):
            lines.append(f"- At {r['cases']:,} cases only these were measured: {', '.join(r['phases'])}.")
    return "\n".join(lines) + "\n"


METHOD = [
    "Each size is simulated (seed fixed, 2026-06-01 to 2026-11-20) on the benchmark's own PostgreSQL; "
    "the exchange databases, the floor database and the warehouse are dropped before the next size. "
    "A run that measures neither the floor nor the daily runs drops the exchange databases right after "
    "the ingestion: nothing reads them again, and at 10M cases the warehouse needs their disk.",
    "Daily runs: before anything is measured, every exchange row uploaded after 2026-11-18 19:00 is moved "
    "aside. Floor, ingestion, full dbt build and expectations run at as_of 2026-11-18T19:00+08:00 on the "
    "rest. Then the rows uploaded up to 2026-11-19 19:00 are put back (exchange_ids keep upload order, so "
    "the ingestion cursor sees exactly them as new) and the first daily run (ingest + dbt build + "
    "expectations) runs at as_of 2026-11-19T19:00+08:00. It pays one-off costs: the indexes only daily runs "
    "use, and the first reads of the tables the full build wrote. The same is done for the rows up to "
    "2026-11-20 19:00: that second daily run, at as_of 2026-11-20T19:00+08:00, is the steady state and the "
    "'incremental' figure; the first is reported beside it.",
    "Floor: psycopg COPY out of each department source's eight exchange tables into typed tables of another "
    "database (the all-text legacy source with ON_ERROR ignore), then a calendar table with a running "
    "working-day number (chinese-calendar + the override seed) and one CREATE TABLE AS statement: current "
    "versions, the power version in force, overlapping suspensions merged, promised due date, elapsed WD and "
    "T5/T6 status. Its status counts are stored beside the mart's for comparison. It is measured twice, "
    "before the ingestion and after the expectations, and its figures are the mean of both: the esup run "
    "lies between the two. The two differed by up to a quarter while the server still vacuumed the tables a "
    "build had just written (ADR 0006), by a tenth at most since.",
    "Timeliness models alone: dbt build --select path:models/intermediate/timeliness "
    "path:models/intermediate/calendar case_timeliness node_timeliness --full-refresh (models and their "
    "tests, built whole: they are incremental, ADR 0006), after the full build, same as_of. In the daily run "
    "the same models' summed execution time is compared with their time in the full build.",
    "Daily scope (untimed, after the daily run): the cases with a version of any of their records uploaded "
    "in the day, and the open cases (their elapsed WD and status move with the evaluation date); the least a "
    "daily run recomputes.",
    "Peak memory: PSS summed over the benchmark's Python process, its children and every process of its "
    "PostgreSQL, sampled every 0.25 s; 'pipeline' excludes the simulation and the floor.",
    "Other sessions may run tests on the same machine; each measure records the 1-minute load average "
    "before it started (JSON).",
]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,300000,1000000", help="comma-separated case counts")
    parser.add_argument("--quick", action="store_true", help="one size of 20,000 cases")
    parser.add_argument("--seed", type=int, default=simulate.DEFAULT_SEED)
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"what to measure, comma-separated from {','.join(PHASES)} (ingestion always runs before dbt)",
    )
    parser.add_argument(
        "--reduced-from",
        type=int,
        metavar="CASES",
        help=f"sizes from CASES on measure only {','.join(REDUCED_PHASES)} (one dbt build instead of three)",
    )
    parser.add_argument(
        "--explain",
        type=int,
        default=0,
        metavar="N",
        help="at the largest size, EXPLAIN ANALYZE the N slowest models after the full build (untimed)",
    )
    parser.add_argument("--port", type=int, help="port of the benchmark's PostgreSQL (default: a free one)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [20_000] if args.quick else sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    except ValueError:
        parser.error("--sizes takes comma-separated integers")
    args.phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(args.phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM (and SIGINT, which a shell ignores for background jobs) still stop the server.
    stop_on_signals()
    data_dir = BENCH_DIR / "data"
    if data_dir.exists() and pg.is_running(data_dir):
        console.print(f"[red]a benchmark PostgreSQL is already running in {data_dir}; stop it first[/]")
        return 2
    shutil.rmtree(BENCH_DIR, ignore_errors=True)
    port = args.port or free_port()
    command = "python benchmarks/timeliness.py " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.perf_counter()
    sampler = MemorySampler(data_dir)
    try:
        console.print(f"starting the benchmark's PostgreSQL in {data_dir.relative_to(ROOT)} on port {port}")
        server = pg.start(data_dir, port)
        sampler.start()
        # Imported once, untimed: a scheduled run has its libraries loaded, the first size should not pay it.
        import great_expectations  # noqa: F401

        report = {
            "date": date.today().isoformat(),
            "started_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
            "command": command.strip(),
            "sizes": args.sizes,
            "phases": args.phases,
            "reduced_from": args.reduced_from,
            "seed": args.seed,
            "machine": machine(server, ("dbt", "esup")),
            "method": METHOD,
            "results": [],
        }
        label = "-".join(size_label(c) for c in args.sizes)
        for cases in args.sizes:
            report["results"].append(run_size(server, cases, args, sampler))
            # Written after every size, so an interrupted run keeps what it measured.
            report["linearity"] = linearity(report["results"])
            report["targets"] = targets(report["results"], report["linearity"])
            report["wall_seconds"] = round(time.perf_counter() - started, 1)
            report["peak_memory_mb"] = round(sampler.peak_pss / 2**20)
            report["complete"] = len(report["results"]) == len(args.sizes)
            json_path, md_path = write_result_files(f"{report['date']}_timeliness_{label}", report, markdown(report))
        print_report(report)
        console.print(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
        console.print(f"whole benchmark: {report['wall_seconds'] / 60:.1f} min")
    finally:
        sampler.stopping.set()
        try:
            pg.stop(data_dir)
        finally:
            shutil.rmtree(BENCH_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
