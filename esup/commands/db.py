"""``esup db start|stop|status``: the embedded PostgreSQL of the local setup."""

from __future__ import annotations

from esup import pg, settings


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status"])


def run(args) -> int:
    if args.action == "start":
        url = pg.start()
        warehouse = pg.ensure_database(url, "esup")
        print(f"PostgreSQL running on 127.0.0.1:{settings.pg_port()} (data {settings.pg_data_dir()})")
        print(f"warehouse: {warehouse}")
    elif args.action == "stop":
        print("stopped" if pg.stop() else "not running")
    else:
        running = pg.is_running()
        print(f"{'running' if running else 'not running'} (data {settings.pg_data_dir()}, port {settings.pg_port()})")
        return 0 if running else 1
    return 0
