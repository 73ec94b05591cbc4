"""Superset against a real PostgreSQL: setup, import twice, and every chart's data matches the marts.

Every chart of every dashboard (电子监察总览, 实时监控, 监察日志, 预警纠错, 数据质量, 绩效评估) is read
through ``GET /api/v1/chart/{id}/data/`` (its saved ``query_context``) and compared with a SQL query on
the mart it reads — no hard-coded numbers.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import superset

pytest_plugins = ["tests.superset_fixtures"]

DASHBOARDS = {
    "supervision-overview": "电子监察总览",
    "realtime-monitoring": "实时监控",
    "supervision-log": "监察日志",
    "early-warning": "预警纠错",
    "data-quality": "数据质量",
    "performance-evaluation": "绩效评估",
}
MARTS = [
    "card_daily_counts",
    "cards",
    "case_timeliness",
    "daily_supervision_log",
    "data_quality_findings",
    "node_timeliness",
    "performance_card_events",
    "performance_post_nodes",
    "performance_scores",
    "performance_timeliness_cases",
    "performance_upload_events",
    "upload_timeliness",
    "upload_timeliness_daily",
]


def dashboard_config(slug: str) -> dict:
    return next(c for n, c in superset.load_bundle().items() if n.startswith("dashboards/") and c["slug"] == slug)


def all_charts() -> list[dict]:
    """Every chart any dashboard places, once (数据统计时点 sits on two)."""
    charts = {}
    for slug in DASHBOARDS:
        for chart in superset.dashboard_charts(slug):
            charts.setdefault(chart["uuid"], chart)
    return list(charts.values())


pytestmark = pytest.mark.timeout(900)

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPEN = "status in ('in_progress', 'approaching', 'overdue')"
DONE = "status in ('completed_early', 'completed_on_time', 'completed_late')"
AS_OF_DATE = "(as_of at time zone 'Asia/Shanghai')::date"


# --- the committed YAML (no server needed) ------------------------------------------------------


def test_bundle_has_no_credentials_and_a_placeholder_uri():
    databases = [c for n, c in superset.load_bundle().items() if n.startswith("databases/")]
    assert [d["database_name"] for d in databases] == ["电子监察数据仓库"]
    assert databases[0]["sqlalchemy_uri"] == superset.URI_PLACEHOLDER
    # A dataset's catalog (= PostgreSQL database name) would override the warehouse URL's database.
    datasets = [c for n, c in superset.load_bundle().items() if n.startswith("datasets/")]
    assert sorted(d["table_name"] for d in datasets) == MARTS
    assert all(d["catalog"] is None and d["schema"] == "marts" for d in datasets)


def test_bundle_has_every_dashboard_and_no_stray_charts():
    bundle = superset.load_bundle()
    assert {c["slug"]: c["dashboard_title"] for n, c in bundle.items() if n.startswith("dashboards/")} == DASHBOARDS
    placed = {c["uuid"] for c in all_charts()}
    assert {c["uuid"] for n, c in bundle.items() if n.startswith("charts/")} == placed
    assert all(dashboard_config(slug)["published"] for slug in DASHBOARDS)


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c["slice_name"])
def test_chart_is_saved_with_query_context_and_names_its_rule(chart):
    assert chart["query_context"], "without query_context the chart data API answers 400"
    assert re.search(r"\b(T[1-9]|Q[1-9]|L|A[1-4]|P[1-3])\b", chart["description"] or ""), (
        "the tooltip must name its rule id"
    )


@pytest.mark.parametrize(
    ("slug", "rules"),
    [("early-warning", r"\bA[1-4]\b"), ("data-quality", r"\bQ[1-9]\b|Q1–Q9"), ("performance-evaluation", r"\bP[12]\b")],
)
def test_card_and_quality_charts_name_their_own_rules(slug, rules):
    """A number on 预警纠错 leads to a card rule (A1 黄牌 … A4 撤销); on 数据质量 to Q1 … Q9; on 绩效评估 to
    the scoring (P1) or comparison (P2) rule."""
    for chart in superset.dashboard_charts(slug):
        assert re.search(rules, chart["description"]), chart["slice_name"]
        assert not re.search(r"[A-Za-z]{4,}", chart["slice_name"]), f"{chart['slice_name']}: a title in English"


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


def _native_filter(slug: str) -> dict:
    (native,) = dashboard_config(slug)["metadata"]["native_filter_configuration"]
    return native


def _chart_ids(slug: str) -> dict[str, int]:
    """slice_name → the chartId the dashboard's layout gives it."""
    position = dashboard_config(slug)["position"]
    return {item["meta"]["sliceName"]: item["meta"]["chartId"] for item in position.values() if _is_chart(item)}


def _dataset_of(chart: dict) -> str:
    datasets = {c["uuid"]: c["table_name"] for n, c in superset.load_bundle().items() if n.startswith("datasets/")}
    return datasets[chart["dataset_uuid"]]


def test_exposures_name_every_dashboard_and_the_marts_it_reads():
    """Each dashboard is a dbt exposure whose depends_on are exactly the marts its charts read."""
    import yaml

    from esup import settings

    exposures = {}
    for path in (settings.dbt_project_dir() / "models").rglob("*exposures.yml"):
        for exposure in yaml.safe_load(path.read_text(encoding="utf-8"))["exposures"]:
            slug = re.fullmatch(r"http://127\.0\.0\.1:8088/superset/dashboard/([\w-]+)/", exposure["url"]).group(1)
            exposures[slug] = exposure
    assert exposures.keys() == DASHBOARDS.keys()
    for slug, exposure in exposures.items():
        assert exposure["label"] == DASHBOARDS[slug]
        assert exposure["type"] == "dashboard"
        assert exposure["owner"]["name"] == "市纪委监委（监察局）电子监察室"
        read = {_dataset_of(chart) for chart in superset.dashboard_charts(slug)}
        assert sorted(exposure["depends_on"]) == sorted(f"ref('{mart}')" for mart in read), slug


def test_quality_filters_drill_from_rule_and_department_to_the_records():
    rule, department = dashboard_config("data-quality")["metadata"]["native_filter_configuration"]
    findings = next(
        c["uuid"]
        for n, c in superset.load_bundle().items()
        if n.startswith("datasets/") and c["table_name"] == "data_quality_findings"
    )
    assert (rule["name"], department["name"]) == ("规则", "部门")
    assert rule["targets"] == [{"column": {"name": "rule_label"}, "datasetUuid": findings}]
    assert department["targets"] == [{"column": {"name": "department_name"}, "datasetUuid": findings}]
    ids = _chart_ids("data-quality")
    by_dataset = {c["slice_name"]: _dataset_of(c) for c in superset.dashboard_charts("data-quality")}
    on_findings = sorted(ids[name] for name, table in by_dataset.items() if table == "data_quality_findings")
    # the rule filter narrows every findings chart, the table of records included; Q1 upload charts have no rule
    assert sorted(rule["chartsInScope"]) == on_findings and ids["数据质量问题明细"] in on_findings
    assert sorted(rule["scope"]["excluded"]) == sorted(set(ids.values()) - set(on_findings))
    # the department filter narrows everything but the city line
    assert department["scope"]["excluded"] == [ids["全市每日上传合规率(近90天)"]]
    for native in (rule, department):
        assert native["controlValues"]["multiSelect"] is True
        assert native["defaultDataMask"]["filterState"] == {}  # every rule / department until one is picked


