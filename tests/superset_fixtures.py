"""A real Superset for the session, shared by tests/integration and tests/ui (pytest plugin).

Loaded through ``pytest_plugins = ["tests.superset_fixtures"]`` in the test modules. It reads the
warehouse built end to end by the ``built_warehouse`` fixture (the tiny simulated city).

The server gets a fresh metadata database ``superset_test`` on the session's test PostgreSQL, its
own state dir (``.esup/test-superset/<pid>``) and port ``ESUP_TEST_SUPERSET_PORT`` (default: a free
127.0.0.1 port), so it runs beside a demo on 8088 and beside another test session. The first import
happens here; the tests import again.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from esup import pg, settings, superset

METADATA_DATABASE = "superset_test"


@dataclass
class SupersetServer:
    base_url: str
    warehouse_url: str
    metadata_url: str
    state_dir: Path
    timings: dict[str, float] = field(default_factory=dict)

    def api(self):
        """A logged-in requests session (bearer token, CSRF token, Referer)."""
        return superset.api_session(self.base_url)


@pytest.fixture(scope="session")
def superset_server(built_warehouse: str, pg_server: str) -> SupersetServer:
    from tests.conftest import free_port

    state_dir = settings.home() / "test-superset" / str(os.getpid())
    superset.stop(state_dir, quiet=True)  # a server left over by an interrupted run of this pid
    shutil.rmtree(state_dir, ignore_errors=True)
    port = int(os.environ.get("ESUP_TEST_SUPERSET_PORT") or free_port())
    pg.drop_database(pg_server, METADATA_DATABASE)
    metadata_url = pg.ensure_database(pg_server, METADATA_DATABASE)

    timings = {}
    began = time.monotonic()
    superset.setup(built_warehouse, metadata_url, state_dir=state_dir, quiet=True)
    timings["setup_cold"] = time.monotonic() - began
    began = time.monotonic()
    superset.setup(built_warehouse, metadata_url, state_dir=state_dir, quiet=True)
    timings["setup_warm"] = time.monotonic() - began
    began = time.monotonic()
    superset.import_dashboards(built_warehouse, metadata_url, state_dir=state_dir, quiet=True)
    timings["import"] = time.monotonic() - began
    began = time.monotonic()
    base_url = superset.start(port, metadata_url=metadata_url, state_dir=state_dir, workers=2, quiet=True)
    timings["start"] = time.monotonic() - began
    try:
        yield SupersetServer(base_url, built_warehouse, metadata_url, state_dir, timings)
    finally:
        superset.stop(state_dir, quiet=True)
        if not os.environ.get("ESUP_TEST_KEEP_PG"):
            pg.drop_database(pg_server, METADATA_DATABASE)
            shutil.rmtree(state_dir, ignore_errors=True)
