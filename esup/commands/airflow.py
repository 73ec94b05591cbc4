"""``esup airflow``: the local Airflow — its environment, its servers, its CLI.

``esup airflow start|stop|status`` runs the api-server (UI on 127.0.0.1), scheduler,
dag-processor and triggerer in the background; ``esup airflow cli -- ARGS`` runs the airflow
command with the local environment (metadata in the embedded PostgreSQL's ``airflow`` database).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from esup import pg, services, settings

COMPONENTS = ("scheduler", "dag-processor", "triggerer")


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            values[key.strip()] = value.strip()
    return values


def port() -> int:
    return int(os.environ.get("ESUP_AIRFLOW_PORT", "8080"))


def admin_login() -> tuple[str, str]:
    return os.environ.get("ESUP_AIRFLOW_ADMIN_USER", "admin"), os.environ.get("ESUP_AIRFLOW_ADMIN_PASSWORD", "admin")


def airflow_env() -> dict[str, str]:
    """The environment every local airflow process gets: shared config/platform.env + local paths."""
    home = settings.home() / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    user, password = admin_login()
    passwords = home / "simple_auth_manager_passwords.json"
    passwords.write_text(json.dumps({user: password}))
    env = {**read_env_file(settings.PROJECT_ROOT / "config" / "platform.env"), **os.environ}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(settings.PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": f"{user}:admin",
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port()}/execution/",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{port()}",
            "ESUP_WAREHOUSE_URL": settings.warehouse_url(),
            "ESUP_SOURCES": str(settings.sources_file()),
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    env.setdefault(
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        f"postgresql+psycopg2://postgres@127.0.0.1:{settings.pg_port()}/airflow",
    )
    return env


def airflow(args: list[str], check: bool = True, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "airflow"), *args], env=airflow_env(), check=check, **kwargs
    )


def migrate() -> None:
    """Create (local default: on the embedded PostgreSQL) and migrate Airflow's metadata database."""
    if "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" not in os.environ:
        pg.ensure_database(pg.start(), "airflow")
    airflow(["db", "migrate"], stdout=subprocess.DEVNULL)


def start() -> str:
    env = airflow_env()
    exe = str(Path(sys.executable).parent / "airflow")
    services.start("airflow-api-server", [exe, "api-server", "--host", "127.0.0.1", "--port", str(port())], env)
    for component in COMPONENTS:
        # Logs are local files the api-server reads directly: no log server on 0.0.0.0:8793/8794.
        extra = ["--skip-serve-logs"] if component in ("scheduler", "triggerer") else []
        services.start(f"airflow-{component}", [exe, component, *extra], env)
    url = f"http://127.0.0.1:{port()}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/v2/monitor/health", timeout=3):
                return url
        except OSError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Airflow api-server did not answer on {url}; see {services.run_dir()}") from exc
            time.sleep(1)


def stop() -> list[str]:
    return [name for name in ("airflow-api-server", *(f"airflow-{c}" for c in COMPONENTS)) if services.stop(name)]


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["start", "stop", "status", "migrate", "cli"])
    parser.add_argument("args", nargs="*", help="for cli: arguments of the airflow command (after --)")


def run(args) -> int:
    if args.action == "migrate":
        migrate()
    elif args.action == "start":
        migrate()
        print(f"Airflow UI: {start()}  (login {admin_login()[0]} / {admin_login()[1]})")
    elif args.action == "stop":
        print("stopped: " + (", ".join(stop()) or "nothing was running"))
    elif args.action == "status":
        for name in ("airflow-api-server", *(f"airflow-{c}" for c in COMPONENTS)):
            pid = services.pid_of(name)
            print(f"{name:<22} {'running, pid ' + str(pid) if pid else 'stopped'}")
    else:
        return airflow(args.args, check=False).returncode
    return 0