def test_early_warning_department_filter_leaves_the_city_trends_alone():
    native = _native_filter("early-warning")
    assert native["name"] == "部门"
    assert native["defaultDataMask"]["filterState"] == {}
    ids = _chart_ids("early-warning")
    city = [c for c in superset.dashboard_charts("early-warning") if _dataset_of(c) == "card_daily_counts"]
    assert len(city) == 2
    assert sorted(native["scope"]["excluded"]) == sorted(ids[c["slice_name"]] for c in city)
    for chart in city:
        assert chart["slice_name"].startswith("全市")
        department = next(f for f in chart["params"]["adhoc_filters"] if f["subject"] == "department_code")
        assert (department["operator"], department["comparator"]) == ("==", "ALL")


def test_card_colours_are_yellow_and_red():
    colours = dashboard_config("early-warning")["metadata"]["label_colors"]
    assert colours["黄牌"] == "#F2B705"
    assert colours["红牌"] == "#D9363E"


def test_overview_and_realtime_have_a_department_filter_on_every_chart():
    for slug in ("supervision-overview", "realtime-monitoring"):
        native = _native_filter(slug)
        assert native["name"] == "部门"
        assert native["scope"]["excluded"] == []
        assert native["defaultDataMask"]["filterState"] == {}  # every department until one is picked


def test_log_department_filter_defaults_to_the_city_and_leaves_the_city_trends_alone():
    native = _native_filter("supervision-log")
    assert native["name"] == "部门"
    assert native["controlValues"]["multiSelect"] is False
    assert native["controlValues"]["enableEmptyFilter"] is True  # a value is required: never 全市 + departments
    assert native["defaultDataMask"]["filterState"]["value"] == ["全市"]
    assert native["defaultDataMask"]["extraFormData"]["filters"] == [
        {"col": "department_name", "op": "IN", "val": ["全市"]}
    ]
    position = dashboard_config("supervision-log")["position"]
    ids = {item["meta"]["sliceName"]: item["meta"]["chartId"] for item in position.values() if _is_chart(item)}
    assert native["chartsInScope"] == [ids["监察日志明细"]]
    # The trends read department_code = 'ALL' themselves; a department filter on top would empty them.
    assert sorted(native["scope"]["excluded"]) == sorted(v for k, v in ids.items() if k != "监察日志明细")
    for chart in superset.dashboard_charts("supervision-log"):
        if chart["slice_name"] != "监察日志明细":
            filters = chart["params"]["adhoc_filters"]
            assert {"subject": "department_code", "operator": "==", "comparator": "ALL"}.items() <= next(
                f for f in filters if f["subject"] == "department_code"
            ).items()


def _is_chart(item) -> bool:
    return isinstance(item, dict) and item.get("type") == "CHART"


def test_light_colours_are_green_yellow_red_on_both_case_dashboards():
    for slug in ("supervision-overview", "realtime-monitoring"):
        colours = dashboard_config(slug)["metadata"]["label_colors"]
        assert colours["办理中(绿灯)"] == "#2E9E4F"
        assert colours["临近时限(黄灯)"] == "#F2B705"
        assert colours["已超期(红灯)"] == "#D9363E"


def test_calendar_warning_turns_red_above_zero_and_says_what_to_do():
    chart = next(c for c in all_charts() if c["slice_name"] == "日历临时计算警示")
    assert chart["params"]["conditional_formatting"] == [
        {"operator": ">", "targetValue": 0, "column": chart["params"]["metric"], "colorScheme": "#D9363E"}
    ]
    assert "T1" in chart["description"] and "国务院" in chart["description"]
    notes = [
        item["meta"]["code"]
        for item in dashboard_config("realtime-monitoring")["position"].values()
        if isinstance(item, dict) and item.get("type") == "MARKDOWN"
    ]
    assert any("T1" in n and "节假日安排" in n and "calendar_overrides.csv" in n for n in notes)


# --- 绩效评估: filters and datasets (no server needed) -----------------------------------------------

PERFORMANCE = "performance-evaluation"
RANKING = "绩效排名"
TREND = "各部门月度得分趋势(对比全市平均)"
PERIOD_COLUMNS = ("period_type_label", "period_label")


def _performance_filters() -> dict[str, dict]:
    natives = dashboard_config(PERFORMANCE)["metadata"]["native_filter_configuration"]
    return {native["name"]: native for native in natives}


def _datasets() -> dict[str, dict]:
    return {c["uuid"]: c for n, c in superset.load_bundle().items() if n.startswith("datasets/")}


def test_performance_filters_default_to_the_latest_month_of_departments():
    natives = _performance_filters()
    assert list(natives) == ["周期类型", "周期", "单位类型", "部门"]
    scores = next(c["uuid"] for c in _datasets().values() if c["table_name"] == "performance_scores")
    for native, column in zip(natives.values(), [*PERIOD_COLUMNS, "unit_type_label", "department_name"], strict=True):
        assert native["targets"] == [{"column": {"name": column}, "datasetUuid": scores}], native["name"]
    for name, default in (("周期类型", "月度"), ("单位类型", "部门")):
        native = natives[name]
        column = native["targets"][0]["column"]["name"]
        assert native["controlValues"]["multiSelect"] is False
        assert native["controlValues"]["enableEmptyFilter"] is True  # a value is required
        assert native["defaultDataMask"]["filterState"]["value"] == [default]
        assert native["defaultDataMask"]["extraFormData"]["filters"] == [{"col": column, "op": "IN", "val": [default]}]
    # 周期 offers the periods of the chosen type, latest first, and takes the first one by itself
    # (requiredFirst: applied on load, as the UI saves "select first filter value by default").
    period = natives["周期"]
    assert period["cascadeParentIds"] == [natives["周期类型"]["id"]]
    assert period["controlValues"]["defaultToFirstItem"] is True
    assert period["controlValues"]["sortAscending"] is False
    assert period["controlValues"]["multiSelect"] is False
    assert period["requiredFirst"] is True
    assert natives["部门"]["defaultDataMask"]["filterState"] == {}  # every department until one is picked


def test_performance_filter_scopes():
    natives = _performance_filters()
    ids = _chart_ids(PERFORMANCE)
    everything = set(ids.values())
    for name in ("周期类型", "周期"):  # the trend is monthly, over every month
        assert natives[name]["scope"]["excluded"] == [ids[TREND]], name
        assert sorted(natives[name]["chartsInScope"]) == sorted(everything - {ids[TREND]}), name
    assert sorted(natives["单位类型"]["chartsInScope"]) == sorted(
        ids[n] for n in (RANKING, "等级分布", "督办部分（W1–W3）计分情况")
    )
    drill_downs = [
        c["slice_name"] for c in superset.dashboard_charts(PERFORMANCE) if _dataset_of(c) != "performance_scores"
    ]
    assert len(drill_downs) == 4
    assert sorted(natives["部门"]["chartsInScope"]) == sorted(
        ids[n] for n in ("各部门扣分构成", "得分最低的岗位", "得分最低的事项", *drill_downs)
    )
    for native in natives.values():
        assert sorted(native["scope"]["excluded"]) == sorted(everything - set(native["chartsInScope"])), native["name"]


