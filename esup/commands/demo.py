"""``esup demo``: the platform's main job on the embedded default, then its UIs in the background.

Starts the project's own PostgreSQL, simulates the city's exchange databases (once per
size/seed), runs the whole pipeline through Airflow for the simulation's last evening, then
starts Superset (dashboards imported) and Airflow's UI, prints where they are, and returns.
Safe to repeat: every step skips or redoes only what it must. ``esup demo --stop`` stops it all.
"""

from __future__ import annotations

import json
from datetime import date

import psycopg
from rich.console import Console

from esup import pg, settings

DEFAULT_START = "2026-06-01"
DEFAULT_END = "2026-11-20"
DASHBOARDS = (
    ("supervision-overview", "电子监察总览"),
    ("realtime-monitoring", "实时监控"),
    ("supervision-log", "监察日志"),
    ("early-warning", "预警纠错"),
    ("data-quality", "数据质量"),
    ("performance-evaluation", "绩效评估"),
)
SIZES = {"tiny": 600, "small": 20_000, "medium": 100_000, "large": 1_000_000}


def add_arguments(parser) -> None:
    parser.add_argument("--size", choices=sorted(SIZES), default="small", help="simulated city size (default small)")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--stop", action="store_true", help="stop everything a demo started")


def stop_all(console: Console) -> None:
    from esup import superset
    from esup.commands import airflow

    stopped = airflow.stop()
    if superset.stop(quiet=True):
        stopped.append("superset")
    if pg.stop():
        stopped.append("postgresql")
    console.print("stopped: " + (", ".join(stopped) or "nothing was running"))


def simulate_once(console: Console, server: str, size: str, seed: int) -> None:
    """Simulate unless the exchange databases of these exact parameters are already there."""
    from esup.simulate import simulate

    params = {
        "cases": SIZES[size],
        "seed": seed,
        "start": DEFAULT_START,
        "end": DEFAULT_END,
        "port": settings.pg_port(),
    }
    stamp = settings.home() / "simulation-params.json"
    if stamp.exists() and json.loads(stamp.read_text()) == params and settings.sources_file().exists():
        console.print(f"  simulated city ({size}, seed {seed}) already in place")
        return
    stamp.unlink(missing_ok=True)
    simulate(
        server,
        settings.sources_file(),
        cases=params["cases"],
        seed=seed,
        start=date.fromisoformat(DEFAULT_START),
        end=date.fromisoformat(DEFAULT_END),
        progress=True,
    )
    stamp.write_text(json.dumps(params))


def run(args) -> int:
    console = Console()
    if args.stop:
        stop_all(console)
        return 0

    from esup import superset
    from esup.commands import airflow

    console.rule("1/5 PostgreSQL (embedded)")
    server = pg.start()
    warehouse = pg.ensure_database(server, "esup")
    console.print(f"  running on 127.0.0.1:{settings.pg_port()}, data in {settings.pg_data_dir()}")

    console.rule("2/5 simulated exchange databases (前置库)")
    simulate_once(console, server, args.size, args.seed)

    as_of = f"{DEFAULT_END}T19:00:00+08:00"
    console.rule(f"3/5 pipeline through Airflow (as of {as_of})")
    airflow.migrate()
    airflow.airflow(["dags", "reserialize"], capture_output=True)
    result = airflow.airflow(
        ["dags", "test", "supervision__pipeline", as_of], check=False, capture_output=True, text=True
    )
    log = settings.home() / "run" / "demo-dag-test.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0 or "state=success" not in result.stdout + result.stderr:
        console.print(f"[red]the pipeline run failed; its log: {log}[/red]")
        return 1
    console.print(f"  [green]✓[/green] supervision__pipeline succeeded (log {log})")
    with psycopg.connect(warehouse) as conn:
        cases, late = conn.execute(
            "select (select count(*) from marts.case_timeliness),"
            " (select count(*) from marts.upload_timeliness where is_late)"
        ).fetchone()
        loaded, quarantined = conn.execute(
            "select coalesce(sum(loaded), 0), coalesce(sum(quarantined), 0) from raw.ingest_log"
        ).fetchone()
        findings, active_cards, red_cards = conn.execute(
            "select (select count(*) from marts.data_quality_findings),"
            " (select count(*) from marts.cards where is_active),"
            " (select count(*) from marts.cards where is_active and color = 'red')"
        ).fetchone()
    console.print(
        f"  {loaded:,} exchange rows loaded, {quarantined:,} quarantined; "
        f"{cases:,} cases evaluated, {late:,} late uploads (Q1)"
    )
    console.print(
        f"  {findings:,} data-quality findings (Q1-Q9); {active_cards:,} cards in force, {red_cards:,} of them red"
        f" (A1-A4); worklist CSVs in {settings.worklist_dir()}"
    )

    console.rule("4/5 Superset (dashboards)")
    superset.setup(warehouse_url=warehouse)
    superset.import_dashboards(warehouse_url=warehouse)
    superset_url = superset.start(warehouse_url=warehouse)

    console.rule("5/5 Airflow (UI and scheduler)")
    airflow_url = airflow.start()

    from esup.pipeline import load_expectations

    user, password = superset.admin().username, superset.admin().password
    console.rule("ready")
    console.print(f"  Superset  (login {user} / {password})")
    for slug, title in DASHBOARDS:
        console.print(f"    {title:<6} {superset_url}/superset/dashboard/{slug}/")
    a_user, a_password = airflow.admin_login()
    console.print(f"  Airflow   {airflow_url}  (login {a_user} / {a_password})")
    console.print(f"  Data Docs file://{load_expectations().data_docs_index()}")
    console.print(f"  warehouse {warehouse}")
    console.print("  stop everything with: make stop")
    return 0
