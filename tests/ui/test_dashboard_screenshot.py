"""Every dashboard in a real browser: log in once, open each, prove every chart drew, keep screenshots.

Headless Debian Chromium driven by the pip ``playwright`` package (no browser download). A chart
"loads" even when it shows an error or the login page, so each chart is checked by what it painted:
its element is screenshotted and the non-background pixels counted (decoded by the browser itself,
no Pillow needed), ECharts canvases must hold painted pixels, and no chart may show an error. The
screenshots land in ``.esup/screenshots/<slug>.png``.
"""

from __future__ import annotations

import base64
import tempfile

import psycopg
import pytest

from esup import settings, superset

pytest_plugins = ["tests.superset_fixtures"]

pytestmark = pytest.mark.timeout(600)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Tall enough that a whole dashboard is in view: Superset only renders charts near the viewport
# (DASHBOARD_VIRTUALIZATION), and 绩效评估 is the tallest at ≈ 5000 px (预警纠错 and 数据质量 ≈ 3400 px).
VIEWPORT = {"width": 1600, "height": 5400}
DASHBOARDS = {
    "supervision-overview": "电子监察总览",
    "realtime-monitoring": "实时监控",
    "supervision-log": "监察日志",
    "early-warning": "预警纠错",
    "data-quality": "数据质量",
    "performance-evaluation": "绩效评估",
}
# The native filters each dashboard's filter bar shows, in order.
FILTERS = {slug: ["部门"] for slug in DASHBOARDS} | {
    "data-quality": ["规则", "部门"],
    "performance-evaluation": ["周期类型", "周期", "单位类型", "部门"],
}
WARNING_RED = "rgb(217, 54, 62)"  # #D9363E, the conditional formatting of 日历临时计算警示

# Counts pixels of a PNG (base64) that differ from its corner pixel (the chart's background).
COUNT_PAINTED = """async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width; canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, img.width, img.height).data;
    const [r0, g0, b0] = [d[0], d[1], d[2]];
    let painted = 0;
    for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i] - r0) + Math.abs(d[i + 1] - g0) + Math.abs(d[i + 2] - b0) > 60) painted++;
    }
    return {painted, total: img.width * img.height};
}"""

# Painted pixels of every canvas inside an element (ECharts draws on a 2d canvas).
CANVAS_PAINTED = """(el) => Array.from(el.querySelectorAll('canvas')).map(c => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted++;
    return painted;
})"""

# Two different Chinese words drawn in the page's font: without a CJK font both come out as the same
# row of empty boxes (tofu), so identical pixels mean the Chinese text on the screenshot is unreadable.
CJK_GLYPHS_DIFFER = """() => {
    const canvas = document.createElement('canvas');
    canvas.width = 96; canvas.height = 40;
    const ctx = canvas.getContext('2d');
    const draw = (text) => {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        ctx.font = '28px ' + getComputedStyle(document.body).fontFamily;
        ctx.fillText(text, 0, 30);
        return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data).join(',');
    };
    return draw('监察') !== draw('日志');
}"""


@pytest.fixture(scope="module")
def browser_page(superset_server):
    """One logged-in Chromium page for the whole module; tests open the dashboards they need."""
    from playwright.sync_api import sync_playwright

    user = superset.admin()
    with tempfile.TemporaryDirectory(prefix="esup-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="zh-CN",
        )
        try:
            page = context.new_page()
            page.goto(f"{superset_server.base_url}/login/")
            page.fill("[data-test=username-input]", user.username)
            page.fill("[data-test=password-input]", user.password)
            page.click("[data-test=login-button]")
            page.wait_for_url(lambda url: "/login" not in url, timeout=30_000)
            yield page
        finally:
            context.close()


def _open(page, base_url: str, slug: str):
    """Show dashboard ``slug`` with every chart finished (navigates only when another page is shown;
    waits either way, as an earlier test may have left the dashboard redrawing)."""
    url = f"{base_url}/superset/dashboard/{slug}/"
    if not page.url.startswith(url):
        page.goto(url)
    # Once its native filters are initialised, Superset writes their state into the URL and redraws
    # the grid: charts counted before that can vanish a moment later.
    page.wait_for_url(lambda current: "native_filters_key=" in current, timeout=60_000)
    _wait_for_charts(page, len(superset.dashboard_charts(slug)))
    return page


