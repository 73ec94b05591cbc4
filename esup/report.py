"""P3 (O29): each department's figures for its annual government information-disclosure report.

Reads only the aggregated marts dbt builds (``annual_disclosure_figures``, ``annual_disclosure_powers``,
``performance_scores``, and ``case_timeliness`` once, grouped by department and month) and writes:

- per department, a Chinese PDF laid out like the case figures of the national template
  (国办公开办函〔2021〕30号): table 二's decisions and fees, the catalogue by category, timeliness,
  cards, supervision and complaints, uploads, the year's score, and two charts;
- one city-wide workbook with the three tables.

The PDF is HTML (a Jinja2 template in ``esup/templates``) rendered by WeasyPrint, the charts are
matplotlib SVG, the fonts Debian's fonts-noto-cjk. A year that has not ended, or whose sources have
not uploaded past 31 December, is provisional: every page of its PDF says so. The reports are due by
31 March of the next year (O29): ``check_figures_final`` fails from 1 March while any is provisional.
"""

from __future__ import annotations

import base64
import io
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import dict_row

from esup import settings
from esup.cli import UsageError
from esup.exchange import POWER_CATEGORIES

SHANGHAI = ZoneInfo("Asia/Shanghai")
FONT = "Noto Sans CJK SC"
PROVISIONAL_NOTE = "预估数据（年度未结束或数据未报齐）"
SUPERVISION_REPLIES_MISSING = "暂无数据"
TEMPLATES = Path(__file__).resolve().parent / "templates"

# power categories of the catalogue, in the order of the national template; UNKNOWN: a change
# request for a power the catalogue lacks (annual_disclosure_powers)
CATEGORIES = {**POWER_CATEGORIES, "UNKNOWN": "未知"}

# (mart column, Chinese header) of each workbook sheet; the query selects exactly these columns
FIGURES_COLUMNS = (
    ("year", "年度"),
    ("department_code", "部门代码"),
    ("department_name", "部门名称"),
    ("county_code", "行政区划代码"),
    ("powers_in_force", "年末有效权力事项"),
    ("powers_added", "本年新增事项"),
    ("powers_modified", "本年变更事项"),
    ("powers_cancelled", "本年取消事项"),
    ("cases_accepted", "受理件数"),
    ("cases_completed", "办结件数"),
    ("completed_early", "提前办结"),
    ("completed_on_time", "按时办结"),
    ("completed_late", "超时办结"),
    ("wd_used_avg", "平均用时（工作日）"),
    ("promised_wd_avg", "平均承诺时限（工作日）"),
    ("yellow_cards", "黄牌"),
    ("red_cards", "红牌"),
    ("cards_revoked", "撤销亮牌"),
    ("supervision_tasks", "督办件数"),
    ("supervision_replies_on_time", "按时回复督办"),
    ("complaints_received", "收到投诉"),
    ("complaints_accepted", "受理投诉"),
    ("events_uploaded", "上传事件数"),
    ("events_late", "迟报事件数"),
    ("score", "年度得分"),
    ("rank", "排名"),
    ("grade", "等级"),
    ("t2_permit_decisions", "行政许可本年处理决定数量"),
    ("t2_penalty_decisions", "行政处罚本年处理决定数量"),
    ("t2_enforcement_decisions", "行政强制本年处理决定数量"),
    ("t2_fees_wan_yuan", "行政事业性收费本年收费金额（万元）"),
    ("provisional", "预估数据"),
    ("as_of", "数据截至"),
)
POWERS_COLUMNS = (
    ("year", "年度"),
    ("department_code", "部门代码"),
    ("category", "类别代码"),
    ("category_name", "类别"),
    ("in_force", "年末有效"),
    ("added", "本年新增"),
    ("modified", "本年变更"),
    ("cancelled", "本年取消"),
)
SCORES_COLUMNS = (
    ("period_type", "周期"),
    ("period_start", "周期开始"),
    ("period_end", "周期结束"),
    ("unit_type", "考核对象类型"),
    ("unit_code", "考核对象代码"),
    ("unit_name", "考核对象"),
    ("department_code", "部门代码"),
    ("department_name", "部门名称"),
    ("county_code", "行政区划代码"),
    ("base", "基础分"),
    ("deductions", "扣分合计"),
    ("timeliness_deduction", "办理时限扣分"),
    ("uploads_deduction", "数据报送扣分"),
    ("cards_deduction", "预警纠错扣分"),
    ("workflows_deduction", "督办流程扣分"),
    ("nodes_deduction", "环节时限扣分"),
    ("bonuses", "加分"),
    ("score", "得分"),
    ("grade", "等级"),
    ("rank", "排名"),
    ("score_change", "得分变化"),
    ("rule_version", "考核规则版本"),
    ("provisional", "预估数据"),
    ("workflows_scored", "督办流程已计分"),
    ("months_scored", "计分月数"),
    ("cases_accepted", "受理件数"),
    ("cases_completed", "办结件数"),
    ("cases_late", "超时件数"),
    ("cases_early", "提前件数"),
    ("upload_events", "上传事件数"),
    ("late_uploads", "迟报事件数"),
    ("yellow_cards", "黄牌"),
    ("red_cards", "红牌"),
    ("workflow_breaches", "督办违规"),
    ("nodes_finished", "完成环节数"),
    ("nodes_over_limit", "超时环节数"),
    ("as_of", "数据截至"),
)
PERIOD_TYPES = {"month": "月", "quarter": "季度", "year": "年度"}
UNIT_TYPES = {"department": "部门", "county": "县（市、区）"}


