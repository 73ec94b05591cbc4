"""The pipeline through real Airflow (`airflow dags test`): same result as `esup run`, and a source
that is down fails only its own task."""

from __future__ import annotations

import psycopg
import pytest
import yaml

from esup import pg
from tests.conftest import AS_OF, esup_cli
from tests.integration.test_pipeline_e2e import mart_fingerprint


@pytest.fixture(scope="module")
def airflow_env(pg_server, tmp_path_factory):
    """A private Airflow home and metadata database on the test server."""
    pg.drop_database(pg_server, "airflow_test")
    metadata = pg.ensure_database(pg_server, "airflow_test")
    env = {
        "ESUP_HOME": str(tmp_path_factory.mktemp("esup_home")),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata.replace("postgresql://", "postgresql+psycopg2://"),
        "ESUP_RETRY_DELAY_SECONDS": "1",
    }
    esup_cli("airflow", "migrate", env=env)
    yield env
    pg.drop_database(pg_server, "airflow_test")


def dag_test(env: dict, logical_date: str = AS_OF, *flags: str) -> str:
    result = esup_cli(
        "airflow", "cli", "--", "dags", "test", "supervision__pipeline", logical_date, *flags, env=env, check=False
    )
    return result.stdout + result.stderr


def assert_succeeded(output: str) -> None:
    assert "DagRun Finished" in output and "state=success" in output.split("DagRun Finished")[-1], output[-3000:]


def test_dag_run_builds_the_same_warehouse_as_the_cli(airflow_env, simulated_city, built_warehouse, pg_server):
    pg.drop_database(pg_server, "warehouse_airflow")
    warehouse = pg.ensure_database(pg_server, "warehouse_airflow")
    env = {**airflow_env, "ESUP_WAREHOUSE_URL": warehouse, "ESUP_SOURCES": str(simulated_city["sources_file"])}
    assert_succeeded(dag_test(env, "2026-11-19T19:00:00+08:00"))
    # the next day with the param full_refresh: every row is rebuilt, so none keeps the day before's as_of
    # (an incremental run would keep it on the completed cases it did not touch, ADR 0006)
    assert_succeeded(dag_test(env, AS_OF, "--conf", '{"full_refresh": true}'))
    # evaluated at the data-interval end (= the logical date passed to `dags test`)
    with psycopg.connect(warehouse) as conn:
        as_of = conn.execute("select distinct as_of from marts.case_timeliness").fetchall()
        assert [a.isoformat() for (a,) in as_of] == ["2026-11-20T19:00:00+08:00"]
    assert mart_fingerprint(warehouse) == mart_fingerprint(built_warehouse)
    pg.drop_database(pg_server, "warehouse_airflow")


def test_a_source_that_is_down_fails_alone_and_is_named(airflow_env, simulated_city, pg_server, tmp_path):
    pg.drop_database(pg_server, "warehouse_airflow_down")
    warehouse = pg.ensure_database(pg_server, "warehouse_airflow_down")
    listed = yaml.safe_load(simulated_city["sources_file"].read_text())
    listed["sources"].append(
        {
            "name": "down",
            "kind": "department",
            "department_code": "ZJJ2",
            "url": "postgresql://postgres@127.0.0.1:1/nowhere",
        }
    )
    sources = tmp_path / "sources.yml"
    sources.write_text(yaml.safe_dump(listed, allow_unicode=True))
    output = dag_test({**airflow_env, "ESUP_WAREHOUSE_URL": warehouse, "ESUP_SOURCES": str(sources)})
    final = output.split("DagRun Finished")[-1]
    assert "state=failed" in final, output[-3000:]
    assert "source down: cannot connect" in output
    assert "sources that could not be pulled" in output
    with psycopg.connect(warehouse) as conn:
        # dbt still built the city from the healthy sources
        departments = conn.execute("select count(distinct department_code) from marts.case_timeliness").fetchone()[0]
        errors = dict(conn.execute("select source_name, last_error from raw.sources").fetchall())
    assert departments == 17
    assert errors["down"].startswith("source down: cannot connect")
    assert sum(1 for e in errors.values() if e) == 1
    pg.drop_database(pg_server, "warehouse_airflow_down")