def test_every_chart_the_period_filters_reach_has_the_period_columns():
    """Superset applies a native filter by column name and silently drops it on a dataset without
    that column; the drill-down datasets repeat each monthly row for its month, quarter and year."""
    datasets = _datasets()
    expressions = {}
    ids = _chart_ids(PERFORMANCE)
    in_scope = set(_performance_filters()["周期"]["chartsInScope"])
    for chart in superset.dashboard_charts(PERFORMANCE):
        if ids[chart["slice_name"]] not in in_scope:
            continue
        columns = {c["column_name"]: c for c in datasets[chart["dataset_uuid"]]["columns"]}
        for name in PERIOD_COLUMNS:
            assert name in columns, f"{chart['slice_name']}: no {name}"
            expressions.setdefault(name, set()).add(columns[name]["expression"])
    assert all(len(e) == 1 for e in expressions.values()), "the period labels must mean the same on every dataset"


def test_performance_charts_with_a_fixed_unit_type_filter_on_it():
    """Outside the 单位类型 filter's scope a chart reads one unit type itself (or none: the drill-downs)."""
    unit_scoped = set(_performance_filters()["单位类型"]["chartsInScope"])
    ids = _chart_ids(PERFORMANCE)
    fixed = {
        "各部门月度得分趋势(对比全市平均)": "department",
        "各部门扣分构成": "department",
        "县区得分比较": "county",
        "得分最低的岗位": "post",
        "得分最低的事项": "power",
    }
    for chart in superset.dashboard_charts(PERFORMANCE):
        name = chart["slice_name"]
        if _dataset_of(chart) != "performance_scores" or ids[name] in unit_scoped or name == "评分统计时点":
            continue
        unit = [f for f in chart["params"]["adhoc_filters"] if f["subject"] == "unit_type"]
        assert [(f["operator"], f["comparator"]) for f in unit] == [("==", fixed[name])], name


def test_workflows_note_counts_the_units_whose_w_part_is_not_scored():
    """督办部分（W1–W3）暂未计分: the units of the chosen period and unit type whose workflows part is not
    scored yet (workflows_scored false, the part then 0 by absence), orange above 0."""
    (chart,) = [c for c in superset.dashboard_charts(PERFORMANCE) if c["slice_name"] == "督办部分（W1–W3）计分情况"]
    assert chart["params"]["metric"] == "workflows_unscored_units"
    assert chart["params"]["subheader"] == "个单位的督办部分（W1–W3）暂未计分"
    assert chart["params"]["conditional_formatting"][0]["operator"] == ">"
    assert "按 0 计" in chart["description"]
    scores = next(c for c in _datasets().values() if c["table_name"] == "performance_scores")
    metric = next(m for m in scores["metrics"] if m["metric_name"] == "workflows_unscored_units")
    assert metric["expression"] == "count(*) filter (where not workflows_scored)"


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


@pytest.mark.parametrize("slug", DASHBOARDS)
def test_dashboard_exists_with_its_chinese_title(api, superset_server, slug):
    dashboard = _get(api, superset_server, f"/api/v1/dashboard/{slug}")["result"]
    assert dashboard["dashboard_title"] == DASHBOARDS[slug]
    assert dashboard["published"] is True
    charts = _get(api, superset_server, f"/api/v1/dashboard/{slug}/charts")["result"]
    assert {c["slice_name"] for c in charts} == {c["slice_name"] for c in superset.dashboard_charts(slug)}


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
        for kind in ("database", "dataset", "dashboard", "chart")
    }
    assert counts == {"database": 1, "dataset": len(MARTS), "dashboard": len(DASHBOARDS), "chart": len(all_charts())}


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


def _opt(value) -> float | None:
    """A nullable number: None for SQL null / NaN, else a float."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _day(epoch_ms) -> date:
    """Superset sends DATE columns as epoch milliseconds of UTC midnight."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).date()


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


def _pivoted(rows, index: str) -> dict[tuple[str, str], float]:
    """(index value, series) → value of a pivoted bar chart, empty cells left out."""
    got = {(row[index], series): _num(value) for row in rows for series, value in row.items() if series != index}
    return {k: v for k, v in got.items() if v}


def _check_status_by_department(rows, url):
    expected = {
        (dept, label): n
        for dept, label, n in _sql(
            url, "select department_name, status_label, count(*) from marts.case_timeliness group by 1, 2"
        )
    }
    assert _pivoted(rows, "department_name") == pytest.approx(expected)
    assert {row["department_name"] for row in rows} == {d for d, _ in expected}


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


# --- 实时监控 -------------------------------------------------------------------------------------


def _check_lights_by_department(rows, url):
    expected = {
        (dept, label): n
        for dept, label, n in _sql(
            url, f"select department_name, status_label, count(*) from marts.case_timeliness where {OPEN} group by 1, 2"
        )
    }
    assert {label for _, label in expected} <= {"办理中(绿灯)", "临近时限(黄灯)", "已超期(红灯)"}
    assert _pivoted(rows, "department_name") == pytest.approx(expected)


def _keyed(rows, *key: str) -> dict[tuple, dict]:
    keyed = {tuple(row[k] for k in key): row for row in rows}
    assert len(keyed) == len(rows), "a list shows a row twice"
    return keyed


def _check_approaching_list(rows, url):
    expected = {
        (dept, case): (remaining, elapsed, limit, days, calendar_days)
        for dept, case, remaining, elapsed, limit, days, calendar_days in _sql(
            url,
            "select department_name, case_no, remaining_wd, elapsed_wd, promised_limit_wd,"
            f" promised_due_date - {AS_OF_DATE}, elapsed_calendar_days"
            " from marts.case_timeliness where status = 'approaching'",
        )
    }
    assert len(rows) == min(len(expected), 1000)
    got = _keyed(rows, "department_name", "case_no")
    for key, row in got.items():
        assert key in expected, f"{key} is on the 黄灯 list but not approaching"
        fields = ("remaining_wd", "elapsed_wd", "promised_limit_wd", "days_until_due", "elapsed_calendar_days")
        assert tuple(row[f] for f in fields) == expected[key], key
        assert row["remaining_wd"] == row["promised_limit_wd"] - row["elapsed_wd"]
    remaining = [row["remaining_wd"] for row in rows]
    assert remaining == sorted(remaining), "smallest remaining_wd first"


def _check_overdue_duration_list(rows, url):
    expected = {
        (dept, case): (wd, days, due)
        for dept, case, wd, days, due in _sql(
            url,
            "select department_name, case_no, elapsed_wd - promised_limit_wd,"
            f" {AS_OF_DATE} - promised_due_date, promised_due_date"
            " from marts.case_timeliness where status = 'overdue'",
        )
    }
    assert rows, "no overdue cases in the warehouse: the test data should have some"
    assert len(rows) == min(len(expected), 1000)
    for key, row in _keyed(rows, "department_name", "case_no").items():
        wd, days, due = expected[key]
        assert (row["overdue_wd"], row["overdue_calendar_days"], _day(row["promised_due_date"])) == (wd, days, due)
        assert row["overdue_calendar_days"] > 0, "red means the due date has passed"
    order = [(-row["overdue_calendar_days"], -row["overdue_wd"], row["case_no"]) for row in rows]
    assert order == sorted(order), "longest overdue first"


def _check_calendar_warning(rows, url):
    expected = _scalar(url, f"select count(*) from marts.case_timeliness where calendar_provisional and {OPEN}")
    assert _only_value(rows) == expected


