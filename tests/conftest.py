"""Shared fixtures: a real PostgreSQL for the whole session, and a warehouse built end to end.

The tests start their own embedded PostgreSQL (port 55433, data under .esup/test-pg) unless
``ESUP_TEST_PG_URL`` names an existing server (its ``postgres`` database).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from esup import pg, settings

TEST_PORT = 55433


@pytest.fixture(scope="session")
def pg_server() -> str:
    """URL of the ``postgres`` database of a running server the tests may create databases on."""
    if os.environ.get("ESUP_TEST_PG_URL"):
        return os.environ["ESUP_TEST_PG_URL"]
    started_here = not pg.is_running(Path(settings.home()) / "test-pg")
    url = pg.start(settings.home() / "test-pg", port=TEST_PORT)
    yield url
    if started_here and not os.environ.get("ESUP_TEST_KEEP_PG"):
        pg.stop(settings.home() / "test-pg")


@pytest.fixture()
def scratch_db(pg_server, request):
    """A fresh, empty database for one test; dropped afterwards."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    pg.drop_database(pg_server, name)
    url = pg.ensure_database(pg_server, name)
    yield url
    pg.drop_database(pg_server, name)
