"""``esup run --sources FILE --as-of TIMESTAMP``: the whole chain once (ingest → dbt → worklist CSV →
expectations).

For scripts and tests; Airflow runs the same steps as tasks. The warehouse is the one named
by ``ESUP_WAREHOUSE_URL`` (default: the local embedded PostgreSQL's ``esup`` database).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
from rich.console import Console
from rich.table import Table

from esup import pipeline, settings, worklist
from esup.cli import UsageError
from esup.sources import load_sources

SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse_as_of(text: str) -> datetime:
    """An ISO timestamp; without an offset it is Beijing time."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r} is not an ISO timestamp such as 2026-11-20T18:00:00+08:00") from None
    return value if value.tzinfo else value.replace(tzinfo=SHANGHAI)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--sources", default=None, help="source list YAML (default: $ESUP_SOURCES or .esup/sources.yml)"
    )
    parser.add_argument("--as-of", required=True, help="evaluation time, ISO 8601 (T4); no offset = Beijing time")
    parser.add_argument("--skip-expectations", action="store_true", help="stop after dbt")
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild the incrementally kept tables whole (after changing upload_deadline_hours; ADR 0006)",
    )


def check_warehouse(url: str) -> None:
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[-1]
        raise UsageError(
            f"warehouse {url} is unreachable ({reason}); start the local one with `esup db start`"
        ) from None


def ingest_with_report(console: Console, warehouse_url: str, sources, run_id: int):
    def report(result):
        if result.error:
            console.print(f"  [red]✗[/red] {result.error}")
        else:
            console.print(
                f"  [green]✓[/green] {result.source:<14} {result.source_rows:>9,} rows: "
                f"{result.loaded:,} loaded, {result.quarantined:,} quarantined ({result.seconds:.1f}s)"
            )

    console.rule(f"ingest {len(sources)} sources (run {run_id})")
    results = pipeline.ingest_all(warehouse_url, sources, run_id, on_done=report)
    table = Table(title="ingestion: source rows = loaded + quarantined")
    for column in ("sources", "source rows", "loaded", "quarantined", "failed sources"):
        table.add_column(column, justify="right")
    table.add_row(
        str(len(results)),
        f"{sum(r.source_rows for r in results):,}",
        f"{sum(r.loaded for r in results):,}",
        f"{sum(r.quarantined for r in results):,}",
        str(sum(1 for r in results if r.error)),
    )
    console.print(table)
    return results


def run(args) -> int:
    console = Console()
    as_of = parse_as_of(args.as_of)
    sources = load_sources(args.sources or settings.sources_file())
    warehouse_url = settings.warehouse_url()
    check_warehouse(warehouse_url)

    run_id = pipeline.prepare_warehouse(warehouse_url, sources)
    results = ingest_with_report(console, warehouse_url, sources, run_id)

    console.rule(f"dbt build (as_of {as_of.isoformat()})")
    dbt = pipeline.run_dbt(warehouse_url, as_of, extra=["--full-refresh"] if args.full_refresh else None)
    for failure in dbt.failures:
        console.print(f"  [red]✗[/red] {failure}")
    if not dbt.success:
        console.print("[red]dbt build failed[/red]")
        return 1
    console.print(f"  [green]✓[/green] {dbt.nodes} dbt nodes")
    warning = pipeline.provisional_calendar_warning(warehouse_url)
    if warning:
        console.print(f"[bold red]⚠ {warning}[/bold red]")
    path = worklist.export_worklist(warehouse_url, as_of, settings.worklist_dir())
    console.print(f"  [green]✓[/green] card worklist (监察室工作清单): {path}")

    if not args.skip_expectations:
        console.rule("expectations (Great Expectations)")
        for outcome in pipeline.run_expectations(warehouse_url, as_of):
            mark = "[green]✓[/green]" if outcome.success else "[yellow]![/yellow]"
            console.print(f"  {mark} {outcome.describe()}")

    failed = [r for r in results if r.error]
    if failed:
        console.print(f"[red]{len(failed)} source(s) failed:[/red] " + ", ".join(r.source for r in failed))
        return 1
    return 0