def _check_node_over_limit_list(rows, url):
    expected = {
        (dept, case, seq): (float(limit), elapsed, float(elapsed - limit))
        for dept, case, seq, limit, elapsed in _sql(
            url,
            "select department_name, case_no, node_seq, limit_wd, elapsed_wd"
            " from marts.node_timeliness where over_limit and not is_finished",
        )
    }
    assert rows, "no open node over its limit in the warehouse: the test data should have some"
    assert len(rows) == min(len(expected), 1000)
    for key, row in _keyed(rows, "department_name", "case_no", "node_seq").items():
        assert (float(row["limit_wd"]), row["elapsed_wd"], float(row["over_limit_wd"])) == expected[key], key
        assert row["over_limit_wd"] > 0
    over = [row["over_limit_wd"] for row in rows]
    assert over == sorted(over, reverse=True), "most over first"


# --- 监察日志 -------------------------------------------------------------------------------------


def _city_log(url: str, columns: list[str]) -> dict[date, tuple]:
    return {
        row[0]: tuple(row[1:])
        for row in _sql(
            url,
            f"select log_date, {', '.join(columns)} from marts.daily_supervision_log where department_code = 'ALL'",
        )
    }


def _check_city_series(rows, url, metrics: dict[str, str], approx: bool = False):
    expected = _city_log(url, list(metrics.values()))
    got = {_day(row["log_date"]): tuple(_opt(row[m]) for m in metrics) for row in rows}
    assert got.keys() == expected.keys(), "one point per logged day"
    for day, values in expected.items():
        for metric, want, have in zip(metrics, values, got[day], strict=True):
            if want is None:  # a ratio on a day without completions / open cases
                assert have is None, (day, metric)
            elif approx:  # the mart rounds its ratios to 4 decimals (half away from zero); the chart does not
                assert have == pytest.approx(float(want), abs=1e-4), (day, metric)
            else:
                assert have == float(want), (day, metric)


def _check_log_city_lights(rows, url):
    _check_city_series(
        rows,
        url,
        {
            "in_progress_eod_total": "in_progress_eod",
            "approaching_eod_total": "approaching_eod",
            "overdue_eod_total": "overdue_eod",
        },
    )


def _check_log_city_rates(rows, url):
    _check_city_series(
        rows,
        url,
        {
            "early_completion_ratio": "early_completion_rate",
            "overdue_ratio": "overdue_rate",
            "approaching_ratio": "approaching_rate",
        },
        approx=True,
    )


def _check_log_city_flow(rows, url):
    _check_city_series(
        rows,
        url,
        {"accepted_total": "accepted", "completed_total": "completed", "completed_early_total": "completed_early"},
    )


LOG_COLUMNS = [
    "accepted",
    "completed",
    "completed_early",
    "early_completion_rate",
    "in_progress_eod",
    "approaching_eod",
    "approaching_rate",
    "overdue_eod",
    "overdue_rate",
    "supervision_self_initiated",
    "supervision_feedback",
    "late_upload_events",
]


def _check_log_table(rows, url):
    expected = {
        (day, dept): tuple(_opt(v) for v in values)
        for day, dept, *values in _sql(
            url, f"select log_date, department_name, {', '.join(LOG_COLUMNS)} from marts.daily_supervision_log"
        )
    }
    assert len(rows) == min(len(expected), 10000)
    got = {(_day(r["log_date"]), r["department_name"]): tuple(_opt(r[c]) for c in LOG_COLUMNS) for r in rows}
    assert len(got) == len(rows)
    assert got.items() <= expected.items()
    assert "全市" in {dept for _, dept in got}
    days = [r["log_date"] for r in rows]
    assert days == sorted(days, reverse=True), "latest day first"


# --- 数据质量 -------------------------------------------------------------------------------------

ON_TIME = "avg((is_late is false)::int)"  # Q1 compliance: a late or never uploaded event is not compliant


def _check_findings_total(rows, url):
    assert _only_value(rows) == _scalar(url, "select count(*) from marts.data_quality_findings")


def _check_upload_compliance_rate(rows, url):
    expected = _scalar(url, f"select {ON_TIME} from marts.upload_timeliness")
    assert _only_value(rows) == pytest.approx(float(expected))


def _recent_days(url: str, days: int) -> tuple[date, date]:
    """The first and last day of the ``days`` days up to the evaluation date."""
    as_of = _scalar(url, "select max(as_of) from marts.upload_timeliness").astimezone(SHANGHAI).date()
    return date.fromordinal(as_of.toordinal() - days + 1), as_of


def _check_compliance_heatmap(rows, url):
    expected = {
        (day, dept): float(rate)
        for day, dept, rate in _sql(
            url,
            f"select occurred_date, department_name, {ON_TIME} from marts.upload_timeliness"
            f" where occurred_date > {AS_OF_DATE} - 30 group by 1, 2",
        )
    }
    got = {(_day(r["occurred_date"]), r["department_name"]): r["on_time_upload_rate"] for r in rows}
    assert len(got) == len(rows), "a department-day shown twice"
    assert got == pytest.approx(expected)
    first, last = _recent_days(url, 30)
    assert all(first <= day <= last for day, _ in got), "only the last 30 days (no 1970 timestamps)"


def _check_city_compliance(rows, url):
    expected = {
        day: float(rate)
        for day, rate in _sql(
            url,
            f"select occurred_date, {ON_TIME} from marts.upload_timeliness"
            f" where occurred_date > {AS_OF_DATE} - 90 group by 1",
        )
    }
    got = {_day(r["occurred_date"]): r["on_time_upload_rate"] for r in rows}
    assert got == pytest.approx(expected), "one point per day with events, the city's compliance"
    first, last = _recent_days(url, 90)
    assert min(got) >= first and max(got) == last


def _check_findings_by_rule(rows, url):
    expected = dict(
        _sql(url, "select rule_id || ' ' || rule_name, count(*) from marts.data_quality_findings group by 1")
    )
    got = {r["rule_label"]: _num(r["finding_count"]) for r in rows}
    assert got == pytest.approx({k: float(v) for k, v in expected.items()})
    labels = [r["rule_label"] for r in rows]
    assert labels == sorted(labels), "Q1 … Q9 in order"


def _check_findings_by_department(rows, url):
    expected = {
        (dept, rule): n
        for dept, rule, n in _sql(
            url,
            "select department_name, rule_id || ' ' || rule_name, count(*) from marts.data_quality_findings"
            " group by 1, 2",
        )
    }
    assert _pivoted(rows, "department_name") == pytest.approx(expected)
    assert {r["department_name"] for r in rows} == {d for d, _ in expected}


RECORD_TYPES = {  # the findings table's 记录类型 (a calculated column of the dataset)
    "acceptance": "受理",
    "node_finish": "环节办结",
    "suspension_start": "暂停开始",
    "suspension_end": "暂停结束",
    "completion": "办结",
    "power_item": "权力事项",
    "case_node": "办件环节",
    "case_accepted": "受理记录",
    "case_completed": "办结记录",
    "account": "账号",
    "supervision_task_action": "督办办理",
    "complaint": "投诉",
    "power_change_request": "权力事项变更申请",
}


