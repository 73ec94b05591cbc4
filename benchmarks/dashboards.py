"""Dashboard benchmark: every chart's query through Superset's REST API, at a city size (TARGETS.md).

Target: "dashboard chart queries at 1M cases: p95 < 1 s". On its own PostgreSQL (data in
``.esup/bench-dash-pg``, a free 127.0.0.1 port) the script

1. simulates ``--cases`` cases (seed 2010, the default window) and builds the warehouse once as the
   pipeline does it (ingestion + ``dbt build``) at as_of 2026-11-20T19:00+08:00; with ``--keep`` the
   built warehouse stays and a later run reuses it (no second simulation);
2. sets up Superset against it (its own metadata database, state folder and free port, as the test
   fixture does) and imports ``dashboards/``;
3. reads every chart of every dashboard of the bundle through ``GET /api/v1/chart/{id}/data/`` with
   its saved query_context and ``force=true`` (the result cache bypassed): one untimed first request,
   then ``--repeats`` timed rounds over all charts (wall time of the HTTP call, row count); the SQL
   Superset sends (``type=query``) is also timed directly in PostgreSQL, to split database time from
   Superset's own;
4. prints one row per chart and the overall p50/p95 against the target, and writes
   ``benchmarks/results/<date>_dashboards_<size>.md`` and ``.json`` (machine, 1-minute load average,
   slowest charts with EXPLAIN ANALYZE of their SQL).

Superset and PostgreSQL are stopped by PID on exit (also on Ctrl-C and errors); the folder is
deleted unless ``--keep``. Nothing is asserted.

    .venv/bin/python benchmarks/dashboards.py --cases 1000000 --repeats 5 --keep
    .venv/bin/python benchmarks/dashboards.py --cases 20000 --repeats 3      # ≈ 4 min
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / ".esup" / "bench-dash-pg"
DATA_DIR = BENCH_DIR / "data"
STATE_DIR = BENCH_DIR / "superset"
MARKER = BENCH_DIR / "warehouse.json"
# dbt target, GX project and runtime dir of the esup package go under the benchmark's folder.
os.environ["ESUP_HOME"] = str(BENCH_DIR / "home")
sys.path.insert(0, str(ROOT))
# What builds the warehouse: a kept one is reused only while this is unchanged.
CODE_FOLDERS = ("dbt/models", "dbt/macros", "dbt/seeds", "esup")

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

from esup import pg, pipeline, simulate, superset  # noqa: E402
from esup.sources import load_sources  # noqa: E402

SHANGHAI = timezone(timedelta(hours=8))
AS_OF = datetime(2026, 11, 20, 19, 0, tzinfo=SHANGHAI)
WAREHOUSE_DB = "bench_dash_warehouse"
METADATA_DB = "bench_dash_superset"
TARGET_S = 1.0
TARGET = "dashboard chart queries at 1M cases: p95 < 1 s"
EXPLAIN_LINES = 60
HTTP_TIMEOUT = 300

console = Console(width=None if sys.stdout.isatty() else 180)


def log(message: str) -> None:
    console.print(f"[dim]{datetime.now():%H:%M:%S}[/] {message}")


def load1() -> float:
    return round(os.getloadavg()[0], 2)


# --------------------------------------------------------------------------------------------
# Machine
# --------------------------------------------------------------------------------------------


def superset_version() -> str:
    found = sorted(superset.venv_dir().glob("lib/python3*/site-packages/apache_superset-*.dist-info"))
    return found[-1].name.removeprefix("apache_superset-").removesuffix(".dist-info") if found else "unknown"


# --------------------------------------------------------------------------------------------
# The warehouse: simulate + ingest + dbt build, once
# --------------------------------------------------------------------------------------------


def _has_marts(warehouse_url: str) -> bool:
    try:
        with psycopg.connect(warehouse_url, connect_timeout=5) as conn:
            return conn.execute("select to_regclass('marts.case_timeliness') is not null").fetchone()[0]
    except psycopg.Error:
        return False


def reusable(server: str, args) -> dict | None:
    """The marker of a warehouse a --keep run left, if it is for these cases, this seed and as_of."""
    try:
        marker = json.loads(MARKER.read_text())
    except (OSError, ValueError):
        return None
    if (marker.get("cases"), marker.get("seed"), marker.get("as_of")) != (args.cases, args.seed, AS_OF.isoformat()):
        return None
    url = server.rsplit("/", 1)[0] + "/" + WAREHOUSE_DB
    return marker if _has_marts(url) else None


def build_warehouse(server: str, args) -> dict:
    """Simulate, ingest, dbt build; drop the exchange databases after (the raw layer holds the data)."""
    with psycopg.connect(server, autocommit=True) as conn:
        stale = [r[0] for r in conn.execute("select datname from pg_database where not datistemplate")]
    for name in stale:
        if name != "postgres":
            pg.drop_database(server, name)
    MARKER.unlink(missing_ok=True)
    sources_file = BENCH_DIR / "home" / "sources.yml"
    marker: dict = {
        "cases": args.cases,
        "seed": args.seed,
        "as_of": AS_OF.isoformat(),
        "window": [simulate.DEFAULT_START.isoformat(), simulate.DEFAULT_END.isoformat()],
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "code_fingerprint": code_fingerprint(CODE_FOLDERS),
        "load_average_1min_before": load1(),
    }
    log(f"simulating {args.cases:,} cases (seed {args.seed}) …")
    began = time.perf_counter()
    summary = simulate.simulate(
        server,
        sources_file,
        cases=args.cases,
        seed=args.seed,
        start=simulate.DEFAULT_START,
        end=simulate.DEFAULT_END,
        progress=False,
    )
    marker["simulate_s"] = round(time.perf_counter() - began, 1)
    marker["simulated_rows"] = summary["total_rows"]
    log(f"simulated {summary['total_rows']:,} exchange rows in {marker['simulate_s']:.0f} s")

    sources = load_sources(sources_file)
    warehouse_url = pg.ensure_database(server, WAREHOUSE_DB)
    log("ingesting …")
    began = time.perf_counter()
    run_id = pipeline.prepare_warehouse(warehouse_url, sources)
    results = pipeline.ingest_all(warehouse_url, sources, run_id)
    marker["ingest_s"] = round(time.perf_counter() - began, 1)
    marker["ingested_rows"] = sum(r.source_rows for r in results)
    marker["failed_sources"] = [f"{r.source}: {r.error}" for r in results if r.error]
    log(f"ingested {marker['ingested_rows']:,} rows in {marker['ingest_s']:.0f} s")

    log(f"dbt build at as_of {AS_OF.isoformat()} …")
    began = time.perf_counter()
    result = pipeline.run_dbt(warehouse_url, AS_OF, extra=["--quiet"])
    marker["dbt_build_s"] = round(time.perf_counter() - began, 1)
    marker["dbt_success"] = result.success
    marker["dbt_nodes"] = result.nodes
    marker["dbt_failures"] = result.failures[:20]
    log(f"dbt build: {result.nodes} nodes in {marker['dbt_build_s']:.0f} s, {len(result.failures)} failures")
    for failure in result.failures[:5]:
        console.print(f"  [yellow]![/] {failure[:200]}")
    if not _has_marts(warehouse_url):
        raise RuntimeError("dbt build left no marts.case_timeliness: nothing to chart")
    for source in sources:
        pg.drop_database(server, simulate.database_name(source.name))
    marker["built_at"] = datetime.now(SHANGHAI).isoformat(timespec="seconds")
    MARKER.write_text(json.dumps(marker, ensure_ascii=False, indent=2) + "\n")
    return marker


def dataset_tables() -> list[str]:
    bundle = superset.load_bundle()
    return sorted(f"{c['schema']}.{c['table_name']}" for name, c in bundle.items() if name.startswith("datasets/"))


def prepare_tables(warehouse_url: str, tables: list[str], vacuum: bool) -> dict[str, dict]:
    """VACUUM ANALYZE the charted marts (what autovacuum does minutes after a build); their sizes."""
    out = {}
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for table in tables:
            ident = sql.Identifier(*table.split("."))
            if vacuum:
                conn.execute(sql.SQL("vacuum (analyze) {}").format(ident))
            rows = conn.execute(sql.SQL("select count(*) from {}").format(ident)).fetchone()[0]
            size = conn.execute("select pg_total_relation_size(%s::regclass)", (table,)).fetchone()[0]
            indexes = conn.execute("select count(*) from pg_index where indrelid = %s::regclass", (table,)).fetchone()[
                0
            ]
            out[table] = {"rows": rows, "size_mb": round(size / 2**20, 1), "indexes": indexes}
    return out


# --------------------------------------------------------------------------------------------
# The charts
# --------------------------------------------------------------------------------------------


def bundle_charts() -> tuple[list[dict], list[dict]]:
    """(dashboards, charts) of the bundle: every chart once, with the dashboards that place it."""
    bundle = superset.load_bundle()
    datasets = {c["uuid"]: c["table_name"] for name, c in bundle.items() if name.startswith("datasets/")}
    dashboards = [c for name, c in bundle.items() if name.startswith("dashboards/")]
    charts: dict[str, dict] = {}
    for dashboard in dashboards:
        for chart in superset.dashboard_charts(dashboard["slug"]):
            entry = charts.setdefault(
                chart["uuid"],
                {
                    "uuid": chart["uuid"],
                    "title": chart["slice_name"],
                    "viz_type": chart["viz_type"],
                    "dataset": datasets.get(chart["dataset_uuid"], "?"),
                    "dashboards": [],
                },
            )
            entry["dashboards"].append(dashboard["dashboard_title"])
    return [{"slug": d["slug"], "title": d["dashboard_title"]} for d in dashboards], list(charts.values())


class Api:
    """A logged-in session that logs in again when its access token runs out (15 min by default)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = superset.api_session(base_url)

    def get(self, path: str, **params):
        response = self.session.get(f"{self.base_url}{path}", params=params, timeout=HTTP_TIMEOUT)
        if response.status_code == 401:
            self.session = superset.api_session(self.base_url)
            response = self.session.get(f"{self.base_url}{path}", params=params, timeout=HTTP_TIMEOUT)
        return response

    def timed_data(self, chart_id: int) -> tuple[float, int | None, str | None]:
        """(wall seconds of the HTTP call, rows, error) of one forced chart-data request."""
        path = f"/api/v1/chart/{chart_id}/data/"
        url = f"{self.base_url}{path}"
        import requests

        for attempt in range(2):
            began = time.perf_counter()
            try:
                response = self.session.get(url, params={"force": "true"}, timeout=HTTP_TIMEOUT)
            except requests.RequestException as exc:  # recorded as a failed request; the run goes on
                if not superset.status(STATE_DIR):
                    raise RuntimeError(f"Superset is no longer running (stopped from outside?): {exc}") from exc
                return time.perf_counter() - began, None, f"{type(exc).__name__}: {exc}"[:300]
            seconds = time.perf_counter() - began
            if response.status_code == 401 and attempt == 0:
                self.session = superset.api_session(self.base_url)
                continue
            break
        if response.status_code != 200:
            return seconds, None, f"HTTP {response.status_code}: {response.text[:300]}"
        results = response.json()["result"]
        errors = [r["error"] for r in results if r.get("error")]
        rows = sum(r.get("rowcount") if r.get("rowcount") is not None else len(r.get("data") or []) for r in results)
        return seconds, rows, ("; ".join(map(str, errors))[:300] if errors else None)


