"""The embedded server's settings (esup/pg.py): written again at every start, so a server that an
older version created gets the current ones instead of keeping those of its day."""

from __future__ import annotations

import os
import shutil

import psycopg
import pytest

from esup import pg, settings
from tests.conftest import free_port

INCLUDE = f"include_if_exists = '{pg.SETTINGS_FILE}'"


def shown(url: str, *names: str) -> tuple[str, ...]:
    with psycopg.connect(url) as conn:
        return tuple(conn.execute(f"show {name}").fetchone()[0] for name in names)


@pytest.fixture
def data_dir():
    path = settings.home() / "test-pg" / f"settings-{os.getpid()}"
    shutil.rmtree(path, ignore_errors=True)
    yield path
    pg.stop(path)
    shutil.rmtree(path, ignore_errors=True)


def test_a_server_created_by_an_older_version_gets_the_current_settings(data_dir):
    port = free_port()
    url = pg.start(data_dir, port)
    assert shown(url, "work_mem", "autovacuum_vacuum_insert_threshold", "TimeZone") == ("256MB", "-1", "Asia/Shanghai")
    pg.stop(data_dir)
    # Started again: the include is not repeated.
    pg.start(data_dir, port)
    conf = data_dir / "postgresql.conf"
    assert conf.read_text().splitlines().count(INCLUDE) == 1
    pg.stop(data_dir)

    # As an older version left it: its settings appended to postgresql.conf, no settings file.
    lines = [line for line in conf.read_text().splitlines() if line != INCLUDE]
    conf.write_text("\n".join(lines) + "\n# esup local defaults\nwork_mem = 64MB\n")
    (data_dir / pg.SETTINGS_FILE).unlink()
    assert shown(pg.start(data_dir, port), "work_mem", "autovacuum_vacuum_insert_threshold") == ("256MB", "-1")
    assert conf.read_text().splitlines().count(INCLUDE) == 1


def test_the_warehouse_server_is_durable_and_test_servers_may_not_be(data_dir):
    """The server esup db start and make demo run keeps fsync and full_page_writes on (issue 20);
    a test server may turn them off."""
    port = free_port()
    url = pg.start(data_dir, port)
    assert shown(url, "fsync", "full_page_writes", "synchronous_commit", "wal_level") == ("on", "on", "off", "minimal")
    pg.stop(data_dir)
    assert shown(pg.start(data_dir, port, durable=False), "fsync", "full_page_writes") == ("off", "off")
    pg.stop(data_dir)
    # started durable again: the unsafe settings are gone
    assert shown(pg.start(data_dir, port), "fsync", "full_page_writes") == ("on", "on")