def report_dir() -> Path:
    """Where the reports go: ``ESUP_REPORT_DIR``, else ``$ESUP_HOME/reports``."""
    return Path(os.environ.get("ESUP_REPORT_DIR") or settings.home() / "reports").resolve()


def pdf_name(year: int, department_code: str) -> str:
    return f"{year}_{department_code}_政务公开年报数据.pdf"


def workbook_name(year: int) -> str:
    return f"{year}_全市政务公开年报数据.xlsx"


@dataclass
class YearData:
    """Everything the reports of one year show, read in a handful of aggregated queries."""

    year: int
    figures: list[dict]  # annual_disclosure_figures rows of the year, by department code
    powers: list[dict] = field(default_factory=list)  # annual_disclosure_powers rows of the year
    # department -> month -> (completions, completions with a T5 status, early or on time)
    completions: dict[str, dict[int, tuple[int, int, int]]] = field(default_factory=dict)
    month_scores: dict[str, dict[int, float]] = field(default_factory=dict)  # department -> month -> score
    city_month_mean: dict[int, float] = field(default_factory=dict)  # month -> mean departments' score

    @property
    def ranked(self) -> int:
        return sum(1 for row in self.figures if row["rank"] is not None)


def connect(url: str) -> psycopg.Connection:
    """A read-only session in Beijing time (dates and as_of as the departments read them)."""
    conn = psycopg.connect(url, row_factory=dict_row, options="-c timezone=Asia/Shanghai")
    conn.read_only = True
    return conn


def select(columns) -> str:
    return ", ".join(column for column, _ in columns)


def read_figures(conn: psycopg.Connection, year: int) -> list[dict]:
    try:
        return conn.execute(
            f"select {select(FIGURES_COLUMNS)} from marts.annual_disclosure_figures"
            " where year = %s order by department_code",
            (year,),
        ).fetchall()
    except psycopg.errors.UndefinedTable:
        raise UsageError(
            "marts.annual_disclosure_figures does not exist in the warehouse: build it first (`esup run`)"
        ) from None


def check_year(conn: psycopg.Connection, year: int, figures: list[dict]) -> None:
    """A year needs its rows and at least one case accepted or completed in the city."""
    if figures and any(row["cases_accepted"] or row["cases_completed"] for row in figures):
        return
    years = [
        str(row["year"])
        for row in conn.execute(
            "select year from marts.annual_disclosure_figures group by year"
            " having sum(cases_accepted) + sum(cases_completed) > 0 order by year"
        )
    ]
    reason = (
        "no case was accepted or completed in the city that year"
        if figures
        else "marts.annual_disclosure_figures has no row for it"
    )
    raise UsageError(f"no data for year {year}: {reason} (years with data: {', '.join(years) or 'none'})")