def chart_ids(api: Api) -> dict[str, int]:
    response = api.get("/api/v1/chart/", q="(columns:!(id,uuid),page_size:100)")
    response.raise_for_status()
    return {c["uuid"]: c["id"] for c in response.json()["result"]}


def chart_sql(api: Api, chart_id: int) -> list[str]:
    """The SQL Superset sends for the chart's saved query_context (``type=query``)."""
    response = api.get(f"/api/v1/chart/{chart_id}/data/", type="query")
    if response.status_code != 200:
        return []
    return [r["query"] for r in response.json()["result"] if r.get("query") and r.get("language", "sql") == "sql"]


def time_sql(conn: psycopg.Connection, statements: list[str]) -> tuple[float, int]:
    """(wall seconds, rows) of executing + fetching every statement of a chart."""
    began = time.perf_counter()
    rows = 0
    for statement in statements:
        # No parameters: the query goes as Superset rendered it (a % in it is no placeholder).
        rows += len(conn.execute(statement).fetchall())
    return time.perf_counter() - began, rows


def explain(warehouse_url: str, statements: list[str]) -> list[str]:
    plan = []
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for statement in statements:
            plan += [row[0] for row in conn.execute(sql.SQL("explain (analyze, buffers) ") + sql.SQL(statement))]
            plan.append("")
    return plan[:-1]


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(value: float | None) -> float | None:
    return None if value is None else round(value * 1000, 1)