def _check_findings_table(rows, url):
    expected = {
        (rule, dept, RECORD_TYPES.get(record_type, record_type), key): (case_no, detail, detected)
        for rule, dept, record_type, key, case_no, detail, detected in _sql(
            url,
            "select rule_id || ' ' || rule_name, department_name, record_type, record_key, case_no, detail,"
            " detected_at at time zone 'Asia/Shanghai' from marts.data_quality_findings",
        )
    }
    assert {record_type for _, _, record_type, _ in expected} <= set(RECORD_TYPES.values()), "a type without 中文"
    assert len(rows) == min(len(expected), 1000)
    for key, row in _keyed(rows, "rule_label", "department_name", "record_type_label", "record_key").items():
        case_no, detail, detected = expected[key]
        # Beijing wall time (the column converts it), sent as epoch milliseconds
        assert (row["case_no"], row["detail"], row["detected_at_local"]) == (
            case_no,
            detail,
            detected.replace(tzinfo=UTC).timestamp() * 1000,
        ), key
    shown = [r["detected_at_local"] for r in rows]
    assert shown == sorted(shown, reverse=True), "latest finding first"


# --- 预警纠错 -------------------------------------------------------------------------------------

ACTIVE = "is_issued and revoked_on is null and not exempt"  # A4/T9: what is_active must mean


def _check_active_model(url):
    """The dashboard counts is_active; it must be issued, not revoked, not exempt."""
    assert _scalar(url, f"select count(*) from marts.cards where is_active is distinct from ({ACTIVE})") == 0


def _check_active_yellow(rows, url):
    _check_active_model(url)
    expected = _scalar(url, "select count(*) from marts.cards where is_active and color = 'yellow'")
    assert _only_value(rows) == expected


def _check_active_red(rows, url):
    expected = _scalar(url, "select count(*) from marts.cards where is_active and color = 'red'")
    assert _only_value(rows) == expected


def _check_active_risk(rows, url):
    expected = _scalar(url, "select count(*) from marts.cards where is_active and is_risk_point")
    assert _only_value(rows) == expected


def _check_revoked_total(rows, url):
    assert _only_value(rows) == _scalar(url, "select count(*) from marts.cards where revoked_on is not null")


def _check_cards_by(rows, url, column: str, index: str):
    expected = {
        (key, colour): n
        for key, colour, n in _sql(
            url, f"select {column}, color_zh, count(*) from marts.cards where is_active group by 1, 2"
        )
    }
    assert {colour for _, colour in expected} <= {"黄牌", "红牌"}
    assert _pivoted(rows, index) == pytest.approx(expected)
    assert {r[index] for r in rows} == {k for k, _ in expected}


def _check_cards_by_department(rows, url):
    _check_cards_by(rows, url, "department_name", "department_name")


def _check_cards_by_rule(rows, url):
    _check_cards_by(rows, url, "rule_id || ' ' || rule_name", "rule_label")


def _days(row, *columns) -> tuple:
    return tuple(None if row[c] is None else _day(row[c]) for c in columns)


def _check_red_list(rows, url):
    dates = ("issued_on", "correction_deadline", "red_on", "corrected_on")
    expected = {
        card: (dept, case_no, *days)
        for card, dept, case_no, *days in _sql(
            url,
            f"select card_id, department_name, case_no, {', '.join(dates)} from marts.cards"
            " where is_active and color = 'red'",
        )
    }
    assert rows, "no red card in the warehouse: the test data should have some"
    assert len(rows) == min(len(expected), 1000)
    for (card,), row in _keyed(rows, "card_id").items():
        assert (row["department_name"], row["case_no"], *_days(row, *dates)) == expected[card], card
        red_on, deadline = _days(row, "red_on", "correction_deadline")
        assert red_on == date.fromordinal(deadline.toordinal() + 1), "A2: red the day after the deadline"
    order = [(row["red_on"], row["card_id"]) for row in rows]
    assert order == sorted(order), "earliest red first"


def _check_near_deadline(rows, url):
    expected = {
        card: (wd, deadline)
        for card, wd, deadline in _sql(
            url,
            "select card_id, wd_to_deadline, correction_deadline from marts.cards"
            " where is_active and corrected_on is null and color = 'yellow' and wd_to_deadline <= 2",
        )
    }
    assert rows, "no yellow card near its deadline in the warehouse: the test data should have one"
    assert len(rows) == min(len(expected), 1000)
    for (card,), row in _keyed(rows, "card_id").items():
        assert (row["wd_to_deadline"], _day(row["correction_deadline"])) == expected[card], card
        assert 0 <= row["wd_to_deadline"] <= 2
    order = [(row["wd_to_deadline"], row["correction_deadline"], row["card_id"]) for row in rows]
    assert order == sorted(order), "fewest working days left first"


def _city_cards(url: str, columns: list[str]) -> dict[date, tuple]:
    return {
        row[0]: tuple(float(v) for v in row[1:])
        for row in _sql(
            url,
            f"select calendar_date, {', '.join(f'sum({c})' for c in columns)} from marts.card_daily_counts"
            " where department_code = 'ALL' group by 1",
        )
    }


def _check_card_city_series(rows, url, metrics: dict[str, str]):
    expected = _city_cards(url, list(metrics.values()))
    got = {_day(row["calendar_date"]): tuple(_num(row[m]) for m in metrics) for row in rows}
    assert len(got) == len(rows) and got == expected, "one point per day, the city's sums"


def _check_card_daily_flow(rows, url):
    metrics = {
        "issued_total": "issued",
        "turned_red_total": "turned_red",
        "corrected_total": "corrected",
        "revoked_total": "revoked",
    }
    _check_card_city_series(rows, url, metrics)
    # A4: revoked cards counted on their revocation day; issued on their issue day
    revoked = dict(_sql(url, "select revoked_on, count(*) from marts.cards where revoked_on is not null group by 1"))
    assert {_day(r["calendar_date"]): r["revoked_total"] for r in rows if r["revoked_total"]} == revoked
    issued = _scalar(url, "select count(*) from marts.cards where is_issued")
    assert sum(r["issued_total"] for r in rows) == issued


def _check_card_daily_open(rows, url):
    _check_card_city_series(rows, url, {"open_yellow_total": "open_yellow_eod", "open_red_total": "open_red_eod"})


def _check_risk_list(rows, url):
    expected = {
        card: (colour, dept, rule)
        for card, colour, dept, rule in _sql(
            url,
            "select card_id, color_zh, department_name, rule_id || ' ' || rule_name from marts.cards"
            " where is_active and is_risk_point",
        )
    }
    assert len(rows) == min(len(expected), 1000)
    for (card,), row in _keyed(rows, "card_id").items():
        assert (row["color_zh"], row["department_name"], row["rule_label"]) == expected[card], card
    order = [(-row["issued_on"], row["card_id"]) for row in rows]
    assert order == sorted(order), "latest issued first"


def _check_revoked_list(rows, url):
    expected = {
        card: (revoked, reason)
        for card, revoked, reason in _sql(
            url, "select card_id, revoked_on, revocation_reason from marts.cards where revoked_on is not null"
        )
    }
    assert len(rows) == min(len(expected), 1000)
    for (card,), row in _keyed(rows, "card_id").items():
        assert (_day(row["revoked_on"]), row["revocation_reason"]) == expected[card], card
    order = [(-row["revoked_on"], row["card_id"]) for row in rows]
    assert order == sorted(order), "latest revocation first"


