"""
### 电子监察 daily pipeline: exchange databases → warehouse → dbt → expectations

One run evaluates the platform at its data-interval end (T4: "now" is never the wall clock):

1. `prepare_warehouse` creates the raw layer, registers the source list, loads the calendar (T1).
2. `extract_source` pulls each source of the source list (`ESUP_SOURCES`), one mapped task per
   source: a source that is down fails (after retries) only its own task, naming the source.
3. `build_models` runs `dbt build` once for the whole project with `as_of` = data-interval end.
   The case, node and upload marts are kept incrementally (ADR 0006); trigger the DAG with the
   param `full_refresh` = true to rebuild them whole (after changing `upload_deadline_hours`).
4. `export_worklist` writes the supervision office's worklist of this run as a CSV file
   (`ESUP_WORKLIST_DIR`): new cards, cards turning red, corrected, revoked (A1-A4), and overdue
   task replies (W1) and complaint decisions (W2).
5. `validate_expectations` runs the Great Expectations suites (Q1-Q9) and rebuilds Data Docs.
6. `check_sources` fails the run, naming them, if any source could not be pulled.

A new department is a new entry in the source list, not code.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

# A source that is down is retried twice, 2 minutes apart. The delay is explicit because Airflow
# 3.3's scheduler ignores [core] default_task_retry_delay (its serialized default is 300 s);
# ESUP_RETRY_DELAY_SECONDS lets the tests shorten it.
DEFAULT_ARGS = {
    "owner": "supervision-data",
    "retries": 2,
    "retry_delay": timedelta(seconds=int(os.environ.get("ESUP_RETRY_DELAY_SECONDS", "120"))),
}


@dag(
    schedule="0 19 * * *",  # 19:00 Beijing time: after the working day's uploads
    start_date=pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    params={
        "full_refresh": Param(
            False, type="boolean", description="rebuild the incrementally kept tables whole (dbt --full-refresh)"
        )
    },
    tags=["supervision", "ingestion", "dbt", "expectations"],
)
def supervision__pipeline():
    @task
    def prepare_warehouse() -> list[dict]:
        """One entry per source of the list: the arguments of its extract_source task."""
        from esup import pipeline, settings
        from esup.sources import load_sources

        sources = load_sources(settings.sources_file())
        run_id = pipeline.prepare_warehouse(settings.warehouse_url(), sources)
        return [{"source": s.as_dict(), "run_id": run_id} for s in sources]

    @task(map_index_template="{{ source_name }}")
    def extract_source(source: dict, run_id: int) -> dict:
        from airflow.sdk import get_current_context

        from esup import ingest, settings
        from esup.sources import Source

        get_current_context()["source_name"] = source["name"]
        result = ingest.ingest_source(settings.warehouse_url(), Source(**source), run_id)
        return {
            "source": result.source,
            "source_rows": result.source_rows,
            "loaded": result.loaded,
            "quarantined": result.quarantined,
        }

    @task(trigger_rule="all_done")
    def build_models(data_interval_end=None, params=None) -> int:
        import logging

        from esup import pipeline, settings

        full_refresh = bool((params or {}).get("full_refresh"))
        result = pipeline.run_dbt(
            settings.warehouse_url(), data_interval_end, extra=["--full-refresh"] if full_refresh else None
        )
        if not result.success:
            raise RuntimeError("dbt build failed:\n" + "\n".join(result.failures))
        warning = pipeline.provisional_calendar_warning(settings.warehouse_url())
        if warning:
            logging.getLogger(__name__).warning(warning)
        return result.nodes

    @task
    def export_worklist(data_interval_end=None) -> str:
        import logging

        from esup import settings, worklist

        path = worklist.export_worklist(settings.warehouse_url(), data_interval_end, settings.worklist_dir())
        logging.getLogger(__name__).info("card worklist written to %s", path)
        return str(path)

    @task
    def validate_expectations(data_interval_end=None) -> list[str]:
        from esup import pipeline, settings

        return [o.describe() for o in pipeline.run_expectations(settings.warehouse_url(), data_interval_end)]

    @task(trigger_rule="all_done")
    def check_sources(prepared: list[dict]) -> None:
        import psycopg

        from esup import settings

        with psycopg.connect(settings.warehouse_url()) as conn:
            errors = conn.execute(
                "select last_error from raw.sources where last_error is not null"
                " and source_name = any(%s) order by source_name",
                ([entry["source"]["name"] for entry in prepared],),
            ).fetchall()
        if errors:
            raise RuntimeError("sources that could not be pulled:\n" + "\n".join(e for (e,) in errors))

    prepared = prepare_warehouse()
    extracted = extract_source.expand_kwargs(prepared)
    built = build_models()
    extracted >> built >> validate_expectations() >> check_sources(prepared)
    built >> export_worklist()


supervision__pipeline()