def measure_charts(api: Api, warehouse_url: str, charts: list[dict], repeats: int) -> list[float]:
    """Fill each chart's figures; return the load average before each round."""
    ids = chart_ids(api)
    for chart in charts:
        chart["id"] = ids.get(chart["uuid"])
        chart["times"], chart["errors"], chart["rows"] = [], [], None
        if chart["id"] is None:
            chart["errors"].append("not imported")
            continue
        chart["sql"] = chart_sql(api, chart["id"])
        chart["db_times"] = []
    loads = []
    # Round 0 is the first request of each chart (untimed for the target); rounds 1.. are measured.
    # Rounds go over all charts in turn, so a burst of load on the machine spreads over the charts.
    # Right after each HTTP request the chart's SQL runs directly, so both see the same load.
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        for round_no in range(repeats + 1):
            loads.append(load1())
            log(f"round {round_no}/{repeats}{' (first requests, not counted)' if round_no == 0 else ''} …")
            for chart in charts:
                if chart["id"] is None:
                    continue
                seconds, rows, error = api.timed_data(chart["id"])
                if round_no == 0:
                    chart["first_request_s"] = seconds
                elif error:
                    chart["errors"].append(error)
                else:
                    chart["times"].append(seconds)
                if rows is not None:
                    chart["rows"] = rows
                if chart.get("sql") and not chart.get("db_error"):
                    try:
                        db_seconds, chart["db_rows"] = time_sql(conn, chart["sql"])
                    except psycopg.Error as exc:
                        chart["db_error"] = f"{type(exc).__name__}: {exc}"[:300]
                        continue
                    if round_no:
                        chart["db_times"].append(db_seconds)
    return loads