# --- 绩效评估 -------------------------------------------------------------------------------------

GRADES = {"优秀", "良好", "合格", "不合格"}
COLOURS = {"yellow": "黄牌", "red": "红牌"}
PARTS = {  # metric of 各部门扣分构成 -> column of performance_scores
    "timeliness_deduction_sum": "timeliness_deduction",
    "uploads_deduction_sum": "uploads_deduction",
    "cards_deduction_sum": "cards_deduction",
    "workflows_deduction_sum": "workflows_deduction",
}
RANKING_COLUMNS = [
    "rank",
    "unit_name",
    "parent_department",
    "score",
    "grade",
    "score_change",
    "timeliness_deduction",
    "uploads_deduction",
    "cards_deduction",
    "workflows_deduction",
    "nodes_deduction",
    "bonuses",
    "provisional_label",
]
# what the ranking shows, from the mart's own columns (所属部门 only for posts and powers; 预估 / 正式)
RANKING_SQL = (
    "select rank, unit_name, case when unit_type in ('post', 'power') then department_name else '' end,"
    " score, grade, score_change, timeliness_deduction, uploads_deduction, cards_deduction,"
    " workflows_deduction, nodes_deduction, bonuses, provisional from marts.performance_scores"
)


def _norm(value):
    """A chart cell or a SQL value, comparable: numbers as floats, dates and wall times as Superset's
    epoch milliseconds (of UTC midnight / of the wall time read as UTC), NaN as None."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC).timestamp() * 1000
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp() * 1000
    return _opt(value)


def _ranking_row(row: tuple) -> tuple:
    *values, provisional = row
    return (*(_norm(v) for v in values), "预估" if provisional else "正式")


def _period_label(period_type: str, start: date) -> str:
    """The 周期 filter's value for a period (the datasets' period_label)."""
    if period_type == "month":
        return f"{start.year}年{start.month:02d}月"
    if period_type == "quarter":
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    return f"{start.year}年"


def _check_performance_as_of(rows, url):
    as_of = _scalar(url, "select max(as_of) from marts.performance_scores").astimezone(SHANGHAI)
    assert _only_value(rows) == as_of.replace(tzinfo=UTC).timestamp() * 1000


def _check_workflows_unscored(rows, url):
    expected = _scalar(url, "select count(*) from marts.performance_scores where not workflows_scored")
    assert _only_value(rows) == expected


def _check_ranking(rows, url):
    """Without the dashboard's filters the table lists every period and unit type (up to 1000 rows)."""
    expected = Counter(_ranking_row(r) for r in _sql(url, RANKING_SQL))
    got = Counter(tuple(_norm(row[c]) for c in RANKING_COLUMNS) for row in rows)
    assert len(rows) == min(sum(expected.values()), 1000)
    assert not got - expected, "a ranking row that is not in marts.performance_scores"
    assert {row["grade"] for row in rows} <= GRADES


def _check_department_trend(results, url):
    departments, city = results  # query A: one series per department; query B: the city mean
    expected = {
        (_norm(start), name): float(score)
        for start, name, score in _sql(
            url,
            "select period_start, unit_name, avg(score) from marts.performance_scores"
            " where period_type = 'month' and unit_type = 'department' group by 1, 2",
        )
    }
    got = {(row["period_start"], name): v for row in departments for name, v in row.items() if name != "period_start"}
    assert {k: v for k, v in got.items() if v is not None and not math.isnan(v)} == pytest.approx(expected)
    means = dict(
        _sql(
            url,
            "select period_start, avg(score) from marts.performance_scores"
            " where period_type = 'month' and unit_type = 'department' group by 1",
        )
    )
    assert {row["period_start"]: row["city_mean_score"] for row in city} == pytest.approx(
        {_norm(k): float(v) for k, v in means.items()}
    )
    assert len(means) >= 2, "a trend needs more than one month"


def _check_grade_distribution(rows, url):
    expected = dict(_sql(url, "select grade, count(*) from marts.performance_scores group by 1"))
    assert {row["grade"]: row["unit_count"] for row in rows} == expected
    assert set(expected) <= GRADES


def _check_department_deductions(rows, url):
    expected = {
        name: tuple(float(v) for v in values)
        for name, *values in _sql(
            url,
            f"select unit_name, {', '.join(f'sum({c})' for c in PARTS.values())} from marts.performance_scores"
            " where unit_type = 'department' group by 1",
        )
    }
    got = {row["unit_name"]: tuple(_num(row[m]) for m in PARTS) for row in rows}
    assert got.keys() == expected.keys()
    for name, values in expected.items():
        assert got[name] == pytest.approx(values), name


def _check_county_scores(rows, url):
    expected = dict(
        _sql(url, "select unit_name, avg(score) from marts.performance_scores where unit_type = 'county' group by 1")
    )
    assert {row["unit_name"]: row["mean_score"] for row in rows} == pytest.approx(
        {k: float(v) for k, v in expected.items()}
    )


def _check_lowest(rows, url, unit_type: str, name: str, columns: list[str], tie: str):
    expected = Counter(
        tuple(_norm(v) for v in row)
        for row in _sql(
            url,
            f"select unit_name, department_name, {', '.join(columns)} from marts.performance_scores"
            f" where unit_type = '{unit_type}'",
        )
    )
    got = Counter(tuple(_norm(row[c]) for c in [name, "department_name", *columns]) for row in rows)
    assert rows, f"no {unit_type} scored: the test data should have some"
    assert len(rows) == min(sum(expected.values()), 1000)
    assert not got - expected
    order = [(row["score"], -row[tie]) for row in rows]
    assert order == sorted(order), "lowest score first"


def _check_worst_posts(rows, url):
    _check_lowest(
        rows,
        url,
        "post",
        "post_name",
        ["score", "grade", "nodes_finished", "nodes_over_limit", "rank"],
        "nodes_over_limit",
    )


def _check_worst_powers(rows, url):
    columns = ["score", "grade", "cases_completed", "cases_late", "cases_early", "rank"]
    _check_lowest(rows, url, "power", "power_name", columns, "cases_late")


# Each drill-down table: (its columns, SQL giving them in that order from the view, a Python step for
# the columns the dataset labels in Chinese, the column the table is sorted on, descending).
DRILL_DOWNS = {
    "期限扣分明细：超期办结件": (
        [
            "department_name",
            "case_no",
            "power_name",
            "accepted_at_local",
            "completed_at_local",
            "promised_due_date",
            "elapsed_wd",
            "exempt_wd",
        ],
        "select department_name, case_no, power_name, accepted_at at time zone 'Asia/Shanghai',"
        " completed_at at time zone 'Asia/Shanghai', promised_due_date, elapsed_wd, exempt_wd"
        " from marts.performance_timeliness_cases where counts_as_late",
        None,
        "completed_at_local",
    ),
    "数据报送扣分明细：超时上传事件": (
        [
            "department_name",
            "record_type_label",
            "record_key",
            "occurred_at_local",
            "first_uploaded_at_local",
            "delay_hours",
        ],
        "select department_name, record_type, record_key, occurred_at at time zone 'Asia/Shanghai',"
        " first_uploaded_at at time zone 'Asia/Shanghai', delay_hours"
        " from marts.performance_upload_events where is_late",
        lambda r: (r[0], RECORD_TYPES.get(r[1], r[1]), *r[2:]),
        "delay_hours",
    ),
    "预警纠错扣分明细：出黄牌与转红牌": (
        ["on_date", "event_zh", "department_name", "rule_label", "case_no", "card_id", "color_label", "detail"],
        "select on_date, event_zh, department_name, rule_id || ' ' || rule_name, case_no, card_id, color, detail"
        " from marts.performance_card_events where true",
        lambda r: (*r[:6], COLOURS[r[6]], r[7]),
        "on_date",
    ),
    "岗位扣分明细：超时环节": (
        [
            "department_name",
            "post_code",
            "case_no",
            "node_name",
            "handler_account",
            "started_at_local",
            "finished_at_local",
            "limit_wd",
            "elapsed_wd",
        ],
        "select department_name, post_code, case_no, node_name, handler_account,"
        " started_at at time zone 'Asia/Shanghai', finished_at at time zone 'Asia/Shanghai', limit_wd, elapsed_wd"
        " from marts.performance_post_nodes where over_limit",
        None,
        "finished_at_local",
    ),
}


