"""Shared fixtures: a real PostgreSQL for the whole session, and a warehouse built end to end.

The tests start their own embedded PostgreSQL (a free port, data under .esup/test-pg/<pid>) unless
``ESUP_TEST_PG_URL`` names an existing server (its ``postgres`` database).
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from esup import pg, settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def pg_server():
    """URL of the ``postgres`` database of a running server the tests may create databases on.

    Each session gets its own server (data dir and free port), so test sessions never stop each
    other's; it is stopped and removed at the end.
    """
    if os.environ.get("ESUP_TEST_PG_URL"):
        yield os.environ["ESUP_TEST_PG_URL"]
        return
    data_dir = settings.home() / "test-pg" / str(os.getpid())
    shutil.rmtree(data_dir, ignore_errors=True)
    url = pg.start(data_dir, port=free_port(), durable=False)
    yield url
    if not os.environ.get("ESUP_TEST_KEEP_PG"):
        pg.stop(data_dir)
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.fixture()
def scratch_db(pg_server, request):
    """A fresh, empty database for one test; dropped afterwards."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    pg.drop_database(pg_server, name)
    url = pg.ensure_database(pg_server, name)
    yield url
    pg.drop_database(pg_server, name)


# The tiny city every end-to-end test shares: simulated once per session, run once through
# the real CLI (ingest → dbt → expectations) at a fixed evaluation time.
SIMULATION_START = "2026-06-01"
SIMULATION_END = "2026-11-20"
AS_OF = "2026-11-20T19:00:00+08:00"


def esup_cli(*args: str, env: dict | None = None, check: bool = True):
    """Run the installed ``esup`` command as a user would; return the CompletedProcess."""
    import subprocess
    import sys

    exe = Path(sys.executable).parent / "esup"
    result = subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        raise AssertionError(f"esup {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def simulated_city(pg_server, tmp_path_factory) -> dict:
    """Exchange databases of the tiny simulation on the test server, and their source list."""
    from datetime import date

    from esup.simulate import simulate

    sources_file = tmp_path_factory.mktemp("city") / "sources.yml"
    summary = simulate(
        pg_server,
        sources_file,
        cases=600,
        seed=2010,
        start=date.fromisoformat(SIMULATION_START),
        end=date.fromisoformat(SIMULATION_END),
        progress=False,
    )
    return {"sources_file": sources_file, "summary": summary, "server": pg_server}


@pytest.fixture(scope="session")
def built_warehouse(simulated_city) -> str:
    """URL of a warehouse built end to end from the tiny simulation by ``esup run``."""
    server = simulated_city["server"]
    pg.drop_database(server, "warehouse_e2e")
    url = pg.ensure_database(server, "warehouse_e2e")
    esup_cli("run", "--sources", str(simulated_city["sources_file"]), "--as-of", AS_OF, env={"ESUP_WAREHOUSE_URL": url})
    return url
