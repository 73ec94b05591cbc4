"""docker-compose.yml cannot run here (no Docker engine); check it carries what the local path configures."""

from __future__ import annotations

import os
import re
from pathlib import Path

import psycopg
import pytest
import yaml

from esup import settings
from esup.commands.airflow import airflow_env, read_env_file

ROOT = settings.PROJECT_ROOT
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
    "airflow-worker",
)


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def local_only_airflow_keys() -> set[str]:
    """What airflow_env() adds beyond the shared file and the caller's environment."""
    shared = read_env_file(ROOT / "config" / "platform.env")
    return {k for k in airflow_env() if k not in shared and k not in os.environ} - {"PATH"}


def test_every_production_service_is_there(compose):
    assert set(compose["services"]) >= {"postgres", "redis", "airflow-init", *AIRFLOW_SERVICES, "superset"}


def test_airflow_services_share_the_local_configuration(compose, monkeypatch):
    for key in list(os.environ):
        if key.startswith(("AIRFLOW", "ESUP_")):
            monkeypatch.delenv(key)
    needed = local_only_airflow_keys()
    assert {"ESUP_WAREHOUSE_URL", "ESUP_SOURCES", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"} <= needed
    for name in AIRFLOW_SERVICES:
        service = compose["services"][name]
        assert "config/platform.env" in service["env_file"], name
        missing = needed - set(service["environment"])
        assert not missing, f"{name} lacks {sorted(missing)}"
        assert service["environment"]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
        assert service["environment"]["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://redis:")


def test_superset_gets_what_its_local_setup_sets(compose, tmp_path):
    from esup import superset

    local = set(superset.superset_env("postgresql://u@h/superset", tmp_path)) - set(os.environ)
    local -= {"PATH", "PYTHONUNBUFFERED", "SUPERSET_HOME", "SUPERSET_CACHE_DIR"}  # image defaults suffice
    service = compose["services"]["superset"]
    assert not local - set(service["environment"]), sorted(local - set(service["environment"]))
    config_path = service["environment"]["SUPERSET_CONFIG_PATH"]
    mounted = {v.split(":")[1] for v in service["volumes"]}
    assert any(config_path.startswith(m) for m in mounted)


def test_every_variable_is_documented_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", text))
    documented = set(read_env_file(ROOT / ".env.example"))
    assert used, "the compose file reads no variables?"
    assert not used - documented, sorted(used - documented)


def test_shared_settings_exist_and_init_creates_the_databases():
    shared = read_env_file(ROOT / "config" / "platform.env")
    assert shared["AIRFLOW__CORE__LOAD_EXAMPLES"] == "False"
    init = (ROOT / "config" / "postgres-init.sql").read_text()
    assert "create database airflow" in init and "create database superset" in init
    assert Path(ROOT / "Dockerfile").exists()


def test_the_postgres_service_runs_with_the_embedded_servers_settings(compose, pg_server):
    """Each `-c` setting of the compose server is the embedded server's too (esup/pg.py)."""
    command = compose["services"]["postgres"]["command"]
    flags = [command[i + 1].split("=", 1) for i, arg in enumerate(command) if arg == "-c"]
    assert "autovacuum_vacuum_insert_threshold" in dict(flags)
    with psycopg.connect(pg_server) as conn:
        for name, value in flags:
            assert conn.execute("select current_setting(%s)", (name,)).fetchone()[0] == value, name
