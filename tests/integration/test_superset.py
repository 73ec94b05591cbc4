"""Superset against a real PostgreSQL: setup, import twice, and every chart's data matches the marts.

Each chart of 电子监察总览 is read through ``GET /api/v1/chart/{id}/data/`` (its saved
``query_context``) and compared with a SQL query on the mart it reads — no hard-coded numbers.
"""

from __future__ import annotations

import math
import re
from datetime import UTC
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import superset

pytest_plugins = ["tests.superset_fixtures"]

SLUG = "supervision-overview"


def overview_charts() -> list[dict]:
    return superset.dashboard_charts(SLUG)


def overview_dashboard() -> dict:
    return next(c for n, c in superset.load_bundle().items() if n.startswith("dashboards/") and c["slug"] == SLUG)


pytestmark = pytest.mark.timeout(900)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = "status in ('in_progress', 'approaching', 'overdue')"
DONE = "status in ('completed_early', 'completed_on_time', 'completed_late')"


# --- the committed YAML (no server needed) ------------------------------------------------------


def test_bundle_has_no_credentials_and_a_placeholder_uri():
    databases = [c for n, c in superset.load_bundle().items() if n.startswith("databases/")]
    assert [d["database_name"] for d in databases] == ["电子监察数据仓库"]
    assert databases[0]["sqlalchemy_uri"] == superset.URI_PLACEHOLDER
    # A dataset's catalog (= PostgreSQL database name) would override the warehouse URL's database.
    datasets = [c for n, c in superset.load_bundle().items() if n.startswith("datasets/")]
    assert sorted(d["table_name"] for d in datasets) == ["case_timeliness", "upload_timeliness"]
    assert all(d["catalog"] is None and d["schema"] == "marts" for d in datasets)


@pytest.mark.parametrize("chart", overview_charts(), ids=lambda c: c["slice_name"])
def test_chart_is_saved_with_query_context_and_names_its_rule(chart):
    assert chart["query_context"], "without query_context the chart data API answers 400"
    assert re.search(r"\b(T[1-9]|Q[1-9])\b", chart["description"] or ""), "the tooltip must name its rule id"


def test_bundle_builds_with_the_warehouse_uri():
    import io
    import zipfile

    import yaml

    url = "postgresql://esup:s3cret@db.example:5432/esup"
    with zipfile.ZipFile(io.BytesIO(superset.build_bundle(url))) as bundle:
        names = bundle.namelist()
        database = yaml.safe_load(bundle.read(next(n for n in names if "/databases/" in n)))
        metadata = yaml.safe_load(bundle.read("esup_dashboards/metadata.yaml"))
    assert database["sqlalchemy_uri"] == "postgresql+psycopg2://esup:s3cret@db.example:5432/esup"
    assert metadata["type"] == "assets"
    assert len(names) == 1 + len(superset.load_bundle())


# --- against the running server -----------------------------------------------------------------


@pytest.fixture(scope="session")
def api(superset_server):
    return superset_server.api()


def _get(api, server, path, **params):
    response = api.get(f"{server.base_url}{path}", params=params, timeout=60)
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text[:500]}"
    return response.json()


def _charts_by_uuid(api, server) -> dict[str, dict]:
    result = _get(api, server, "/api/v1/chart/", q="(columns:!(id,uuid,slice_name,description),page_size:100)")[
        "result"
    ]
    return {c["uuid"]: c for c in result}


def test_setup_is_idempotent_and_fast_on_a_second_run(superset_server):
    print("Superset timings (s):", {k: round(v, 1) for k, v in superset_server.timings.items()})
    assert superset_server.timings["setup_warm"] < 5


def test_dashboard_exists_with_its_chinese_title(api, superset_server):
    dashboard = _get(api, superset_server, "/api/v1/dashboard/supervision-overview")["result"]
    assert dashboard["dashboard_title"] == "电子监察总览"
    assert dashboard["published"] is True
    charts = _get(api, superset_server, "/api/v1/dashboard/supervision-overview/charts")["result"]
    assert {c["slice_name"] for c in charts} == {c["slice_name"] for c in overview_charts()}


def test_import_twice_overwrites_by_uuid_and_duplicates_nothing(api, superset_server):
    before = _charts_by_uuid(api, superset_server)
    target = next(c for c in before.values() if c["slice_name"] == "各部门办件状态")
    # Someone edits the chart in the UI; the next import must restore what git says.
    response = api.put(
        f"{superset_server.base_url}/api/v1/chart/{target['id']}", json={"slice_name": "改过的标题"}, timeout=60
    )
    assert response.status_code == 200, response.text

    superset.import_dashboards(
        superset_server.warehouse_url, superset_server.metadata_url, state_dir=superset_server.state_dir, quiet=True
    )

    after = _charts_by_uuid(api, superset_server)
    assert {u: c["id"] for u, c in after.items()} == {u: c["id"] for u, c in before.items()}
    assert after[target["uuid"]]["slice_name"] == "各部门办件状态"
    counts = {
        kind: _get(api, superset_server, f"/api/v1/{kind}/", q="(page_size:100)")["count"]
        for kind in ("database", "dataset", "dashboard")
    }
    assert counts == {"database": 1, "dataset": 2, "dashboard": 1}


# --- every chart's rows against the mart --------------------------------------------------------


