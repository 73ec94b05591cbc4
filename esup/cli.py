"""The ``esup`` command: one entry point for the local platform.

Each subcommand lives in its own module exposing ``add_arguments(parser)`` and ``run(args) -> int``.
A wrong flag or a bad input file ends with a one-line error and exit code 2, not a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module, one-line help)
COMMANDS = {
    "db": ("esup.commands.db", "start, stop or show the embedded PostgreSQL"),
    "simulate": ("esup.simulate", "write simulated exchange databases (前置库) and their source list"),
    "airflow": ("esup.commands.airflow", "the local Airflow: start, stop, status, migrate, or its cli"),
    "run": ("esup.commands.run", "run the whole chain once: ingest → dbt → expectations"),
    "dashboards": ("esup.superset", "set up Superset, import the dashboards, start or stop it"),
    "demo": ("esup.commands.demo", "everything make demo does after the installs"),
    "report": ("esup.commands.report", "the annual information-disclosure report (P3): department PDFs, city workbook"),
}


class UsageError(Exception):
    """A user error worth one line on stderr (bad flag value, bad file)."""


def build_parser(argv: list[str]) -> argparse.ArgumentParser:
    """All subcommands are listed; only the chosen one's module is imported (fast, and a
    broken optional part cannot break the others)."""
    parser = argparse.ArgumentParser(prog="esup", description="电子监察 platform — Yancheng")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
            command.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    from esup.sources import SourceListError

    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    try:
        return int(args._module.run(args) or 0)
    except (UsageError, SourceListError) as exc:
        print(f"esup {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
