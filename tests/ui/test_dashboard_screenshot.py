"""电子监察总览 in a real browser: log in, open the dashboard, prove every chart drew, keep a screenshot.

Headless Debian Chromium driven by the pip ``playwright`` package (no browser download). A chart
"loads" even when it shows an error or the login page, so each chart is checked by what it painted:
its element is screenshotted and the non-background pixels counted (decoded by the browser itself,
no Pillow needed), ECharts canvases must hold painted pixels, and no chart may show an error.
"""

from __future__ import annotations

import base64
import tempfile

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
# Tall enough that the whole dashboard is in view: Superset only renders charts near the viewport.
VIEWPORT = {"width": 1600, "height": 2000}
SLUG = "supervision-overview"

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


@pytest.fixture(scope="module")
def dashboard_page(superset_server):
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
            page.goto(f"{superset_server.base_url}/superset/dashboard/{SLUG}/")
            yield page
        finally:
            context.close()


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


def test_dashboard_draws_every_chart_in_chinese(dashboard_page):
    page = dashboard_page
    charts = superset.dashboard_charts(SLUG)
    _wait_for_charts(page, len(charts))

    assert "/login" not in page.url
    assert page.locator("[data-test=login-button]").count() == 0
    assert page.get_by_text("电子监察总览", exact=True).first.is_visible()
    body = page.inner_text("body")
    for phrase in ("Not found", "Unexpected error", "Something went wrong", "页面未找到"):
        assert phrase not in body, f"the page shows {phrase!r}"

    shots = settings.home() / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{SLUG}.png"), full_page=True)

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
    print("painted pixels per chart:", report)
    assert set(report) == {c["slice_name"] for c in charts}

    kinds = {c["slice_name"]: c["viz_type"] for c in charts}
    for title, (_, canvases) in report.items():
        if kinds[title].startswith("echarts"):
            assert canvases, f"{title}: an ECharts chart without a canvas"


def test_department_filter_is_offered(dashboard_page):
    assert dashboard_page.get_by_text("部门", exact=True).first.is_visible()