def _sql(url: str, query: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchall()


def _scalar(url: str, query: str):
    return _sql(url, query)[0][0]


def _only_value(rows: list[dict]):
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return next(iter(rows[0].values()))


def _num(value) -> float:
    return 0.0 if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _check_open(rows, url):
    assert _only_value(rows) == _scalar(url, f"select count(*) from marts.case_timeliness where {OPEN}")


def _check_approaching(rows, url):
    expected = _scalar(url, "select count(*) from marts.case_timeliness where status = 'approaching'")
    assert _only_value(rows) == expected


def _check_overdue(rows, url):
    assert _only_value(rows) == _scalar(url, "select count(*) from marts.case_timeliness where status = 'overdue'")


def _check_completed_late(rows, url):
    expected = _scalar(url, "select count(*) from marts.case_timeliness where status = 'completed_late'")
    assert _only_value(rows) == expected


def _check_on_time_rate(rows, url):
    expected = _scalar(url, f"select avg((status <> 'completed_late')::int) from marts.case_timeliness where {DONE}")
    assert _only_value(rows) == pytest.approx(float(expected))


def _check_late_upload_rate(rows, url):
    expected = _scalar(url, "select avg(is_late::int) from marts.upload_timeliness")
    assert _only_value(rows) == pytest.approx(float(expected))


def _check_as_of(rows, url):
    # Superset shows timestamps as UTC wall time; the metric converts to Beijing time first.
    as_of = _scalar(url, "select max(as_of) from marts.case_timeliness").astimezone(SHANGHAI)
    expected_ms = as_of.replace(tzinfo=UTC).timestamp() * 1000
    assert _only_value(rows) == expected_ms


def _check_status_by_department(rows, url):
    expected: dict[tuple[str, str], int] = {
        (dept, label): n
        for dept, label, n in _sql(
            url, "select department_name, status_label, count(*) from marts.case_timeliness group by 1, 2"
        )
    }
    got = {
        (row["department_name"], label): _num(value)
        for row in rows
        for label, value in row.items()
        if label != "department_name"
    }
    assert {k: v for k, v in got.items() if v} == pytest.approx(expected)
    departments = {d for d, _ in expected}
    assert {row["department_name"] for row in rows} == departments


def _check_late_uploads_by_department(rows, url):
    expected = dict(
        _sql(url, "select department_name, count(*) filter (where is_late) from marts.upload_timeliness group by 1")
    )
    got = {row["department_name"]: _num(row["late_uploads"]) for row in rows}
    assert got == pytest.approx({k: float(v) for k, v in expected.items()})


def _check_overdue_list(rows, url):
    expected = dict(_sql(url, "select case_no, remaining_wd from marts.case_timeliness where status = 'overdue'"))
    assert rows, "no overdue cases in the warehouse: the test data should have some"
    assert len(rows) == min(len(expected), 1000)
    assert {row["case_no"]: row["remaining_wd"] for row in rows}.items() <= expected.items()
    assert [row["remaining_wd"] for row in rows] == sorted(row["remaining_wd"] for row in rows)


def _check_upload_table(rows, url):
    expected = {
        dept: (events, late, float(rate))
        for dept, events, late, rate in _sql(
            url,
            "select department_name, count(*), count(*) filter (where is_late), avg(is_late::int)"
            " from marts.upload_timeliness group by 1",
        )
    }
    got = {r["department_name"]: (r["upload_events"], r["late_uploads"], r["late_upload_rate"]) for r in rows}
    assert got.keys() == expected.keys()
    for dept, (events, late, rate) in expected.items():
        assert got[dept][:2] == (events, late)
        assert got[dept][2] == pytest.approx(rate)
    rates = [r["late_upload_rate"] for r in rows]
    assert rates == sorted(rates, reverse=True)


CHECKS = {
    "在办件数": _check_open,
    "临近时限(黄灯)": _check_approaching,
    "超期件数(红灯)": _check_overdue,
    "超期办结件数": _check_completed_late,
    "按时办结率": _check_on_time_rate,
    "超时上传率": _check_late_upload_rate,
    "数据统计时点": _check_as_of,
    "各部门办件状态": _check_status_by_department,
    "各部门超时上传": _check_late_uploads_by_department,
    "超期办件清单(红灯)": _check_overdue_list,
    "各部门上传及时性": _check_upload_table,
}


def test_every_chart_on_the_dashboard_has_a_check():
    assert {c["slice_name"] for c in overview_charts()} == set(CHECKS)


@pytest.mark.parametrize("chart", overview_charts(), ids=lambda c: c["slice_name"])
def test_chart_data_matches_the_mart(api, superset_server, chart):
    charts = _charts_by_uuid(api, superset_server)
    chart_id = charts[chart["uuid"]]["id"]
    payload = _get(api, superset_server, f"/api/v1/chart/{chart_id}/data/", force="true")
    (result,) = payload["result"]
    assert result.get("error") is None, result.get("error")
    rows = result["data"]
    assert rows, f"{chart['slice_name']} returned no rows"
    CHECKS[chart["slice_name"]](rows, superset_server.warehouse_url)


def test_overview_has_a_department_filter_on_both_marts():
    native = overview_dashboard()["metadata"]["native_filter_configuration"]
    assert [f["name"] for f in native] == ["部门"]
