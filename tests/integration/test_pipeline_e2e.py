"""End to end on the tiny simulated city: `esup run` (ingest → dbt → GX) against a real PostgreSQL.

Every expected number is computed here, independently, from the simulated exchange databases
(the departments' side), never copied from the platform's output.
"""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from esup import pg
from esup.exchange import TABLES_BY_NAME, tables_of_kind
from esup.sources import load_sources
from tests.conftest import AS_OF, esup_cli

MART_KEYS = {
    "marts.case_timeliness": "department_code, case_no",
    "marts.node_timeliness": "department_code, case_no, node_seq",
    "marts.upload_timeliness": "department_code, record_type, record_key",
    "marts.upload_timeliness_daily": "department_code, record_type, occurred_date",
    "marts.power_catalogue": "department_code, power_code",
    # built from the incrementally kept Q8 and node-version models
    "marts.data_quality_findings": "rule_id, department_code, record_type, record_key",
    "marts.cards": "card_id",
}
# Kept incrementally (ADR 0006): as_of is the run that produced the row, so a forward run leaves
# older as_of on the rows it did not touch; every other column must equal a fresh build's.
INCREMENTAL_MARTS = {"marts.upload_timeliness", "marts.case_timeliness", "marts.node_timeliness"}


def department_sources(city):
    return [s for s in load_sources(city["sources_file"]) if s.kind == "department"]


def exchange_query(source, query: str, params=()):
    with psycopg.connect(source.resolved_url()) as conn:
        return conn.execute(query, params).fetchall()


def typed_row_filter(source, table_name: str) -> str:
    """SQL condition true for the rows of a (possibly all-text) exchange table that can be typed."""
    table = TABLES_BY_NAME[table_name]
    checks = [f"nullif(btrim({k}::text), '') is not null" for k in table.key]
    for column, typ in table.types().items():
        if typ != "text" and column != "exchange_id":
            checks.append(f"({column} is null or pg_input_is_valid({column}::text, '{typ}'))")
    return " and ".join(checks)


def run_models(city, warehouse_url: str, as_of: str, *flags: str) -> None:
    """`esup run` without the expectations (the marts are what these tests compare)."""
    esup_cli(
        "run",
        "--sources",
        str(city["sources_file"]),
        "--as-of",
        as_of,
        "--skip-expectations",
        *flags,
        env={"ESUP_WAREHOUSE_URL": warehouse_url},
    )


def mart_fingerprint(url: str) -> dict[str, str]:
    with psycopg.connect(url) as conn:
        out = {}
        for relation, key in MART_KEYS.items():
            columns = "*"
            if relation in INCREMENTAL_MARTS:
                schema, table = relation.split(".")
                names = conn.execute(
                    "select column_name from information_schema.columns where table_schema = %s"
                    " and table_name = %s and column_name not in ('as_of', 'last_ingest_run_id')"
                    " order by ordinal_position",
                    (schema, table),
                ).fetchall()
                columns = ", ".join(name for (name,) in names)
            rows = conn.execute(f"select {columns} from {relation} order by {key}").fetchall()
            out[relation] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out


def test_every_exchange_row_is_loaded_or_quarantined(simulated_city, built_warehouse):
    sources = load_sources(simulated_city["sources_file"])
    with psycopg.connect(built_warehouse) as wh:
        for source in sources:
            for table in tables_of_kind(source.kind):
                (in_source,) = exchange_query(source, f"select count(*) from exchange.{table.name}")[0]
                loaded, quarantined = wh.execute(
                    f"select (select count(*) from raw.{table.name} where source_name = %(s)s),"
                    " (select count(*) from raw.quarantine where source_name = %(s)s and table_name = %(t)s)",
                    {"s": source.name, "t": table.name},
                ).fetchone()
                assert loaded + quarantined == in_source, (source.name, table.name)
        quarantined_total = wh.execute("select count(*) from raw.quarantine").fetchone()[0]
    # the simulator broke rows on purpose; every one of them is in quarantine, nothing more
    unparsable = simulated_city["summary"]["errors"]["unparsable"]
    assert quarantined_total == sum(unparsable.values()) > 0


def cases_uploaded_by(city, as_of: str) -> int:
    """The departments' own count of distinct, typable cases uploaded by ``as_of``."""
    total = 0
    for source in department_sources(city):
        (count,) = exchange_query(
            source,
            "select count(distinct btrim(case_no)) from exchange.case_accepted"
            f" where {typed_row_filter(source, 'case_accepted')} and uploaded_at::timestamptz <= %s::timestamptz",
            (as_of,),
        )[0]
        total += count
    return total