def chart_figures(chart: dict) -> dict:
    times, db = chart["times"], chart.get("db_times") or []
    median, db_median = percentile(times, 0.5), percentile(db, 0.5)
    return {
        "dashboards": chart["dashboards"],
        "title": chart["title"],
        "viz_type": chart["viz_type"],
        "dataset": chart["dataset"],
        "chart_id": chart.get("id"),
        "requests": len(times),
        "first_request_ms": ms(chart.get("first_request_s")),
        "median_ms": ms(median),
        "p95_ms": ms(percentile(times, 0.95)),
        "max_ms": ms(max(times) if times else None),
        "times_ms": [ms(t) for t in times],
        "rows": chart["rows"],
        "db_median_ms": ms(db_median),
        "db_times_ms": [ms(t) for t in db],
        "superset_overhead_ms": ms(median - db_median) if median is not None and db_median is not None else None,
        "errors": chart["errors"] + ([chart["db_error"]] if chart.get("db_error") else []),
        "sql": chart.get("sql", []),
    }


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------


def summarise(charts: list[dict], dashboards: list[dict]) -> dict:
    all_times = [t for c in charts for t in c["times_ms"]]
    errors = sum(len(c["errors"]) for c in charts)
    p95 = percentile(all_times, 0.95)
    per_dashboard = []
    for d in dashboards:
        mine = [c for c in charts if d["title"] in c["dashboards"]]
        times = [t for c in mine for t in c["times_ms"]]
        per_dashboard.append(
            {
                "dashboard": d["title"],
                "slug": d["slug"],
                "charts": len(mine),
                "p50_ms": round(percentile(times, 0.5), 1) if times else None,
                "p95_ms": round(percentile(times, 0.95), 1) if times else None,
                "max_ms": max(times) if times else None,
                "sum_of_medians_ms": round(sum(c["median_ms"] or 0 for c in mine), 1),
            }
        )
    return {
        "requests": len(all_times),
        "errors": errors,
        "p50_ms": round(percentile(all_times, 0.5), 1) if all_times else None,
        "p95_ms": round(p95, 1) if p95 is not None else None,
        "max_ms": max(all_times) if all_times else None,
        "charts_with_p95_over_target": sum(1 for c in charts if (c["p95_ms"] or 0) >= TARGET_S * 1000),
        "result": "FAIL" if p95 is None or p95 >= TARGET_S * 1000 or errors else "PASS",
        "per_dashboard": per_dashboard,
    }


