"""``esup dashboards``: set up Superset, import the dashboards, start, stop or export them.

Superset lives in its own venv (``.venv-superset``: it needs SQLAlchemy < 2, the pipeline has 2.1),
so this module never imports it: it drives ``.venv-superset/bin/superset`` and ``gunicorn`` as
subprocesses. Its metadata database (``superset``) sits on the warehouse's PostgreSQL server. The
dashboards are YAML under ``dashboards/`` (a Superset export bundle); the warehouse URI is filled in
at import, so no password is ever committed.

Functions for ``make demo`` and the tests: :func:`setup`, :func:`import_dashboards`, :func:`start`,
:func:`stop`, :func:`status`, :func:`export_dashboards`. Each takes an optional ``state_dir``
(secret key, PID file, logs, cache; default ``.esup/superset``) so tests run beside a demo.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import yaml

from esup import pg, settings

DASHBOARDS_DIR = settings.PROJECT_ROOT / "dashboards"
CONFIG_FILE = DASHBOARDS_DIR / "superset_config.py"
# Placeholder committed in dashboards/databases/*.yaml; replaced by the warehouse URI at import.
URI_PLACEHOLDER = "${ESUP_WAREHOUSE_URL}"
DEFAULT_PORT = 8088
METADATA_DATABASE = "superset"
ASSET_KINDS = ("databases", "datasets", "charts", "dashboards")
# Roles `superset init` creates and fills with permissions.
BUILTIN_ROLES = ("Admin", "Alpha", "Gamma", "sql_lab")


class SupersetError(RuntimeError):
    """A Superset step failed; the message names the step and the log to read."""


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------


def venv_dir() -> Path:
    return Path(os.environ.get("ESUP_SUPERSET_VENV", settings.PROJECT_ROOT / ".venv-superset"))


def default_state_dir() -> Path:
    return settings.home() / "superset"


def default_port() -> int:
    return int(os.environ.get("ESUP_SUPERSET_PORT", DEFAULT_PORT))


@dataclass(frozen=True)
class Admin:
    username: str
    password: str


def admin() -> Admin:
    return Admin(
        os.environ.get("ESUP_SUPERSET_ADMIN_USER", "admin"),
        os.environ.get("ESUP_SUPERSET_ADMIN_PASSWORD", "admin"),
    )


def sqlalchemy_url(url: str) -> str:
    """A libpq/psycopg URL as the psycopg2 SQLAlchemy URL Superset (SQLAlchemy 1.4) understands."""
    scheme, rest = url.split("://", 1)
    if scheme not in {"postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2"}:
        raise SupersetError(f"not a PostgreSQL URL: {scheme}://…")
    return f"postgresql+psycopg2://{rest}"


def libpq_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


def default_metadata_url(warehouse_url: str | None = None) -> str:
    """``ESUP_SUPERSET_METADATA_URL``, else database ``superset`` on the warehouse's server."""
    if os.environ.get("ESUP_SUPERSET_METADATA_URL"):
        return libpq_url(os.environ["ESUP_SUPERSET_METADATA_URL"])
    parts = urlsplit(libpq_url(warehouse_url or settings.warehouse_url()))
    return urlunsplit(parts._replace(path="/" + METADATA_DATABASE))