def _wait_for_charts(page, expected: int) -> None:
    page.wait_for_function(
        """(n) => {
            const holders = document.querySelectorAll('[data-test="chart-grid-component"]');
            if (holders.length < n) return false;
            return Array.from(holders).every(h =>
                !h.querySelector('.loading, [aria-label="Loading"]') &&
                (h.querySelector('canvas, table, .header-line, [data-test="big-number"]') ||
                 h.querySelector('[role="alert"], .alert-danger')));
        }""",
        arg=expected,
        timeout=90_000,
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # ECharts animates its first paint


def _holder(page, title: str):
    holders = page.locator('[data-test="chart-grid-component"]')
    for i in range(holders.count()):
        holder = holders.nth(i)
        if holder.locator('[data-test="editable-title"]').first.inner_text().strip() == title:
            return holder
    raise AssertionError(f"no chart titled {title!r} on {page.url}")


@pytest.mark.parametrize("slug", DASHBOARDS)
def test_dashboard_draws_every_chart_in_chinese(browser_page, superset_server, slug):
    page = _open(browser_page, superset_server.base_url, slug)
    charts = superset.dashboard_charts(slug)

    assert "/login" not in page.url
    assert page.locator("[data-test=login-button]").count() == 0
    assert page.get_by_text(DASHBOARDS[slug], exact=True).first.is_visible()
    body = page.inner_text("body")
    for phrase in ("Not found", "Unexpected error", "Something went wrong", "页面未找到"):
        assert phrase not in body, f"the page shows {phrase!r}"
    assert page.evaluate(CJK_GLYPHS_DIFFER), "Chinese renders as empty boxes: install fonts-noto-cjk"
    filter_names = page.locator('[data-test="filter-bar"] [data-test="filter-control-name"]')
    assert [n.strip() for n in filter_names.all_inner_texts()] == FILTERS[slug], "a native filter is missing"

    shots = settings.home() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{slug}.png"), full_page=True)
    # A full-page screenshot resizes the page for a moment, and Superset lays the grid out again.
    _wait_for_charts(page, len(charts))

    holders = page.locator('[data-test="chart-grid-component"]')
    assert holders.count() == len(charts)
    report = {}
    for i in range(holders.count()):
        holder = holders.nth(i)
        title = holder.locator('[data-test="editable-title"]').first.inner_text().strip()
        errors = holder.locator('[role="alert"], .alert-danger')
        assert errors.count() == 0, f"{title}: {errors.first.inner_text()}"
        painted = page.evaluate(COUNT_PAINTED, base64.b64encode(holder.screenshot()).decode())
        canvases = holder.evaluate(CANVAS_PAINTED)
        report[title] = (painted["painted"], canvases)
        # A title alone paints ~1-2 % of a chart's box; a drawn chart paints far more.
        assert painted["painted"] > 0.03 * painted["total"], f"{title} looks empty: {painted}"
        if canvases:
            assert all(n > 2000 for n in canvases), f"{title}: a canvas is (nearly) blank {canvases}"
    print(f"{slug}: painted pixels per chart:", report)
    assert set(report) == {c["slice_name"] for c in charts}

    kinds = {c["slice_name"]: c["viz_type"] for c in charts}
    for title, (_, canvases) in report.items():
        if kinds[title].startswith("echarts"):
            assert canvases, f"{title}: an ECharts chart without a canvas"


def test_log_table_shows_the_city_by_default(browser_page, superset_server):
    page = _open(browser_page, superset_server.base_url, "supervision-log")
    with psycopg.connect(superset_server.warehouse_url) as conn:
        departments = [
            r[0]
            for r in conn.execute(
                "select distinct department_name from marts.daily_supervision_log where department_code <> 'ALL'"
            )
        ]
    assert departments
    assert page.locator('[data-test="NATIVE_FILTER-department"]').first.inner_text().strip() == "全市"
    text = _holder(page, "监察日志明细").inner_text()
    assert "全市" in text
    shown = [d for d in departments if d in text]
    assert not shown, f"the default 部门 filter (全市) should hide {shown}"


def test_calendar_warning_is_red_exactly_when_cases_are_provisional(browser_page, superset_server):
    page = _open(browser_page, superset_server.base_url, "realtime-monitoring")
    number = _holder(page, "日历临时计算警示").locator(".header-line").first
    shown = int(number.inner_text().replace(",", "").strip())
    with psycopg.connect(superset_server.warehouse_url) as conn:
        expected = conn.execute(
            "select count(*) from marts.case_timeliness"
            " where calendar_provisional and status in ('in_progress', 'approaching', 'overdue')"
        ).fetchone()[0]
    assert shown == expected
    colour = number.evaluate("el => getComputedStyle(el).color")
    assert (colour == WARNING_RED) == (shown > 0), f"{shown} shown in {colour}"
    assert page.get_by_text("日历临时计算警示（规则 T1）").first.is_visible()


def test_performance_opens_on_the_latest_month_of_departments(browser_page, superset_server):
    """绩效评估 opens with 月度 / the latest month / 部门 applied: the ranking lists every department once
    (not every month), and the 督办 note counts the departments whose W1–W3 part is not scored yet."""
    page = _open(browser_page, superset_server.base_url, "performance-evaluation")
    with psycopg.connect(superset_server.warehouse_url) as conn:
        latest = conn.execute(
            "select max(period_start) from marts.performance_scores where period_type = 'month'"
        ).fetchone()[0]
        departments, unscored = conn.execute(
            "select array_agg(unit_name order by rank, unit_name), count(*) filter (where not workflows_scored)"
            " from marts.performance_scores where period_type = 'month' and unit_type = 'department'"
            " and period_start = %s",
            (latest,),
        ).fetchone()
    shown = {
        name: page.locator(f'[data-test="filter-bar"] [data-test="NATIVE_FILTER-{key}"]').first.inner_text().strip()
        for name, key in (("周期类型", "period-type"), ("周期", "period"), ("单位类型", "unit-type"))
    }
    assert shown == {"周期类型": "月度", "周期": f"{latest.year}年{latest.month:02d}月", "单位类型": "部门"}
    table = _holder(page, "绩效排名")
    names = [cell.strip() for cell in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert names == departments[:20], "the ranking should list the latest month's departments, best first"
    note = _holder(page, "督办部分（W1–W3）计分情况").locator(".header-line").first
    assert int(note.inner_text().replace(",", "").strip()) == unscored
