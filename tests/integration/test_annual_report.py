"""P3 (O29): `esup report annual` on the tiny city built at 2026-11-20 (so 2026 is provisional).

The PDFs are read back as a reader's tools would: pdftoppm renders their pages, pdftotext extracts
their Chinese text (real text, not drawn glyphs); the workbook is opened with openpyxl.
"""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import psycopg
import pytest
from openpyxl import load_workbook

from esup import pg, report
from tests.conftest import esup_cli

YEAR = 2026


def figures(url: str, department: str) -> dict:
    with psycopg.connect(url, row_factory=psycopg.rows.dict_row) as conn:
        return conn.execute(
            "select * from marts.annual_disclosure_figures where year = %s and department_code = %s",
            (YEAR, department),
        ).fetchone()


def departments(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select department_code from marts.annual_disclosure_figures where year = %s order by 1", (YEAR,)
        )
        return [code for (code,) in rows]


def pdf_pages(path) -> list[str]:
    """The text of each page (pdftotext ends each page with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [page for page in text.split("\f") if page.strip()]


def report_env(url: str) -> dict:
    return {"ESUP_WAREHOUSE_URL": url}


@pytest.fixture(scope="module")
def city_reports(built_warehouse, tmp_path_factory):
    """Every department's PDF and the workbook, written once for the module's tests."""
    out = tmp_path_factory.mktemp("reports")
    result = esup_cli("report", "annual", "--year", str(YEAR), "--out", str(out), env=report_env(built_warehouse))
    return out, result


def test_one_department_pdf(built_warehouse, tmp_path):
    esup_cli(
        "report",
        "annual",
        "--year",
        str(YEAR),
        "--department",
        "SCJGJ",
        "--out",
        str(tmp_path),
        env=report_env(built_warehouse),
    )
    pdf = tmp_path / report.pdf_name(YEAR, "SCJGJ")
    assert [p.name for p in tmp_path.iterdir()] == [pdf.name]  # one department: its PDF alone

    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) >= 1

    row = figures(built_warehouse, "SCJGJ")
    assert row["provisional"]
    pages = pdf_pages(pdf)
    assert pages
    text = "\n".join(pages)
    assert "市市场监管局" in text and f"{YEAR} 年度" in text
    # table 二 of the national template: the row of 行政许可 ends with the mart's number of decisions
    assert re.search(rf"^\s*行政许可\s+{row['t2_permit_decisions']:,}\s*$", text, re.MULTILINE), text
    assert re.search(rf"^\s*行政事业性收费\s+{row['t2_fees_wan_yuan']:,.4f}\s*$", text, re.MULTILINE), text
    # supervision: tasks, replies on time (W1), complaints received and accepted
    supervision = (
        rf"^\s*{row['supervision_tasks']}\s+{row['supervision_replies_on_time']}"
        rf"\s+{row['complaints_received']}\s+{row['complaints_accepted']}\s*$"
    )
    assert re.search(supervision, text, re.MULTILINE), text
    assert f"第 {row['rank']} 名" in text
    for number, page in enumerate(pages, start=1):
        assert "预估" in page, f"page {number} does not say the figures are provisional"


def test_every_department_and_the_city_workbook(built_warehouse, city_reports):
    out, result = city_reports
    codes = departments(built_warehouse)
    assert {p.name for p in out.glob("*.pdf")} == {report.pdf_name(YEAR, code) for code in codes}
    assert not list(out.glob("*.part"))
    assert "预估数据" in result.stdout

    workbook = load_workbook(out / report.workbook_name(YEAR), read_only=True)
    assert {"年报数据", "权力事项分类", "绩效得分"} <= set(workbook.sheetnames)

    sheet = list(workbook["年报数据"].iter_rows(values_only=True))
    header = list(sheet[0])
    assert header[:3] == ["年度", "部门代码", "部门名称"]
    assert "行政许可本年处理决定数量" in header and "行政事业性收费本年收费金额（万元）" in header
    assert len(sheet) - 1 == len(codes)
    by_code = {line[header.index("部门代码")]: dict(zip(header, line, strict=True)) for line in sheet[1:]}
    row = figures(built_warehouse, "SCJGJ")
    scjgj = by_code["SCJGJ"]
    assert scjgj["行政许可本年处理决定数量"] == row["t2_permit_decisions"]
    assert Decimal(str(scjgj["行政事业性收费本年收费金额（万元）"])) == row["t2_fees_wan_yuan"]
    assert scjgj["预估数据"] == "是"

    powers = list(workbook["权力事项分类"].iter_rows(values_only=True))
    assert powers[0][:4] == ("年度", "部门代码", "类别代码", "类别")
    assert ("行政许可" in {line[3] for line in powers[1:]}) and len(powers) > 1

    scores = list(workbook["绩效得分"].iter_rows(values_only=True))
    with psycopg.connect(built_warehouse) as conn:
        (expected,) = conn.execute(
            "select count(*) from marts.performance_scores where unit_type in ('department', 'county')"
            " and extract(year from period_start) = %s",
            (YEAR,),
        ).fetchone()
    assert len(scores) - 1 == expected
    notes = " ".join(str(value) for line in workbook["说明"].iter_rows(values_only=True) for value in line if value)
    assert report.PROVISIONAL_NOTE in notes


def test_a_year_without_data_is_one_line(built_warehouse, tmp_path):
    result = esup_cli(
        "report", "annual", "--year", "1999", "--out", str(tmp_path), env=report_env(built_warehouse), check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("esup report: error: no data for year 1999: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_an_unknown_department_is_named(built_warehouse, tmp_path):
    result = esup_cli(
        "report",
        "annual",
        "--year",
        str(YEAR),
        "--department",
        "NOPE",
        "--out",
        str(tmp_path),
        env=report_env(built_warehouse),
        check=False,
    )
    assert result.returncode == 2
    line = result.stderr.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line
    assert "'NOPE'" in line and "SCJGJ" in line  # names it and lists the known codes


def test_figures_must_be_final_from_1_march(built_warehouse):
    """check_figures_final (the DAG's task): 2026 is provisional at 2026-11-20 for every department."""
    pending = report.provisional_departments(built_warehouse, YEAR)
    assert "SCJGJ 市市场监管局" in pending
    assert len(pending) == len(departments(built_warehouse))
    assert report.provisional_departments(built_warehouse, 1999) == []

    # 1 January and 1 February: documents refreshed, not yet due
    assert report.check_figures_final(built_warehouse, YEAR, date(2027, 2, 28)) == pending
    with pytest.raises(report.FiguresNotFinal, match=r"SCJGJ 市市场监管局") as failure:
        report.check_figures_final(built_warehouse, YEAR, date(2027, 3, 1))
    assert "2027-03-31" in str(failure.value)
    # a year with nothing provisional passes whatever the date
    assert report.check_figures_final(built_warehouse, 1999, date(2000, 3, 1)) == []


def test_a_run_reports_on_the_year_before_its_beijing_date():
    # 2027-01-01 01:00 in Beijing is still 2026 in UTC: the run of 1 January reports on 2026
    assert report.reported_year(datetime(2026, 12, 31, 17, 0, tzinfo=UTC)) == 2026
    assert report.reported_year(datetime(2027, 3, 1, 1, 0, tzinfo=UTC)) == 2026
    assert report.figures_due(2026, date(2027, 3, 1)) and not report.figures_due(2026, date(2027, 2, 28))


def test_the_dag_writes_the_reports_and_fails_on_1_march_while_provisional(built_warehouse, pg_server, tmp_path):
    """The DAG through real Airflow (`airflow dags test`) on 1 March 2027: 2026 is still provisional."""
    pg.drop_database(pg_server, "airflow_annual_report")
    metadata = pg.ensure_database(pg_server, "airflow_annual_report")
    env = {
        "ESUP_HOME": str(tmp_path / "esup_home"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata.replace("postgresql://", "postgresql+psycopg2://"),
        "ESUP_RETRY_DELAY_SECONDS": "1",
        "ESUP_WAREHOUSE_URL": built_warehouse,
        "ESUP_REPORT_DIR": str(tmp_path / "reports"),
    }
    esup_cli("airflow", "migrate", env=env)
    result = esup_cli(
        "airflow",
        "cli",
        "--",
        "dags",
        "test",
        "supervision__annual_report",
        "2027-03-01T09:00:00+08:00",
        env=env,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "state=failed" in output.split("DagRun Finished")[-1], output[-3000:]
    assert "still have provisional figures for 2026" in output and "SCJGJ 市市场监管局" in output
    # the documents were written (and will be refreshed) all the same
    written = {p.name for p in (tmp_path / "reports").iterdir()}
    assert {report.pdf_name(YEAR, code) for code in departments(built_warehouse)} | {
        report.workbook_name(YEAR)
    } == written
    pg.drop_database(pg_server, "airflow_annual_report")
