"""
### 电子监察 annual disclosure report: each department's figures for the year before (P3, O29)

Each department publishes its government information-disclosure annual report by 31 March (O29).
This DAG runs at 09:00 Beijing time on 1 January, 1 February and 1 March and reports on the year
before its data-interval end (T4: "now" is the run's data-interval end, never the wall clock):

1. `write_reports` writes every department's PDF (`<year>_<department>_政务公开年报数据.pdf`) and the
   city workbook (`<year>_全市政务公开年报数据.xlsx`) into `ESUP_REPORT_DIR`; later runs refresh them as
   late uploads arrive. Figures not yet final say so on every page (预估数据).
2. `check_figures_final` fails, naming the departments, when the run is on or after 1 March and any
   department's figures for that year are still provisional: their reports are due by 31 March.

The figures come from the marts the daily `supervision__pipeline` builds; this DAG only reads them.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

# A warehouse that is briefly down is retried once; ESUP_RETRY_DELAY_SECONDS lets the tests shorten it.
DEFAULT_ARGS = {
    "owner": "supervision-data",
    "retries": 1,
    "retry_delay": timedelta(seconds=int(os.environ.get("ESUP_RETRY_DELAY_SECONDS", "600"))),
}


@dag(
    schedule="0 9 1 1,2,3 *",  # 1 Jan: first documents; 1 Feb and 1 Mar: refreshed, then the figures must be final
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["supervision", "report", "disclosure"],
)
def supervision__annual_report():
    @task
    def write_reports(data_interval_end=None) -> list[str]:
        import logging

        from esup import report, settings

        year = report.reported_year(data_interval_end)
        paths = report.write_annual_reports(settings.warehouse_url(), year, report.report_dir())
        logging.getLogger(__name__).info("annual report %s: %d files in %s", year, len(paths), report.report_dir())
        return [str(path) for path in paths]

    @task
    def check_figures_final(data_interval_end=None) -> list[str]:
        from esup import report, settings

        year = report.reported_year(data_interval_end)
        return report.check_figures_final(settings.warehouse_url(), year, report.beijing_date(data_interval_end))

    write_reports() >> check_figures_final()


supervision__annual_report()