def test_case_count_matches_the_departments(simulated_city, built_warehouse):
    expected = cases_uploaded_by(simulated_city, AS_OF)
    with psycopg.connect(built_warehouse) as wh:
        actual = wh.execute("select count(*) from marts.case_timeliness").fetchone()[0]
        statuses = dict(wh.execute("select status, count(*) from marts.case_timeliness group by status").fetchall())
    assert actual == expected > 100
    # a city's mix: most cases completed, some open ones late or about to be
    assert statuses.get("completed_early", 0) + statuses.get("completed_on_time", 0) > statuses.get("completed_late", 0)
    assert statuses.get("overdue", 0) > 0
    # only cases on a power the catalogue lacks (unknown codes, Q5) go without a status
    assert set(statuses) - {None} == {
        "in_progress",
        "approaching",
        "overdue",
        "completed_early",
        "completed_on_time",
        "completed_late",
    }
    assert statuses.get(None, 0) < actual * 0.02


def test_late_acceptance_uploads_match_the_departments(simulated_city, built_warehouse):
    """Q1 for acceptances, recomputed from the departments' own rows (first upload vs latest accepted_at)."""
    expected = {}
    for source in department_sources(simulated_city):
        rows = exchange_query(
            source,
            f"""
            with typed as (
                select btrim(case_no) as case_no, accepted_at::timestamptz as accepted_at,
                       uploaded_at::timestamptz as uploaded_at, exchange_id
                from exchange.case_accepted
                where {typed_row_filter(source, "case_accepted")} and uploaded_at::timestamptz <= %s::timestamptz
            ), per_case as (
                select case_no, min(uploaded_at) filter (where accepted_at is not null) as first_uploaded_at,
                       (array_agg(accepted_at order by uploaded_at desc, exchange_id desc)
                           filter (where accepted_at is not null))[1] as accepted_at
                from typed group by case_no
            )
            select count(*) filter (where first_uploaded_at - accepted_at > interval '24 hours') from per_case
            """,
            (AS_OF,),
        )
        expected[source.department_code] = rows[0][0]
    with psycopg.connect(built_warehouse) as wh:
        actual = dict(
            wh.execute(
                "select department_code, count(*) filter (where is_late) from marts.upload_timeliness"
                " where record_type = 'acceptance' group by department_code"
            ).fetchall()
        )
    assert {k: v for k, v in expected.items() if v} == {k: v for k, v in actual.items() if v}
    assert sum(expected.values()) > 0


def test_expectations_ran_and_stored_results(built_warehouse):
    with psycopg.connect(built_warehouse) as wh:
        rows = wh.execute(
            "select rule_id, bool_and(success), sum(unexpected_count) from quality.expectation_results"
            " where as_of = %s::timestamptz group by rule_id order by rule_id",
            (AS_OF,),
        ).fetchall()
        late = wh.execute("select count(*) from marts.upload_timeliness where is_late").fetchone()[0]
        findings = dict(
            wh.execute("select rule_id, count(*) from marts.data_quality_findings group by rule_id").fetchall()
        )
    assert [r[0] for r in rows] == [f"Q{i}" for i in range(1, 10)] + ["W1", "W2", "W3"]
    q1 = rows[0]
    # the simulation uploads some events late: Q1 fails with exactly the late events as breaches
    assert q1[1] is False and q1[2] == late > 0
    # every rule the simulator breaks has findings, and its suite fails exactly then; the simulator
    # never reuses a catalogue code (Q6)
    assert set(findings) == {"Q1", "Q2", "Q3", "Q4", "Q5", "Q7", "Q8", "Q9", "W1", "W2", "W3"}
    assert {rule_id for rule_id, success, _ in rows if not success} == set(findings)


def test_rerunning_the_same_evaluation_time_changes_nothing(simulated_city, built_warehouse):
    before = mart_fingerprint(built_warehouse)
    with psycopg.connect(built_warehouse) as wh:
        raw_before = wh.execute("select count(*) from raw.case_accepted").fetchone()[0]
    esup_cli(
        "run",
        "--sources",
        str(simulated_city["sources_file"]),
        "--as-of",
        AS_OF,
        env={"ESUP_WAREHOUSE_URL": built_warehouse},
    )
    assert mart_fingerprint(built_warehouse) == before
    with psycopg.connect(built_warehouse) as wh:
        assert wh.execute("select count(*) from raw.case_accepted").fetchone()[0] == raw_before


@pytest.fixture(scope="module")
def earlier_warehouse(simulated_city, pg_server):
    pg.drop_database(pg_server, "warehouse_earlier")
    url = pg.ensure_database(pg_server, "warehouse_earlier")
    run_models(simulated_city, url, "2026-09-30T19:00:00+08:00")
    yield url
    pg.drop_database(pg_server, "warehouse_earlier")