def _drill_down_expected(url: str, name: str, where: str = "true", copies: int = 1) -> Counter:
    _, query, relabel, _ = DRILL_DOWNS[name]
    rows = [relabel(r) if relabel else r for r in _sql(url, f"{query} and {where}")]
    counted = Counter(tuple(_norm(v) for v in row) for row in rows)
    return Counter({row: n * copies for row, n in counted.items()})


def _check_drill_down(name: str):
    def check(rows, url):
        columns, _, _, order = DRILL_DOWNS[name]
        # Unfiltered, each event is listed once for its month, its quarter and its year.
        expected = _drill_down_expected(url, name, copies=3)
        got = Counter(tuple(_norm(row[c]) for c in columns) for row in rows)
        assert len(rows) == min(sum(expected.values()), 1000)
        assert not got - expected, "a row the view does not hold"
        if len(rows) < 1000:
            assert got == expected
        shown = [row[order] for row in rows]
        assert shown == sorted(shown, reverse=True), f"sorted on {order}, latest / largest first"

    return check


CHECKS = {
    # 电子监察总览
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
    # 实时监控
    "各部门红黄绿灯": _check_lights_by_department,
    "即将到期清单(黄灯)": _check_approaching_list,
    "超期清单(红灯，超期时长)": _check_overdue_duration_list,
    "日历临时计算警示": _check_calendar_warning,
    "节点超时清单(未完成)": _check_node_over_limit_list,
    # 监察日志
    "全市在办·黄灯·红灯趋势(24时)": _check_log_city_lights,
    "全市比率趋势": _check_log_city_rates,
    "全市每日受理与办结": _check_log_city_flow,
    "监察日志明细": _check_log_table,
    # 预警纠错
    "有效黄牌": _check_active_yellow,
    "有效红牌": _check_active_red,
    "风险点有效牌": _check_active_risk,
    "已撤销牌": _check_revoked_total,
    "各部门有效牌(黄牌/红牌)": _check_cards_by_department,
    "各异常规则有效牌(黄牌/红牌)": _check_cards_by_rule,
    "红牌清单": _check_red_list,
    "临近整改期限的黄牌(2个工作日内)": _check_near_deadline,
    "全市每日发牌·转红·纠正·撤销": _check_card_daily_flow,
    "全市日终在途黄牌·红牌": _check_card_daily_open,
    "风险点牌清单": _check_risk_list,
    "撤销牌清单(按撤销日)": _check_revoked_list,
    # 数据质量
    "数据质量问题数": _check_findings_total,
    "上传合规率": _check_upload_compliance_rate,
    "各部门每日上传合规率(近30天)": _check_compliance_heatmap,
    "全市每日上传合规率(近90天)": _check_city_compliance,
    "各规则问题数": _check_findings_by_rule,
    "各部门问题数(按规则)": _check_findings_by_department,
    "数据质量问题明细": _check_findings_table,
    # 绩效评估
    "评分统计时点": _check_performance_as_of,
    "督办部分（W1–W3）计分情况": _check_workflows_unscored,
    RANKING: _check_ranking,
    TREND: _check_department_trend,
    "等级分布": _check_grade_distribution,
    "各部门扣分构成": _check_department_deductions,
    "县区得分比较": _check_county_scores,
    "得分最低的岗位": _check_worst_posts,
    "得分最低的事项": _check_worst_powers,
    **{name: _check_drill_down(name) for name in DRILL_DOWNS},
}


def test_every_chart_on_every_dashboard_has_a_check():
    assert sorted(c["slice_name"] for c in all_charts()) == sorted(CHECKS)


def _chart_results(api, server, chart: dict) -> list[list[dict]]:
    """The rows of each query of the chart's saved query_context (two for a mixed chart)."""
    charts = _charts_by_uuid(api, server)
    chart_id = charts[chart["uuid"]]["id"]
    payload = _get(api, server, f"/api/v1/chart/{chart_id}/data/", force="true")
    for result in payload["result"]:
        assert result.get("error") is None, result.get("error")
    return [result["data"] for result in payload["result"]]


def _chart_rows(api, server, chart: dict) -> list[dict]:
    (rows,) = _chart_results(api, server, chart)
    return rows


@pytest.mark.parametrize("chart", all_charts(), ids=lambda c: c["slice_name"])
def test_chart_data_matches_the_mart(api, superset_server, chart):
    results = _chart_results(api, superset_server, chart)
    assert all(results), f"{chart['slice_name']} returned no rows"
    CHECKS[chart["slice_name"]](results[0] if len(results) == 1 else results, superset_server.warehouse_url)


def _upload_charts_in_department_scope() -> list[tuple[str, dict]]:
    """(dashboard, chart) for every chart on upload_timeliness_daily its dashboard's 部门 filter narrows."""
    bundle = superset.load_bundle()
    daily = next(c["uuid"] for n, c in bundle.items() if c.get("table_name") == "upload_timeliness_daily")
    charts = {c["uuid"]: c for n, c in bundle.items() if n.startswith("charts/")}
    found = []
    for dashboard in (c for n, c in bundle.items() if n.startswith("dashboards/")):
        natives = [n for n in dashboard["metadata"]["native_filter_configuration"] if n["name"] == "部门"]
        for item in dashboard["position"].values():
            if not _is_chart(item) or charts[item["meta"]["uuid"]]["dataset_uuid"] != daily:
                continue
            if any(item["meta"]["chartId"] not in n["scope"]["excluded"] for n in natives):
                found.append((dashboard["slug"], charts[item["meta"]["uuid"]]))
    return found


