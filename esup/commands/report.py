"""``esup report annual --year YYYY [--department CODE] [--out DIR]``: the annual disclosure report (P3, O29).

Writes each department's PDF and, for the whole city, the workbook, from the marts of the warehouse
named by ``ESUP_WAREHOUSE_URL``, into ``--out`` (default ``ESUP_REPORT_DIR``, else ``.esup/reports``).
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from esup import settings


def add_arguments(parser) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
    annual = kinds.add_parser(
        "annual",
        help="each department's annual information-disclosure report (PDF) and the city workbook (XLSX)",
        description="each department's annual information-disclosure report (PDF) and the city workbook (XLSX)",
    )
    annual.add_argument("--year", type=int, required=True, help="the year reported (a running year is provisional)")
    annual.add_argument(
        "--department", default=None, help="only this department's PDF (default: every department and the workbook)"
    )
    annual.add_argument("--out", default=None, help="output folder (default: $ESUP_REPORT_DIR or .esup/reports)")


def run(args) -> int:
    from esup import report
    from esup.commands.run import check_warehouse

    console = Console()
    url = settings.warehouse_url()
    check_warehouse(url)
    out = Path(args.out) if args.out else report.report_dir()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        task = progress.add_task(f"annual report {args.year}", total=None)

        def on_written(path: Path) -> None:
            progress.advance(task)
            console.print(f"  [green]✓[/green] {path}")

        written = report.write_annual_reports(
            url,
            args.year,
            out,
            department=args.department,
            on_start=lambda total: progress.update(task, total=total),
            on_written=on_written,
        )
    pending = report.provisional_departments(url, args.year)
    if pending:
        console.print(f"[yellow]! {report.PROVISIONAL_NOTE}: {len(pending)} department(s) for {args.year}[/yellow]")
    console.print(f"{len(written)} file(s) in {out}")
    return 0