def load_year(url: str, year: int, department: str | None = None) -> YearData:
    """Read the year's figures (one department's, or all), checking the year and the department."""
    with connect(url) as conn:
        figures = read_figures(conn, year)
        check_year(conn, year, figures)
        if department is not None:
            known = [row["department_code"] for row in figures]
            if department not in known:
                raise UsageError(f"unknown department {department!r} for {year}; known: {', '.join(known)}")
        data = YearData(year, figures)
        bounds = (date(year, 1, 1), date(year + 1, 1, 1))

        data.powers = conn.execute(
            "select year, department_code, category, in_force, added, modified, cancelled"
            " from marts.annual_disclosure_powers where year = %s order by department_code, category",
            (year,),
        ).fetchall()
        for row in data.powers:
            row["category_name"] = CATEGORIES.get(row["category"], row["category"])

        # one pass over the year's completions for every department (T5 statuses as in the figures)
        for row in conn.execute(
            """
            select department_code, extract(month from completion_date)::integer as month,
                count(*) as completions,
                count(*) filter (
                    where status in ('completed_early', 'completed_on_time', 'completed_late')
                ) as measured,
                count(*) filter (where status in ('completed_early', 'completed_on_time')) as on_time
            from marts.case_timeliness
            where completion_date >= %s and completion_date < %s
            group by 1, 2
            """,
            bounds,
        ):
            data.completions.setdefault(row["department_code"], {})[row["month"]] = (
                row["completions"],
                row["measured"],
                row["on_time"],
            )

        by_month: dict[int, list[float]] = defaultdict(list)
        for row in conn.execute(
            "select unit_code, extract(month from period_start)::integer as month, score"
            " from marts.performance_scores"
            " where period_type = 'month' and unit_type = 'department'"
            " and period_start >= %s and period_start < %s and score is not null",
            bounds,
        ):
            data.month_scores.setdefault(row["unit_code"], {})[row["month"]] = float(row["score"])
            by_month[row["month"]].append(float(row["score"]))
        data.city_month_mean = {month: sum(scores) / len(scores) for month, scores in by_month.items()}
    return data


def provisional_departments(url: str, year: int) -> list[str]:
    """The departments whose figures for ``year`` are still provisional, as "CODE 名称"."""
    with connect(url) as conn:
        return [
            f"{row['department_code']} {row['department_name']}"
            for row in conn.execute(
                "select department_code, department_name from marts.annual_disclosure_figures"
                " where year = %s and provisional order by department_code",
                (year,),
            )
        ]


def beijing_date(instant: datetime) -> date:
    return instant.astimezone(SHANGHAI).date()


def reported_year(instant: datetime) -> int:
    """The year a scheduled run reports on: the one before its data-interval end (Beijing time)."""
    return beijing_date(instant).year - 1


class FiguresNotFinal(RuntimeError):
    """From 1 March the year's figures must be final: the reports are due by 31 March (O29)."""


def figures_due(year: int, on_date: date) -> bool:
    """Whether, on ``on_date``, the figures for ``year`` must be final (from 1 March of the next year)."""
    return on_date >= date(year + 1, 3, 1)


def check_figures_final(url: str, year: int, on_date: date) -> list[str]:
    """The provisional departments of ``year``; raises FiguresNotFinal naming them once they are due."""
    pending = provisional_departments(url, year)
    if pending and figures_due(year, on_date):
        raise FiguresNotFinal(
            f"{len(pending)} department(s) still have provisional figures for {year} on {on_date:%Y-%m-%d}; "
            f"their annual reports are due by {year + 1}-03-31 (O29): " + ", ".join(pending)
        )
    return pending