@pytest.mark.parametrize(
    ("slug", "chart"), _upload_charts_in_department_scope(), ids=lambda v: v if isinstance(v, str) else v["slice_name"]
)
def test_department_filter_narrows_the_daily_upload_charts(api, superset_server, slug, chart):
    """The 部门 filters target another dataset; Superset applies them by column name (department_name)."""
    url = superset_server.warehouse_url
    department, events, late = _sql(
        url,
        "select department_name, count(*), count(*) filter (where is_late) from marts.upload_timeliness"
        " group by 1 order by 3 desc, 1 limit 1",
    )[0]
    chart_id = _charts_by_uuid(api, superset_server)[chart["uuid"]]["id"]
    query_context = json.loads(_get(api, superset_server, f"/api/v1/chart/{chart_id}")["result"]["query_context"])
    for query in query_context["queries"]:  # what the filter bar adds (extraFormData.filters)
        query["filters"].append({"col": "department_name", "op": "IN", "val": [department], "isExtra": True})
    response = api.post(f"{superset_server.base_url}/api/v1/chart/data", json=query_context, timeout=60)
    assert response.status_code == 200, response.text[:500]
    (result,) = response.json()["result"]
    assert result.get("error") is None, result.get("error")
    assert result["rejected_filters"] == [], f"{DASHBOARDS[slug]}: the 部门 filter does not apply"
    assert {"column": "department_name"} in result["applied_filters"]
    rows = result["data"]
    assert rows
    if "department_name" in rows[0]:
        assert {r["department_name"] for r in rows} == {department}
    if chart["slice_name"] == "超时上传率":
        assert _only_value(rows) == pytest.approx(late / events)


def test_the_log_and_the_live_lights_tell_the_same_story(api, superset_server):
    """The log's last day (counted up to the evaluation time) shows the lights 实时监控 shows now."""
    by_name = {c["slice_name"]: c for c in all_charts()}
    lights = _chart_rows(api, superset_server, by_name["各部门红黄绿灯"])
    trend = _chart_rows(api, superset_server, by_name["全市在办·黄灯·红灯趋势(24时)"])
    last = max(trend, key=lambda row: row["log_date"])
    as_of = _scalar(superset_server.warehouse_url, "select max(as_of) from marts.case_timeliness")
    assert _day(last["log_date"]) == as_of.astimezone(SHANGHAI).date()
    labels = ("办理中(绿灯)", "临近时限(黄灯)", "已超期(红灯)")
    totals = {label: sum(_num(row.get(label)) for row in lights) for label in labels}
    assert last["approaching_eod_total"] == totals["临近时限(黄灯)"]
    assert last["overdue_eod_total"] == totals["已超期(红灯)"]
    # open cases on an unknown power are in progress but get no light
    unlit = _scalar(
        superset_server.warehouse_url,
        "select count(*) from marts.case_timeliness where status is null and completed_at is null",
    )
    assert last["in_progress_eod_total"] == sum(totals.values()) + unlit


# --- 绩效评估 with the filters the filter bar sets -------------------------------------------------


def _filtered_result(api, server, chart: dict, filters: dict[str, str]) -> dict:
    """The chart's data with native filters added as the filter bar adds them (extraFormData)."""
    chart_id = _charts_by_uuid(api, server)[chart["uuid"]]["id"]
    query_context = json.loads(_get(api, server, f"/api/v1/chart/{chart_id}")["result"]["query_context"])
    for query in query_context["queries"]:
        for column, value in filters.items():
            query["filters"].append({"col": column, "op": "IN", "val": [value], "isExtra": True})
    response = api.post(f"{server.base_url}/api/v1/chart/data", json=query_context, timeout=60)
    assert response.status_code == 200, response.text[:500]
    (result,) = response.json()["result"]
    assert result.get("error") is None, result.get("error")
    assert result["rejected_filters"] == [], f"{chart['slice_name']}: a filter does not apply"
    assert set(filters) <= {f["column"] for f in result["applied_filters"]}
    return result


def _performance_chart(name: str) -> dict:
    return next(c for c in superset.dashboard_charts(PERFORMANCE) if c["slice_name"] == name)


def _latest(url: str, period_type: str) -> date:
    return _scalar(url, f"select max(period_start) from marts.performance_scores where period_type = '{period_type}'")


def test_ranking_by_default_is_the_latest_month_of_departments(api, superset_server):
    """The ranking as the dashboard opens (周期类型 月度, 周期 the latest month, 单位类型 部门) equals the
    mart: one row per department, ranked by score (ties share a rank), with score, grade and parts."""
    url = superset_server.warehouse_url
    natives = _performance_filters()
    latest = _latest(url, "month")
    months = [
        r[0]
        for r in _sql(url, "select distinct period_start from marts.performance_scores where period_type = 'month'")
    ]
    # 周期 lists the months latest first and takes the first: that is the latest month
    assert sorted((_period_label("month", m) for m in months), reverse=True)[0] == _period_label("month", latest)
    defaults = {
        "period_type_label": natives["周期类型"]["defaultDataMask"]["filterState"]["value"][0],
        "period_label": _period_label("month", latest),
        "unit_type_label": natives["单位类型"]["defaultDataMask"]["filterState"]["value"][0],
    }
    assert (defaults["period_type_label"], defaults["unit_type_label"]) == ("月度", "部门")
    rows = _filtered_result(api, superset_server, _performance_chart(RANKING), defaults)["data"]
    expected = [
        _ranking_row(r)
        for r in _sql(
            url,
            f"{RANKING_SQL} where period_type = 'month' and unit_type = 'department'"
            f" and period_start = '{latest}' order by rank, unit_name, department_name",
        )
    ]
    assert expected, "no department scored in the latest month"
    assert [tuple(_norm(row[c]) for c in RANKING_COLUMNS) for row in rows] == expected
    # P2: rank 1 is the highest score, ties share a rank (SQL rank()), every department once
    ranks = dict(
        _sql(
            url,
            "select unit_code, rank() over (order by score desc) from marts.performance_scores"
            f" where period_type = 'month' and unit_type = 'department' and period_start = '{latest}'",
        )
    )
    assert sorted(row["rank"] for row in rows) == sorted(ranks.values())
    assert len({row["unit_name"] for row in rows}) == len(rows) == len(ranks)


@pytest.mark.parametrize("period_type", ["month", "quarter", "year"])
@pytest.mark.parametrize("name", list(DRILL_DOWNS))
def test_period_filters_narrow_the_drill_downs(api, superset_server, name, period_type):
    """A drill-down under 周期类型 and 周期 lists exactly the events of that period, each once."""
    url = superset_server.warehouse_url
    start = _latest(url, period_type)
    labels = {"month": "月度", "quarter": "季度", "year": "年度"}
    filters = {"period_type_label": labels[period_type], "period_label": _period_label(period_type, start)}
    rows = _filtered_result(api, superset_server, _performance_chart(name), filters)["data"]
    columns = DRILL_DOWNS[name][0]
    expected = _drill_down_expected(url, name, f"date_trunc('{period_type}', month_start)::date = '{start}'")
    got = Counter(tuple(_norm(row[c]) for c in columns) for row in rows)
    if sum(expected.values()) <= 1000:
        assert got == expected
    else:
        assert len(rows) == 1000 and not got - expected


def test_department_filter_narrows_the_drill_downs_to_one_department(api, superset_server):
    url = superset_server.warehouse_url
    (department,) = _sql(
        url,
        "select department_name from marts.performance_card_events group by 1 order by count(*) desc, 1 limit 1",
    )[0]
    name = "预警纠错扣分明细：出黄牌与转红牌"
    start = _latest(url, "year")
    filters = {"period_type_label": "年度", "period_label": _period_label("year", start), "department_name": department}
    rows = _filtered_result(api, superset_server, _performance_chart(name), filters)["data"]
    assert rows and {row["department_name"] for row in rows} == {department}
    where = f"department_name = '{department}' and date_trunc('year', month_start)::date = '{start}'"
    assert len(rows) == sum(_drill_down_expected(url, name, where).values())