def slowest(charts: list[dict], n: int = 5) -> list[dict]:
    return sorted(charts, key=lambda c: -(c["p95_ms"] or 0))[:n]


def fmt(value: float | int | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


CHART_COLUMNS = (
    ("dashboard", lambda c: " / ".join(c["dashboards"])),
    ("chart", lambda c: c["title"]),
    ("median ms", lambda c: fmt(c["median_ms"])),
    ("p95 ms", lambda c: fmt(c["p95_ms"])),
    ("max ms", lambda c: fmt(c["max_ms"])),
    ("rows", lambda c: fmt(c["rows"])),
    ("DB ms", lambda c: fmt(c["db_median_ms"], 1)),
    ("first ms", lambda c: fmt(c["first_request_ms"])),
)


def verdict_text(s: dict) -> str:
    extra = f", {s['errors']} failed requests" if s["errors"] else ""
    return (
        f"overall over {s['requests']} requests: p50 {fmt(s['p50_ms'])} ms, p95 {fmt(s['p95_ms'])} ms, "
        f"max {fmt(s['max_ms'])} ms{extra} → {s['result']} (p95 < {TARGET_S * 1000:.0f} ms)"
    )


def print_report(report: dict) -> None:
    m, s = report["machine"], report["summary"]
    console.rule("[bold]results")
    console.print(
        f"machine: {m['nproc']} cores, {m['memory_gb']} GB, {m['cpu_model']}; PostgreSQL {m['postgresql']}; "
        f"Superset {m['superset']}; git {m['git_commit']}"
    )
    table = Table(title=f"chart data requests at {report['cases']:,} cases (force=true, {report['repeats']} each)")
    for name, _ in CHART_COLUMNS:
        table.add_column(name, justify="left" if name in ("dashboard", "chart") else "right")
    for c in report["charts"]:
        over = (c["p95_ms"] or 0) >= TARGET_S * 1000 or c["errors"]
        table.add_row(*(fn(c) for _, fn in CHART_COLUMNS), style="red" if over else None)
    console.print(table)
    dash = Table(title="per dashboard (all requests of its charts)")
    for col in ("dashboard", "charts", "p50 ms", "p95 ms", "max ms", "Σ medians ms"):
        dash.add_column(col, justify="left" if col == "dashboard" else "right")
    for d in s["per_dashboard"]:
        dash.add_row(
            d["dashboard"], str(d["charts"]), fmt(d["p50_ms"]), fmt(d["p95_ms"]), fmt(d["max_ms"]),
            fmt(d["sum_of_medians_ms"]),
        )  # fmt: skip
    console.print(dash)
    colour = "green" if s["result"] == "PASS" else "red"
    console.print(f"[bold {colour}]{verdict_text(s)}[/]")
    console.print(f"1-minute load average: {load_text(report)}")
    console.print(
        "slowest charts (p95): " + "; ".join(f"{c['title']} {fmt(c['p95_ms'])} ms" for c in slowest(report["charts"]))
    )
    for c in report["charts"]:
        for error in c["errors"][:1]:
            console.print(f"[red]{c['title']}: {error}[/]")


def load_text(report: dict) -> str:
    loads = report["load_average_1min"]
    values = [loads["start"], *loads["rounds"], loads["end"]]
    return f"{min(values):.1f}–{max(values):.1f} (start {loads['start']}, rounds {loads['rounds']}, end {loads['end']})"


def markdown(report: dict) -> str:
    m, s, w = report["machine"], report["summary"], report["warehouse"]
    lines = [
        f"# Dashboard benchmark — {report['date']}, {report['cases']:,} cases",
        "",
        f"`{report['command']}`",
        "",
        f"Target (TARGETS.md): **{TARGET}** — **{s['result']}**: {verdict_text(s)}.",
        "",
        f"Machine: {m['nproc']} cores ({m['nproc_available']} available), {m['memory_gb']} GB, {m['cpu_model']}; "
        f"PostgreSQL {m['postgresql']} ("
        + ", ".join(f"{k}={v}" for k, v in sorted(m["postgresql_settings"].items()))
        + f"); Superset {m['superset']} (gunicorn, {report['superset_workers']} workers × 4 threads); "
        f"Python {m['python']}; dbt-core {m['dbt_core']}; git {m['git_commit']}"
        + (" (with uncommitted changes in dbt/, esup/ or dashboards/)" if m["uncommitted"] else "")
        + ".",
        "",
        f"1-minute load average (2 cores, shared with other sessions): {load_text(report)}.",
        "",
        "## Warehouse",
        "",
        (
            f"Reused from an earlier `--keep` run (built {w.get('built_at')}, git {w.get('git_commit')}, "
            f"code {w.get('code_fingerprint')}; code now {report['code_fingerprint']})."
            if report["warehouse_reused"]
            else f"Built in this run (git {w.get('git_commit')}, code {w.get('code_fingerprint')})."
        )
        + f" Simulation {fmt(w.get('simulate_s'))} s ({fmt(w.get('simulated_rows'))} exchange rows), ingestion "
        f"{fmt(w.get('ingest_s'))} s, dbt build {fmt(w.get('dbt_build_s'))} s ({w.get('dbt_nodes')} nodes, "
        f"{len(w.get('dbt_failures') or [])} failures), as_of {w.get('as_of')}.",
        "",
        "| charted mart | rows | size MB | indexes |",
        "|---|---:|---:|---:|",
        *(f"| {t} | {v['rows']:,} | {v['size_mb']:,} | {v['indexes']} |" for t, v in report["tables"].items()),
        "",
        "## Per dashboard",
        "",
        "| dashboard | charts | p50 ms | p95 ms | max ms | Σ chart medians ms |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {d['dashboard']} | {d['charts']} | {fmt(d['p50_ms'])} | {fmt(d['p95_ms'])} | {fmt(d['max_ms'])} "
            f"| {fmt(d['sum_of_medians_ms'])} |"
            for d in s["per_dashboard"]
        ),
        "",
        "## Slowest charts (p95 of the HTTP request)",
        "",
        "| chart | dashboard | mart | p95 ms | median ms | DB ms | Superset ms | rows |",
        "|---|---|---|---:|---:|---:|---:|---:|",
        *(
            f"| {c['title']} | {' / '.join(c['dashboards'])} | {c['dataset']} | {fmt(c['p95_ms'])} | "
            f"{fmt(c['median_ms'])} | {fmt(c['db_median_ms'])} | {fmt(c['superset_overhead_ms'])} | {fmt(c['rows'])} |"
            for c in slowest(report["charts"])
        ),
        "",
        "## Every chart",
        "",
        "| " + " | ".join(name for name, _ in CHART_COLUMNS) + " | errors |",
        "|---|---|" + "---:|" * (len(CHART_COLUMNS) - 2) + "---|",
        *(
            "| " + " | ".join(fn(c) for _, fn in CHART_COLUMNS) + f" | {len(c['errors']) or ''} |"
            for c in report["charts"]
        ),
    ]
    errors = [(c["title"], e) for c in report["charts"] for e in c["errors"][:1]]
    if errors:
        lines += ["", "## Errors", "", *(f"- {t}: `{e}`" for t, e in errors)]
    for plan in report["explain"]:
        lines += [
            "",
            f"### EXPLAIN (ANALYZE, BUFFERS) {plan['title']} (p95 {fmt(plan['p95_ms'])} ms; "
            f"first {EXPLAIN_LINES} lines, whole plan and SQL in the JSON)",
            "",
            "```sql",
            *"\n".join(plan["sql"]).splitlines(),
            "```",
            "",
            "```",
            *plan["plan"][:EXPLAIN_LINES],
            "```",
        ]
    lines += ["", "## Method", "", *(f"- {note}" for note in report["method"])]
    return "\n".join(lines) + "\n"