def test_an_earlier_evaluation_time_sees_only_what_was_uploaded_by_then(simulated_city, earlier_warehouse):
    expected = cases_uploaded_by(simulated_city, "2026-09-30T19:00:00+08:00")
    with psycopg.connect(earlier_warehouse) as wh:
        assert wh.execute("select count(*) from marts.case_timeliness").fetchone()[0] == expected
        assert wh.execute(
            "select max(accepted_at) <= '2026-09-30T19:00:00+08:00' from marts.case_timeliness"
            " where accepted_at > '2000-01-01'"
        ).fetchone()[0]


def test_personal_data_stays_in_the_raw_layer(built_warehouse):
    """Exchange contract: names, ID numbers and phones are masked from staging on."""
    with psycopg.connect(built_warehouse) as wh:
        raw_ids = wh.execute(
            "select count(*) from raw.case_accepted where applicant_id_no ~ '^[0-9]{17}[0-9Xx]$'"
        ).fetchone()[0]
        staged = wh.execute(
            "select applicant_id_no, applicant_name from staging.stg_exchange__case_acceptances"
            " where applicant_id_no is not null"
        ).fetchall()
        phones = wh.execute(
            "select complainant_phone from staging.stg_exchange__complaints where complainant_phone is not null"
        ).fetchall()
    assert raw_ids > 0
    assert staged and all(id_no[6:14] == "********" and name.endswith("**") for id_no, name in staged)
    assert phones and all(phone[3:7] == "****" for (phone,) in phones)


@pytest.mark.parametrize(
    "table, rows",
    [
        # one current version per case node: a unique partial index
        ("staging.stg_exchange__case_node_versions", "where is_current"),
        # one row per event or checked record (macro unique_key_index)
        ("marts.upload_timeliness", ""),
        ("marts.case_timeliness", ""),
        ("marts.node_timeliness", ""),
        ("intermediate.int_quality_q5_case_powers", ""),
        ("intermediate.int_quality_q7_handler_accounts", ""),
        ("intermediate.int_quality_q9_case_traces", ""),
    ],
)
def test_the_warehouse_refuses_a_second_row_for_a_key(built_warehouse, table, rows):
    """A unique index enforces the key on every write; it replaces a test that grouped the whole
    table on every run."""
    with psycopg.connect(built_warehouse) as wh:
        present = wh.execute(f"select count(*) from {table} {rows}").fetchone()[0]
        with pytest.raises(psycopg.errors.UniqueViolation):
            wh.execute(f"insert into {table} select * from {table} {rows} limit 1")
    assert present > 0


def test_backfilling_reproduces_each_evaluation_time(simulated_city, earlier_warehouse, built_warehouse):
    """T4: the warehouse evaluated at 30 Sep, then at 20 Nov, then at 30 Sep again, shows exactly
    what a warehouse built only for that time shows."""
    at_30_sep = mart_fingerprint(earlier_warehouse)
    for as_of, expected in ((AS_OF, mart_fingerprint(built_warehouse)), ("2026-09-30T19:00:00+08:00", at_30_sep)):
        run_models(simulated_city, earlier_warehouse, as_of)
        assert mart_fingerprint(earlier_warehouse) == expected, as_of


def test_a_daily_run_equals_a_build_for_that_day_alone(simulated_city, pg_server, built_warehouse):
    """ADR 0006: yesterday's run, then today's, which recomputes only the cases that can have changed
    (new versions, open cases, running nodes): every mart equals a warehouse built only for today."""
    pg.drop_database(pg_server, "warehouse_daily")
    url = pg.ensure_database(pg_server, "warehouse_daily")
    for as_of in ("2026-11-19T19:00:00+08:00", AS_OF):
        run_models(simulated_city, url, as_of)
    assert mart_fingerprint(url) == mart_fingerprint(built_warehouse)
    with psycopg.connect(url) as wh:
        kept, recomputed = wh.execute(
            "select count(*) filter (where as_of < %s), count(*) filter (where as_of = %s) from marts.case_timeliness",
            (AS_OF, AS_OF),
        ).fetchone()
        open_cases_kept = wh.execute(
            "select count(*) from marts.case_timeliness where completed_at is null and as_of < %s", (AS_OF,)
        ).fetchone()[0]
    # the run was incremental: completed cases without news kept yesterday's rows, open ones were recomputed
    assert kept > 0 and recomputed > 0
    assert open_cases_kept == 0
    # --full-refresh rebuilds every table whole: the same rows, all computed by this run
    run_models(simulated_city, url, AS_OF, "--full-refresh")
    assert mart_fingerprint(url) == mart_fingerprint(built_warehouse)
    with psycopg.connect(url) as wh:
        assert wh.execute("select count(*) from marts.case_timeliness where as_of <> %s", (AS_OF,)).fetchone()[0] == 0