def secret_key(state_dir: Path) -> str:
    """``ESUP_SUPERSET_SECRET_KEY``, else a local throwaway key generated once into the state dir.

    The key encrypts the database passwords Superset stores: changing it later needs
    ``superset re-encrypt-secrets`` (or a fresh metadata database and an import).
    """
    if os.environ.get("ESUP_SUPERSET_SECRET_KEY"):
        return os.environ["ESUP_SUPERSET_SECRET_KEY"]
    path = state_dir / "secret_key"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def superset_env(metadata_url: str, state_dir: Path) -> dict[str, str]:
    """Environment for every Superset process: config file, key, metadata DB, home and cache."""
    env = dict(os.environ)
    env.update(
        SUPERSET_CONFIG_PATH=str(CONFIG_FILE),
        SUPERSET_SECRET_KEY=secret_key(state_dir),
        SUPERSET_METADATA_URI=sqlalchemy_url(metadata_url),
        SUPERSET_HOME=str(state_dir / "home"),
        SUPERSET_CACHE_DIR=str(state_dir / "cache"),
        PATH=f"{venv_dir() / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("PYTHONPATH", None)  # the pipeline venv's packages must not leak into Superset's
    return env


# --------------------------------------------------------------------------------------------
# Running Superset's CLI
# --------------------------------------------------------------------------------------------


def _console(stderr: bool = True):
    """Progress and errors on stderr; results (URL, status) on stdout."""
    from rich.console import Console

    return Console(stderr=stderr, soft_wrap=True)


@contextmanager
def _step(title: str, quiet: bool) -> Iterator[None]:
    """A spinner while a long step runs, then one line with its duration."""
    if quiet:
        yield
        return
    console = _console()
    began = time.monotonic()
    with console.status(f"{title} …"):
        yield
    console.print(f"[green]✓[/green] {title} [dim]({time.monotonic() - began:.1f} s)[/dim]")


def _skip(title: str, quiet: bool) -> None:
    if not quiet:
        _console().print(f"[dim]· {title}: already done[/dim]")


def _superset(args: list[str], env: dict[str, str], state_dir: Path, log_name: str) -> None:
    """Run ``superset <args>``; on failure raise with the tail of its log."""
    _run_logged(["superset", *args], env, state_dir, log_name, f"superset {args[0]}")


def _run_logged(args: list[str], env: dict[str, str], state_dir: Path, log_name: str, step: str) -> None:
    """Run a program of the Superset venv (``args[0]``), output to ``logs/<log_name>.log``."""
    exe = venv_dir() / "bin" / args[0]
    if not exe.exists():
        raise SupersetError(
            f"{exe} not found: create the Superset venv first "
            "(python3 -m venv .venv-superset && .venv-superset/bin/pip install "
            '"apache-superset[postgres]==6.1.0" "flask-caching==2.3.1" rich cachetools psycopg2-binary)'
        )
    log = state_dir / "logs" / f"{log_name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as out:
        result = subprocess.run([str(exe), *args[1:]], env=env, stdout=out, stderr=subprocess.STDOUT, cwd=state_dir)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
        raise SupersetError(f"`{step}` failed (exit {result.returncode}); log {log}:\n{tail}")


def _dump(config: dict) -> str:
    """YAML as Superset writes it, but with Chinese left readable (Superset escapes it as \\uXXXX)."""
    if isinstance(config.get("query_context"), str):
        config["query_context"] = json.dumps(
            json.loads(config["query_context"]), ensure_ascii=False, separators=(",", ":")
        )
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def alembic_head() -> str:
    """The newest migration of the installed Superset, read from its migration files."""
    versions = next((venv_dir() / "lib").glob("python3*/site-packages/superset/migrations/versions"))
    revisions, parents = set(), set()
    for path in versions.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = re.search(r"^revision\s*=\s*['\"](\w+)['\"]", text, re.M)
        down = re.search(r"^down_revision\s*=\s*(.+)$", text, re.M)
        if revision:
            revisions.add(revision.group(1))
        if down:
            parents.update(re.findall(r"['\"](\w+)['\"]", down.group(1)))
    heads = revisions - parents
    if len(heads) != 1:
        raise SupersetError(f"cannot tell Superset's migration head: {sorted(heads)}")
    return heads.pop()


def _metadata_state(metadata_url: str, username: str) -> dict[str, bool | str | None]:
    """What setup already did on this metadata database."""
    state: dict[str, bool | str | None] = {"revision": None, "admin": False, "initialised": False}
    with psycopg.connect(metadata_url, autocommit=True) as conn:
        tables = {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}
        if "alembic_version" in tables:
            row = conn.execute("select version_num from alembic_version").fetchone()
            state["revision"] = row[0] if row else None
        if {"ab_user", "ab_role", "ab_permission_view_role"} <= tables:
            state["admin"] = bool(conn.execute("select 1 from ab_user where username = %s", (username,)).fetchone())
            filled = conn.execute(
                "select count(distinct r.name) from ab_role r"
                " join ab_permission_view_role pvr on pvr.role_id = r.id where r.name = any(%s)",
                (list(BUILTIN_ROLES),),
            ).fetchone()[0]
            state["initialised"] = filled == len(BUILTIN_ROLES)
    return state


# --------------------------------------------------------------------------------------------
# The actions
# --------------------------------------------------------------------------------------------


def setup(
    warehouse_url: str | None = None,
    metadata_url: str | None = None,
    state_dir: Path | None = None,
    quiet: bool = False,
) -> str:
    """Create and migrate Superset's metadata database, the admin user and the built-in roles.

    Idempotent; a second run only checks (≈ 1 s). Returns the metadata database URL.
    """
    state_dir = state_dir or default_state_dir()
    state_dir.mkdir(parents=True, exist_ok=True)
    if metadata_url is None:
        target = default_metadata_url(warehouse_url)
        server = urlunsplit(urlsplit(target)._replace(path="/postgres"))
        metadata_url = pg.ensure_database(server, urlsplit(target).path.lstrip("/"))
    env = superset_env(metadata_url, state_dir)
    user = admin()

    state = _metadata_state(metadata_url, user.username)
    if state["revision"] == alembic_head():
        _skip("superset db upgrade", quiet)
    else:
        with _step("superset db upgrade (metadata database)", quiet):
            _superset(["db", "upgrade"], env, state_dir, "db-upgrade")
        state = _metadata_state(metadata_url, user.username)

    if state["admin"]:
        _skip(f"admin user {user.username}", quiet)
    else:
        with _step(f"create admin user {user.username}", quiet):
            _superset(
                [
                    "fab",
                    "create-admin",
                    "--username",
                    user.username,
                    "--password",
                    user.password,
                    "--firstname",
                    "电子监察",
                    "--lastname",
                    "管理员",
                    "--email",
                    f"{user.username}@esup.invalid",
                ],
                env,
                state_dir,
                "create-admin",
            )

    if state["initialised"] and state["revision"] == alembic_head():
        _skip("superset init (roles and permissions)", quiet)
    else:
        with _step("superset init (roles and permissions)", quiet):
            _superset(["init"], env, state_dir, "init")
    return metadata_url


def build_bundle(warehouse_url: str, source: Path = DASHBOARDS_DIR) -> bytes:
    """The dashboards/ YAML as an import ZIP, the placeholder URI replaced by the warehouse's."""
    uri = sqlalchemy_url(warehouse_url)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        assets = sorted(p for kind in ASSET_KINDS for p in (source / kind).rglob("*.yaml"))
        for path in [source / "metadata.yaml", *assets]:
            text = path.read_text(encoding="utf-8")
            kind = path.relative_to(source).parts[0]
            if kind == "databases":
                text = _dump({**yaml.safe_load(text), "sqlalchemy_uri": uri})
            elif kind == "datasets":
                text = _dump({**yaml.safe_load(text), "catalog": None})
            elif path.name == "metadata.yaml":
                # ImportAssetsCommand wants type "assets"; the committed file keeps the UI's "Dashboard".
                text = _dump({**yaml.safe_load(text), "type": "assets"})
            bundle.writestr(f"esup_dashboards/{path.relative_to(source).as_posix()}", text)
    return buffer.getvalue()


def load_bundle(source: Path = DASHBOARDS_DIR) -> dict[str, dict]:
    """The committed assets, keyed by their path under dashboards/ (``charts/open_cases.yaml`` …)."""
    return {
        path.relative_to(source).as_posix(): yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ASSET_KINDS
        for path in sorted((source / kind).rglob("*.yaml"))
    }


def dashboard_charts(slug: str, source: Path = DASHBOARDS_DIR) -> list[dict]:
    """The chart configs the dashboard ``slug`` places, in layout order."""
    bundle = load_bundle(source)
    charts = {c["uuid"]: c for name, c in bundle.items() if name.startswith("charts/")}
    dashboard = next(c for name, c in bundle.items() if name.startswith("dashboards/") and c["slug"] == slug)
    return [
        charts[item["meta"]["uuid"]]
        for item in dashboard["position"].values()
        if isinstance(item, dict) and item.get("type") == "CHART"
    ]


# `superset import-dashboards` overwrites only the dashboard: its databases, datasets and charts are
# imported with overwrite=False (superset/commands/dashboard/importers/v1/__init__.py), so a changed
# chart or warehouse URI would never reach an existing instance. ImportAssetsCommand is the command
# Superset keeps for "assets under source control" (it backs POST /api/v1/assets/import/) and
# overwrites everything by UUID; run it in the Superset venv, as the admin user.
_IMPORT_SCRIPT = """
import sys, zipfile
from flask import g
from superset.app import create_app

app = create_app()
with app.app_context():
    from superset import security_manager
    from superset.commands.importers.v1.assets import ImportAssetsCommand
    from superset.commands.importers.v1.utils import get_contents_from_bundle

    g.user = security_manager.find_user(username=sys.argv[2])
    if g.user is None:
        sys.exit(f"no Superset user {sys.argv[2]!r}: run `esup dashboards setup` first")
    with zipfile.ZipFile(sys.argv[1]) as bundle:
        contents = get_contents_from_bundle(bundle)
    ImportAssetsCommand(contents).run()
    print(f"imported {len(contents)} files")
"""


def import_dashboards(
    warehouse_url: str | None = None,
    metadata_url: str | None = None,
    state_dir: Path | None = None,
    quiet: bool = False,
) -> None:
    """Import every asset under dashboards/, overwriting what an earlier import made (by UUID)."""
    warehouse_url = warehouse_url or settings.warehouse_url()
    state_dir = state_dir or default_state_dir()
    metadata_url = metadata_url or default_metadata_url(warehouse_url)
    env = superset_env(metadata_url, state_dir)
    bundle = state_dir / "bundle.zip"
    state_dir.mkdir(parents=True, exist_ok=True)
    bundle.touch(mode=0o600)  # it holds the warehouse password, if the URL has one
    bundle.write_bytes(build_bundle(warehouse_url))
    try:
        with _step("import dashboards/ into Superset", quiet):
            _run_logged(
                ["python", "-c", _IMPORT_SCRIPT, str(bundle), admin().username],
                env,
                state_dir,
                "import",
                "import assets",
            )
    finally:
        bundle.unlink(missing_ok=True)


# --- the web server ---------------------------------------------------------------------------


def _pid_file(state_dir: Path) -> Path:
    return state_dir / "superset.pid"


def _read_pid(state_dir: Path) -> dict | None:
    try:
        return json.loads(_pid_file(state_dir).read_text())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """True while ``pid`` is a running gunicorn (a reused PID of another program does not count)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    zombie = stat.rsplit(") ", 1)[-1].startswith("Z")  # exited, not yet reaped by its parent
    return not zombie and b"gunicorn" in cmdline


def _healthy(base_url: str, timeout: float = 2) -> bool:
    import requests

    try:
        return requests.get(f"{base_url}/health", timeout=timeout).status_code == 200
    except requests.RequestException:
        return False


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start(
    port: int | None = None,
    warehouse_url: str | None = None,
    metadata_url: str | None = None,
    state_dir: Path | None = None,
    workers: int | None = None,
    timeout: float = 180,
    quiet: bool = False,
) -> str:
    """Start gunicorn in the background on 127.0.0.1:``port``; wait for /health; return the URL.

    A server this state dir already runs is left as it is (its URL is returned).
    """
    state_dir = state_dir or default_state_dir()
    port = port or default_port()
    running = status(state_dir)
    if running and running["port"] != port:
        raise SupersetError(f"Superset already runs on port {running['port']}: stop it first or use that port")
    if running and running["healthy"]:
        return running["url"]
    if running:
        stop(state_dir, quiet=True)
    if _port_in_use(port):
        raise SupersetError(f"port {port} is already in use (set ESUP_SUPERSET_PORT or --port)")
    metadata_url = metadata_url or default_metadata_url(warehouse_url)
    env = superset_env(metadata_url, state_dir)
    workers = workers or int(os.environ.get("ESUP_SUPERSET_WORKERS", "2"))
    log = state_dir / "logs" / "gunicorn.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    args = [
        str(venv_dir() / "bin" / "gunicorn"),
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "120",
        "-b",
        f"127.0.0.1:{port}",
        "--limit-request-line",
        "0",
        "--limit-request-field_size",
        "0",
        "superset.app:create_app()",
    ]
    base_url = f"http://127.0.0.1:{port}"
    with _step(f"start Superset on {base_url}", quiet):
        with open(log, "a") as out:
            process = subprocess.Popen(
                args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=state_dir, start_new_session=True
            )
        _pid_file(state_dir).write_text(json.dumps({"pid": process.pid, "port": port, "url": base_url}))
        deadline = time.monotonic() + timeout
        while not _healthy(base_url):
            if process.poll() is not None:
                _pid_file(state_dir).unlink(missing_ok=True)
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-25:])
                raise SupersetError(f"gunicorn exited with {process.returncode}; log {log}:\n{tail}")
            if time.monotonic() > deadline:
                stop(state_dir, quiet=True)
                raise SupersetError(f"Superset did not answer {base_url}/health within {timeout:.0f} s; log {log}")
            time.sleep(0.5)
    return base_url


def status(state_dir: Path | None = None) -> dict | None:
    """``{"pid", "port", "url", "healthy"}`` of the server this state dir started, or None."""
    state_dir = state_dir or default_state_dir()
    info = _read_pid(state_dir)
    if not info:
        return None
    if not _alive(info["pid"]):
        _pid_file(state_dir).unlink(missing_ok=True)
        return None
    return {**info, "healthy": _healthy(info["url"])}


def stop(state_dir: Path | None = None, timeout: float = 30, quiet: bool = False) -> bool:
    """Stop the gunicorn master this state dir started (it stops its workers). False if none ran."""
    state_dir = state_dir or default_state_dir()
    info = _read_pid(state_dir)
    if not info:
        return False
    pid = info["pid"]
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            _reap(pid)
            time.sleep(0.2)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)  # its own session: the master and its workers
        _reap(pid)
    _pid_file(state_dir).unlink(missing_ok=True)
    if not quiet:
        _console().print(f"stopped Superset (pid {pid})")
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


# --- export: the UI is where charts are built; this writes them back as code --------------------


def api_session(base_url: str, user: Admin | None = None):
    """A requests session logged in to the REST API, with bearer token, CSRF token and Referer."""
    import requests

    user = user or admin()
    session = requests.Session()
    response = session.post(
        f"{base_url}/api/v1/security/login",
        timeout=30,
        json={"username": user.username, "password": user.password, "provider": "db", "refresh": False},
    )
    if response.status_code != 200:
        raise SupersetError(f"login as {user.username} failed: {response.status_code} {response.text[:200]}")
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    csrf = session.get(f"{base_url}/api/v1/security/csrf_token/", timeout=30).json()["result"]
    session.headers.update({"X-CSRFToken": csrf, "Referer": base_url})
    return session


def _existing_names(target: Path) -> dict[str, Path]:
    """uuid → current path of every asset file, so a re-export keeps file names stable."""
    names = {}
    for path in target.rglob("*.yaml"):
        try:
            uuid = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("uuid")
        except yaml.YAMLError:
            continue
        if uuid:
            names[uuid] = path.relative_to(target)
    return names


def _file_stem(config: dict, kind: str) -> str:
    """An ASCII name for a new asset (Superset names Chinese titles by their numeric id)."""
    if kind == "dashboards" and config.get("slug"):
        return config["slug"]
    if kind == "datasets":
        return config["table_name"]
    return f"{kind.rstrip('s')}_{config['uuid'][:8]}"


def export_dashboards(
    base_url: str | None = None,
    target: Path = DASHBOARDS_DIR,
    state_dir: Path | None = None,
    quiet: bool = False,
) -> list[Path]:
    """Export every dashboard from a running Superset into ``target`` as YAML; return the files written.

    Files keep their names across exports (matched by UUID); database URIs are replaced by the
    placeholder so neither a host nor a password is committed.
    """
    if base_url is None:
        running = status(state_dir)
        if not running:
            raise SupersetError("Superset is not running: `esup dashboards start` first")
        base_url = running["url"]
    session = api_session(base_url)
    ids = [
        d["id"]
        for d in session.get(f"{base_url}/api/v1/dashboard/", timeout=30, params={"q": "(page_size:100)"}).json()[
            "result"
        ]
    ]
    if not ids:
        raise SupersetError("no dashboards to export")
    response = session.get(
        f"{base_url}/api/v1/dashboard/export/", timeout=120, params={"q": f"!({','.join(map(str, ids))})"}
    )
    if response.status_code != 200:
        raise SupersetError(f"export failed: {response.status_code} {response.text[:200]}")
    existing = _existing_names(target)
    written = []
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        for name in bundle.namelist():
            relative = Path(*Path(name).parts[1:])  # drop the dashboard_export_<timestamp>/ root
            text = bundle.read(name).decode("utf-8")
            kind = relative.parts[0]
            if kind == "metadata.yaml":
                path = target / "metadata.yaml"
                old = path.read_text(encoding="utf-8") if path.exists() else ""
                if re.sub(r"timestamp:.*", "", old) == re.sub(r"timestamp:.*", "", text):
                    continue  # only the export time changed
            else:
                config = yaml.safe_load(text)
                if kind == "databases":
                    config["sqlalchemy_uri"] = URI_PLACEHOLDER
                elif kind == "datasets":
                    # For PostgreSQL Superset's "catalog" is the database name, and a set catalog
                    # overrides the URI's database: left in, every chart would keep reading the
                    # database the export was made from, whatever the warehouse URL says.
                    config["catalog"] = None
                text = _dump(config)
                if config["uuid"] in existing:
                    path = target / existing[config["uuid"]]
                elif kind == "datasets":
                    database = yaml.safe_load(
                        bundle.read(
                            next(
                                n
                                for n in bundle.namelist()
                                if "/databases/" in n and config["database_uuid"] in bundle.read(n).decode()
                            )
                        )
                    )
                    folder = _file_stem(database, "databases")
                    folder = existing.get(database["uuid"], Path(folder)).stem
                    path = target / kind / folder / f"{_file_stem(config, kind)}.yaml"
                else:
                    path = target / kind / f"{_file_stem(config, kind)}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    if not quiet:
        _console().print(f"exported {len(written)} files into {target}")
    return written


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        choices=["setup", "import", "start", "stop", "status", "export"],
        help="setup: metadata DB, admin, roles; import: load dashboards/ into Superset; "
        "start/stop/status: the web server; export: write the dashboards back to dashboards/",
    )
    parser.add_argument("--port", type=int, help=f"port for start (env ESUP_SUPERSET_PORT, default {DEFAULT_PORT})")
    parser.add_argument("--warehouse-url", help="warehouse database URL (env ESUP_WAREHOUSE_URL)")


def run(args: argparse.Namespace) -> int:
    from esup.cli import UsageError

    if args.port is not None and not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port}")
    warehouse_url = args.warehouse_url or settings.warehouse_url()
    try:
        sqlalchemy_url(warehouse_url)
    except SupersetError as exc:
        raise UsageError(f"warehouse URL: {exc}") from exc
    console = _console(stderr=False)
    try:
        if args.action == "setup":
            setup(warehouse_url)
        elif args.action == "import":
            import_dashboards(warehouse_url)
        elif args.action == "start":
            url = start(args.port, warehouse_url)
            user = admin()
            password = (
                user.password if "ESUP_SUPERSET_ADMIN_PASSWORD" not in os.environ else "$ESUP_SUPERSET_ADMIN_PASSWORD"
            )
            console.print(
                f"电子监察总览: [bold]{url}/superset/dashboard/supervision-overview/[/bold]\n"
                f"login: {user.username} / {password}"
            )
        elif args.action == "stop":
            if not stop():
                console.print("Superset is not running")
        elif args.action == "status":
            info = status()
            if not info:
                console.print("Superset is not running")
                return 1
            health = "healthy" if info["healthy"] else "NOT answering /health"
            console.print(f"Superset pid {info['pid']} on {info['url']}: {health}")
            return 0 if info["healthy"] else 1
        elif args.action == "export":
            export_dashboards()
    except (SupersetError, psycopg.OperationalError) as exc:
        from rich.markup import escape

        _console().print(f"[red]esup dashboards {args.action}:[/red] {escape(str(exc))}", highlight=False)
        return 1
    return 0