METHOD = [
    "Own PostgreSQL (the project's embedded server and settings) on a free port; the cases are simulated "
    "(seed fixed, window 2026-06-01 to 2026-11-20) and the warehouse is built as `esup run` does it "
    "(prepare + ingest_all + dbt build, no expectations) at as_of 2026-11-20T19:00+08:00. The exchange "
    "databases are dropped after the build.",
    "Before measuring, the charted marts get VACUUM (ANALYZE) — the state autovacuum reaches minutes after a "
    "build (skipped with --no-vacuum).",
    "Superset as the test fixture starts it: its own metadata database on the benchmark's server, its own "
    "state folder and a free port, `esup.superset` setup + import of dashboards/ + start (gunicorn gthread).",
    "Every chart of every dashboard of the bundle once (a chart on two dashboards is counted once). "
    "`GET /api/v1/chart/{id}/data/?force=true`: the chart's saved query_context, the result cache bypassed; "
    "the dashboards' native filters at their defaults are not applied (the saved query_context has none), "
    "so a table with a default filter (监察日志明细: 全市) is read unfiltered — the worst case.",
    "Round 0 requests every chart once (first request, reported apart, not counted); then --repeats rounds "
    "over all charts in turn, one request at a time, each timed as the wall time of the HTTP call "
    "(Superset's query, post-processing and JSON included). p50/p95 interpolate linearly between ranks, "
    "over all timed requests of all charts. A failed request counts as FAIL.",
    "DB ms: the SQL Superset renders for the chart (`type=query`) run directly with psycopg on one open "
    "connection (execute + fetch) right after each of the chart's HTTP requests, so both see the same load; "
    "median of the --repeats timed rounds. Superset ms = HTTP median − DB median (connection, query building, "
    "pandas post-processing, serialisation, HTTP).",
    "The slowest charts and every chart with p95 ≥ 1 s get EXPLAIN (ANALYZE, BUFFERS) of their SQL (untimed).",
]


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="city size (default 1,000,000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed requests per chart (default 5)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the data folders (warehouse, Superset state) for the next run; servers are stopped anyway",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the warehouse again even if one is kept")
    parser.add_argument("--seed", type=int, default=simulate.DEFAULT_SEED)
    parser.add_argument("--explain", type=int, default=3, metavar="N", help="EXPLAIN ANALYZE the N slowest charts")
    parser.add_argument("--no-vacuum", action="store_true", help="measure right after the build, no VACUUM ANALYZE")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, as esup dashboards)")
    args = parser.parse_args(argv)
    if args.cases < 1 or args.repeats < 1:
        parser.error("--cases and --repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_on_signals()
    if DATA_DIR.exists() and pg.is_running(DATA_DIR):
        console.print(f"[red]a benchmark PostgreSQL is already running in {DATA_DIR}; is another run going?[/]")
        return 2
    if superset.status(STATE_DIR):
        console.print(f"[red]a benchmark Superset is already running from {STATE_DIR}; is another run going?[/]")
        return 2
    command = "python benchmarks/dashboards.py " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.perf_counter()
    report: dict = {
        "date": date.today().isoformat(),
        "started_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
        "command": command.strip(),
        "target": TARGET,
        "cases": args.cases,
        "repeats": args.repeats,
        "seed": args.seed,
        "superset_workers": args.workers,
        "load_average_1min": {"start": load1(), "rounds": [], "end": None},
        "method": METHOD,
    }
    pg_port = free_port()
    try:
        log(f"starting the benchmark's PostgreSQL in {DATA_DIR.relative_to(ROOT)} on port {pg_port}")
        server = pg.start(DATA_DIR, pg_port)
        report["machine"] = machine(server, ("dbt", "esup", "dashboards"), superset=superset_version())
        report["code_fingerprint"] = code_fingerprint(CODE_FOLDERS)
        marker = None if args.rebuild else reusable(server, args)
        report["warehouse_reused"] = marker is not None
        if marker:
            log(
                f"[bold]reusing the warehouse built {marker.get('built_at')} for {args.cases:,} cases[/] "
                f"(kept by an earlier --keep run; no simulation, no build — --rebuild to build again)"
            )
            if marker.get("code_fingerprint") != report["code_fingerprint"]:
                console.print(
                    "[yellow]dbt/ or esup/ changed since that build "
                    f"({marker.get('code_fingerprint')} → {report['code_fingerprint']}); --rebuild to measure it[/]"
                )
        else:
            marker = build_warehouse(server, args)
        warehouse_url = server.rsplit("/", 1)[0] + "/" + WAREHOUSE_DB
        report["warehouse"] = marker

        tables = dataset_tables()
        log(("VACUUM ANALYZE and size of " if not args.no_vacuum else "size of ") + ", ".join(tables))
        report["tables"] = prepare_tables(warehouse_url, tables, vacuum=not args.no_vacuum)

        superset_port = free_port()
        log(f"Superset: setup, import dashboards/, start on 127.0.0.1:{superset_port}")
        metadata_url = pg.ensure_database(server, METADATA_DB)
        began = time.perf_counter()
        superset.setup(warehouse_url, metadata_url, state_dir=STATE_DIR, quiet=True)
        superset.import_dashboards(warehouse_url, metadata_url, state_dir=STATE_DIR, quiet=True)
        base_url = superset.start(
            superset_port, metadata_url=metadata_url, state_dir=STATE_DIR, workers=args.workers, quiet=True
        )
        report["superset_start_s"] = round(time.perf_counter() - began, 1)
        api = Api(base_url)

        dashboards, charts = bundle_charts()
        report["dashboards"] = dashboards
        log(f"{len(charts)} charts on {len(dashboards)} dashboards: " + ", ".join(d["title"] for d in dashboards))
        report["load_average_1min"]["rounds"] = measure_charts(api, warehouse_url, charts, args.repeats)
        report["charts"] = [chart_figures(c) for c in charts]
        report["summary"] = summarise(report["charts"], dashboards)

        over = [c for c in report["charts"] if (c["p95_ms"] or 0) >= TARGET_S * 1000]
        to_explain = {c["title"]: c for c in [*slowest(report["charts"], args.explain), *over] if c["sql"]}
        report["explain"] = []
        for c in to_explain.values():
            log(f"EXPLAIN ANALYZE {c['title']} …")
            try:
                plan = explain(warehouse_url, c["sql"])
            except psycopg.Error as exc:
                plan = [f"{type(exc).__name__}: {exc}"]
            report["explain"].append({"title": c["title"], "p95_ms": c["p95_ms"], "sql": c["sql"], "plan": plan})

        report["load_average_1min"]["end"] = load1()
        report["wall_seconds"] = round(time.perf_counter() - started, 1)
        json_path, md_path = write_result_files(
            f"{report['date']}_dashboards_{size_label(report['cases'])}", report, markdown(report)
        )
        print_report(report)
        console.print(f"wrote {json_path.relative_to(ROOT)} and {md_path.relative_to(ROOT)}")
        console.print(f"whole benchmark: {report['wall_seconds'] / 60:.1f} min")
    finally:
        with contextlib.suppress(Exception):
            superset.stop(STATE_DIR, quiet=True)
        try:
            pg.stop(DATA_DIR)
        finally:
            if args.keep:
                console.print(
                    f"kept {BENCH_DIR.relative_to(ROOT)} (servers stopped); the next run reuses the warehouse"
                )
            else:
                shutil.rmtree(BENCH_DIR, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