# --- formatting -----------------------------------------------------------------------------------


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def percent(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def beijing(value: datetime | None) -> str:
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "—"


# --- charts ---------------------------------------------------------------------------------------


def ensure_font() -> None:
    """matplotlib must find the CJK font; its font cache may predate the fonts' install."""
    from matplotlib import font_manager
    from matplotlib.font_manager import FontProperties

    try:
        font_manager.findfont(FontProperties(family=FONT), fallback_to_default=False)
        return
    except ValueError:
        pass
    for path in font_manager.findSystemFonts():
        if "NotoSansCJK" in Path(path).name:
            font_manager.fontManager.addfont(path)
    try:
        font_manager.findfont(FontProperties(family=FONT), fallback_to_default=False)
    except ValueError:
        raise UsageError(f"font {FONT!r} not found: install Debian's fonts-noto-cjk (make install-report)") from None


def svg_data_uri(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg")
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def chart_style():
    import matplotlib

    return matplotlib.rc_context(
        {
            "font.family": FONT,
            "font.size": 9,
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


MONTHS = list(range(1, 13))
MONTH_LABELS = [f"{m}月" for m in MONTHS]


def month_axes(figure):
    axes = figure.add_subplot()
    axes.set_xticks(range(12), MONTH_LABELS)
    axes.set_xlim(-0.6, 11.6)
    return axes


def completions_chart(monthly: dict[int, tuple[int, int, int]]) -> str:
    """Bars: completions per month; line: share early or on time among those with a T5 status."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    counts = [monthly.get(m, (0, 0, 0))[0] for m in MONTHS]
    rates = [100 * monthly[m][2] / monthly[m][1] if monthly.get(m, (0, 0, 0))[1] else float("nan") for m in MONTHS]
    with chart_style():
        figure = Figure(figsize=(6.6, 2.1), layout="constrained")
        bars = month_axes(figure)
        bars.bar(range(12), counts, color="#4e79a7", label="办结件数")
        bars.set_ylim(0, max(max(counts) * 1.1, 1))
        bars.set_ylabel("办结件数")
        bars.yaxis.set_major_locator(MaxNLocator(integer=True))
        bars.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
        line = bars.twinx()
        line.plot(range(12), rates, color="#e15759", marker="o", markersize=3, label="按时办结率（%）")
        line.set_ylim(0, 105)
        line.set_ylabel("按时办结率（%）")
        line.spines["right"].set_visible(True)
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        figure.suptitle("各月办结件数与按时办结率", fontsize=10)
        return svg_data_uri(figure)


def scores_chart(own: dict[int, float], city: dict[int, float]) -> str:
    """The department's monthly score against the mean of every department's."""
    from matplotlib.figure import Figure

    nan = float("nan")
    with chart_style():
        figure = Figure(figsize=(6.6, 2.0), layout="constrained")
        axes = month_axes(figure)
        axes.plot(
            range(12), [own.get(m, nan) for m in MONTHS], color="#4e79a7", marker="o", markersize=3, label="本部门"
        )
        axes.plot(range(12), [city.get(m, nan) for m in MONTHS], color="#9c9c9c", linestyle="--", label="全市部门平均")
        axes.set_ylabel("月度得分")
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        figure.suptitle("月度绩效得分与全市部门平均", fontsize=10)
        return svg_data_uri(figure)


# --- the PDF --------------------------------------------------------------------------------------


def catalogue_rows(powers: list[dict]) -> list[dict]:
    """Every template category (UNKNOWN only when present) and a total row."""
    found = {row["category"]: row for row in powers}
    rows = []
    for code, name in CATEGORIES.items():
        if code == "UNKNOWN" and code not in found:
            continue
        row = found.get(code, {})
        rows.append({"name": name, **{k: row.get(k, 0) for k in ("in_force", "added", "modified", "cancelled")}})
    for code in sorted(set(found) - set(CATEGORIES)):  # a category the template lacks: shown under its code
        rows.append({"name": code, **{k: found[code][k] for k in ("in_force", "added", "modified", "cancelled")}})
    total = {k: sum(r[k] for r in rows) for k in ("in_force", "added", "modified", "cancelled")}
    return [*rows, {"name": "合计", **total}]


def department_context(data: YearData, row: dict) -> dict:
    code = row["department_code"]
    measured = row["completed_early"] + row["completed_on_time"] + row["completed_late"]
    replies = row["supervision_replies_on_time"]
    return {
        "year": data.year,
        "row": row,
        "as_of": beijing(row["as_of"]),
        "provisional": row["provisional"],
        "provisional_note": PROVISIONAL_NOTE,
        "fees": number(row["t2_fees_wan_yuan"], 4),
        "catalogue": catalogue_rows([p for p in data.powers if p["department_code"] == code]),
        "on_time_rate": percent(row["completed_early"] + row["completed_on_time"], measured),
        "wd_used_avg": number(row["wd_used_avg"], 2),
        "promised_wd_avg": number(row["promised_wd_avg"], 2),
        "replies_on_time": SUPERVISION_REPLIES_MISSING if replies is None else number(replies),
        "upload_rate": percent(row["events_uploaded"] - row["events_late"], row["events_uploaded"]),
        "score": number(row["score"], 2),
        "rank": f"第 {row['rank']} 名（共 {data.ranked} 个部门）" if row["rank"] is not None else "—",
        "completions_chart": completions_chart(data.completions.get(code, {})),
        "scores_chart": scores_chart(data.month_scores.get(code, {}), data.city_month_mean),
        "number": number,
    }


def template():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), undefined=StrictUndefined
    )
    return environment.get_template("annual_report.html")


def weasyprint():
    try:
        import weasyprint
    except OSError as exc:  # pango missing: WeasyPrint loads it when imported
        raise UsageError(
            f"WeasyPrint cannot load pango ({exc}): install Debian's libpango-1.0-0 libpangoft2-1.0-0"
            " (make install-report)"
        ) from None
    return weasyprint


def replace_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write to a sibling file then rename, so a reader never sees half a report."""
    partial = path.with_name(path.name + ".part")
    write(partial)
    partial.replace(path)
    return path


def write_pdf(data: YearData, row: dict, directory: Path, html_template=None, fonts=None) -> Path:
    wp = weasyprint()
    html = (html_template or template()).render(**department_context(data, row))
    document = wp.HTML(string=html, base_url=str(TEMPLATES))
    path = directory / pdf_name(data.year, row["department_code"])
    return replace_atomically(path, lambda target: document.write_pdf(target, font_config=fonts))


# --- the workbook ---------------------------------------------------------------------------------


def cell(value):
    """What openpyxl can store: Excel has no time zones, booleans read better in Chinese."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    return value


def write_sheet(workbook, title: str, columns, rows: list[dict], translate: dict[str, dict] | None = None) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    sheet.append([header for _, header in columns])
    for row in rows:
        values = []
        for column, _ in columns:
            value = row[column]
            if translate and column in translate:
                value = translate[column].get(value, value)
            values.append(cell(value))
        sheet.append(values)
    for index, (column, header) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(10, 2 * len(header) + 2)
        number_format = {"t2_fees_wan_yuan": "0.0000", "as_of": "yyyy-mm-dd hh:mm"}.get(column)
        if column in ("period_start", "period_end"):
            number_format = "yyyy-mm-dd"
        if number_format:
            for (value_cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                value_cell.number_format = number_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def write_workbook(url: str, data: YearData, directory: Path) -> Path:
    from openpyxl import Workbook

    with connect(url) as conn:
        scores = conn.execute(
            f"select {select(SCORES_COLUMNS)} from marts.performance_scores"
            " where unit_type in ('department', 'county') and period_start >= %s and period_start < %s"
            " order by case period_type when 'year' then 0 when 'quarter' then 1 else 2 end,"
            " period_start, unit_type desc, rank nulls last, unit_code",
            (date(data.year, 1, 1), date(data.year + 1, 1, 1)),
        ).fetchall()

    workbook = Workbook()
    notes = workbook.active
    notes.title = "说明"
    provisional = any(row["provisional"] for row in data.figures)
    as_of = max(row["as_of"] for row in data.figures)
    for line in (
        [f"{data.year} 年度全市政务公开年报数据（国办公开办函〔2021〕30号）"],
        ["数据截至", beijing(as_of)],
        ["状态", PROVISIONAL_NOTE if provisional else "正式数据"],
        ["年报数据", "各部门年度报告数据（marts.annual_disclosure_figures）"],
        ["权力事项分类", "各部门权力事项按类别：年末有效、本年新增、变更、取消"],
        ["绩效得分", "部门与县（市、区）的月度、季度、年度绩效考核得分"],
        ["督办按时回复", "本年下达的督办件中，部门最后一次回复在当时有效期限内的件数（W1）"],
    ):
        notes.append(line)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 60
    write_sheet(workbook, "年报数据", FIGURES_COLUMNS, data.figures)
    write_sheet(workbook, "权力事项分类", POWERS_COLUMNS, data.powers)
    write_sheet(
        workbook,
        "绩效得分",
        SCORES_COLUMNS,
        scores,
        translate={"period_type": PERIOD_TYPES, "unit_type": UNIT_TYPES},
    )
    path = directory / workbook_name(data.year)
    return replace_atomically(path, lambda target: workbook.save(target))


# --- the whole report -----------------------------------------------------------------------------


def write_annual_reports(
    url: str,
    year: int,
    directory: Path | str | None = None,
    department: str | None = None,
    on_written: Callable[[Path], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> list[Path]:
    """Write the year's PDF of every department (or of one) and, for the whole city, the workbook.

    ``on_start(n)`` is told how many files will be written, ``on_written(path)`` each file written.
    """
    target = Path(directory) if directory is not None else report_dir()
    data = load_year(url, year, department)
    ensure_font()
    wp = weasyprint()
    rows = [row for row in data.figures if department in (None, row["department_code"])]
    if on_start:
        on_start(len(rows) + (department is None))
    target.mkdir(parents=True, exist_ok=True)

    written = []
    html_template, fonts = template(), wp.text.fonts.FontConfiguration()
    for row in rows:
        written.append(write_pdf(data, row, target, html_template, fonts))
        if on_written:
            on_written(written[-1])
    if department is None:
        written.append(write_workbook(url, data, target))
        if on_written:
            on_written(written[-1])
    return written
