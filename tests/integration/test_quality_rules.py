"""Data-quality rules Q1-Q9 on a hand-made department: for every rule, records that break it and
records that do not, asserting the exact findings, and GX counting exactly what the findings list.

Every record is uploaded within the hour unless a test says otherwise; every power is complete
(Q2) with a two-node flow (post, division and documents named; 1 + 1 WD within a 3-WD promise).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

AS_OF = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
CATALOGUE_UPLOAD = "2026-01-01 09:00+08"
DATABASES = ("qr_exchange", "qr_legal", "qr_warehouse")


def power(code, version=1, **overrides):
    return {
        "power_code": code,
        "version": version,
        "department_code": "SCJGJ",
        "category": "XK",
        "name": f"事项{code}",
        "handling_division": "行政审批处",
        "legal_limit_wd": 20,
        "promised_limit_wd": 3,
        "location": "市政务服务中心",
        "phone": "0515-88888888",
        "service_guide": "办事指南",
        "legal_basis": "《中华人民共和国行政许可法》",
        "required_materials": "申请书",
        "standard_fee": 0,
        "is_risk_point": False,
        "status": "confirmed",
        "confirmed_at": "2025-12-20 09:00+08",
        "effective_from": "2026-01-01",
        "uploaded_at": CATALOGUE_UPLOAD,
        **overrides,
    }


def flow(code, version=1, limits=(1, 1), node_overrides=None):
    return [
        {
            "power_code": code,
            "version": version,
            "node_seq": seq,
            "node_name": name,
            "post_code": post,
            "division": "行政审批处",
            "limit_wd": limit,
            "documents": "审查意见书",
            "uploaded_at": CATALOGUE_UPLOAD,
            **(node_overrides or {}).get(seq, {}),
        }
        for seq, (name, post, limit) in enumerate(zip(("受理", "审查"), ("CK", "SC"), limits, strict=True), start=1)
    ]


def case(no, code="P_OK", accepted_at="2026-11-02 09:00+08", uploaded_at=None):
    return {
        "case_no": no,
        "department_code": "SCJGJ",
        "power_code": code,
        "channel": "window",
        "accepted_at": accepted_at,
        "uploaded_at": uploaded_at or accepted_at,
    }


def node(case_no, seq, handler="acct1", opinion="agree", reason=None, day=2):
    post = ("CK", "SC")[seq - 1]
    return {
        "case_no": case_no,
        "node_seq": seq,
        "post_code": post,
        "handler_account": handler,
        "started_at": f"2026-11-{day + seq - 1:02d} 10:00+08",
        "finished_at": f"2026-11-{day + seq - 1:02d} 16:00+08",
        "opinion": opinion,
        "reason": reason,
        "uploaded_at": f"2026-11-{day + seq - 1:02d} 16:30+08",
    }


def account(account_id, posts, enabled=True, approved=True, version=1, changed_at="2025-06-01 09:00+08"):
    return {
        "account_id": account_id,
        "version": version,
        "department_code": "SCJGJ",
        "name_zh": "办理人",
        "post_codes": list(posts),
        "approved_by": "局长" if approved else None,
        "approved_at": "2025-05-30 09:00+08" if approved else None,
        "enabled": enabled,
        "changed_at": changed_at,
        "uploaded_at": changed_at,
    }


@pytest.fixture(scope="module")
def quality(pg_server):
    for name in DATABASES:
        pg.drop_database(pg_server, name)
    exchange = pg.ensure_database(pg_server, "qr_exchange")
    legal = pg.ensure_database(pg_server, "qr_legal")
    warehouse = pg.ensure_database(pg_server, "qr_warehouse")
    create_exchange(exchange)
    insert_rows(
        exchange,
        "power_item",
        [
            power("P_OK"),
            power("P_NOPHONE", phone=" "),  # Q2: blank is missing
            power("P_CF", category="CF", discretion_standard=None),  # Q2: a penalty without discretion standards
            power("P_CF_OK", category="CF", discretion_standard="裁量基准"),
            power("P_SLOW", promised_limit_wd=2),  # Q3: 1 + 2 WD of flow > 2 promised; node 2 without documents
            power("P_PENDING", status="pending", confirmed_at=None),  # Q5
            power("P_EXPIRED", effective_to="2026-10-01"),  # Q5 for a case accepted after 1 Oct
            # Q6: a cancelled code used again, and codes added by the legal office.
            power("QR-0003", category="QR"),
            power("QR-0003", 2, category="QR", status="cancelled", uploaded_at="2026-06-01 09:00+08"),
            power("QR-0003", 3, category="QR", uploaded_at="2026-08-01 09:00+08"),
            power("QR-0005", category="QR"),
            power("QR-0002", category="QR", effective_from="2026-08-01", uploaded_at="2026-07-25 09:00+08"),
            power("QR-0009", category="QR", effective_from="2026-08-01", uploaded_at="2026-07-25 09:00+08"),
        ],
    )
    flows = [flow(code) for code in ("P_OK", "P_NOPHONE", "P_CF", "P_CF_OK", "P_PENDING", "P_EXPIRED")]
    flows += [flow(code) for code in ("QR-0005", "QR-0002", "QR-0009")]
    flows += [flow("QR-0003", version) for version in (1, 2, 3)]
    flows.append(flow("P_SLOW", limits=(1, 2), node_overrides={2: {"documents": None}}))
    insert_rows(exchange, "power_flow_node", [row for rows in flows for row in rows])
    insert_rows(
        exchange,
        "account",
        [
            account("acct1", ("CK", "SC")),
            account("acct2", ("SC",)),  # Q7: handles a CK node without the post
            account("acct3", ("CK", "SC")),
            account("acct3", ("CK", "SC"), enabled=False, version=2, changed_at="2026-10-01 09:00+08"),
            account("acct4", ("CK",), approved=False),  # Q7: no approval record
            # Q7: versions out of order; from 1 Nov v1 and v3 are both in force, and v3 (the higher,
            # disabled) decides
            account("acct5", ("CK", "SC")),
            account("acct5", ("CK", "SC"), version=2, changed_at="2026-11-10 09:00+08"),
            account("acct5", ("CK", "SC"), enabled=False, version=3, changed_at="2026-11-01 09:00+08"),
        ],
    )
    insert_rows(
        exchange,
        "case_accepted",
        [
            case("C_OK"),
            case("C_LATE_UPLOAD", uploaded_at="2026-11-04 10:00+08"),  # Q1: 49 hours
            case("C_REASON"),
            case("C_PENDING", "P_PENDING"),
            case("C_EXPIRED", "P_EXPIRED"),
            case("C_UNKNOWN", "NOPE"),
            case("C_HANDLER"),
            case("C_BACKDATED"),
            case("C_OFFLINE"),
            case("C_SUSPENDED"),
            case("C_OVERLAP"),
        ],
    )
    insert_rows(
        exchange,
        "case_node",
        [
            node("C_OK", 1),
            node("C_OK", 2),
            node("C_REASON", 1, opinion="disagree", reason=" 同上。"),  # Q4: a placeholder
            node("C_REASON", 2, opinion="return", reason="缺少营业执照副本"),
            node("C_HANDLER", 1, handler="acct2"),  # Q7: acct2 lacks post CK
            node("C_HANDLER", 2, handler="acct3"),  # Q7: acct3 disabled since 1 Oct
            node("C_BACKDATED", 1),
            node("C_BACKDATED", 2),
            node("C_OFFLINE", 1),  # Q9: node 2 never uploaded
            node("C_OVERLAP", 1, handler="acct5"),  # Q7: started 2 Nov, under acct5 v3 (disabled)
        ],
    )
    insert_rows(
        exchange,
        "case_completed",
        [
            {"case_no": "C_OK", "completed_at": "2026-11-04 09:00+08", "result": "approved", "fee_charged": 0},
            {"case_no": "C_OFFLINE", "completed_at": "2026-11-04 09:00+08", "result": "approved", "fee_charged": 0},
            # Q8: the completion time moved two days back after its first upload
            {
                "case_no": "C_BACKDATED",
                "completed_at": "2026-11-10 09:00+08",
                "result": "approved",
                "fee_charged": 0,
                "uploaded_at": "2026-11-10 09:30+08",
            },
            {
                "case_no": "C_BACKDATED",
                "completed_at": "2026-11-06 09:00+08",
                "result": "approved",
                "fee_charged": 0,
                "uploaded_at": "2026-11-10 18:00+08",
            },
        ],
    )
    with psycopg.connect(exchange) as conn:
        conn.execute(
            "update exchange.case_completed set uploaded_at = completed_at + interval '30 minutes'"
            " where uploaded_at is null"
        )
    insert_rows(
        exchange,
        "case_suspension",
        [
            # a suspension ended later: filling in ended_at is not a change (Q8)
            {
                "case_no": "C_SUSPENDED",
                "suspension_seq": 1,
                "reason_type": "testing",
                "started_at": "2026-11-03 10:00+08",
                "ended_at": None,
                "uploaded_at": "2026-11-03 10:30+08",
            },
            {
                "case_no": "C_SUSPENDED",
                "suspension_seq": 1,
                "reason_type": "testing",
                "started_at": "2026-11-03 10:00+08",
                "ended_at": "2026-11-05 10:00+08",
                "uploaded_at": "2026-11-05 10:30+08",
            },
        ],
    )
    create_exchange(legal, kind="legal_office")
    insert_rows(
        legal,
        "power_change_request",
        [
            {
                "request_id": f"R{code}",
                "department_code": "SCJGJ",
                "power_code": code,
                "change_type": "add",
                "trigger_type": "law",
                "trigger_date": "2026-07-01",
                "declared_at": "2026-07-10 09:00+08",
                "reviewed_at": "2026-07-13 09:00+08",
                "review_result": "approved",
                "adjusted_at": "2026-07-15 09:00+08",
                "effective_date": "2026-08-01",
                "uploaded_at": "2026-07-15 09:30+08",
            }
            for code in ("QR-0002", "QR-0009")
        ],
    )
    sources = [Source("scjgj", "department", exchange, "SCJGJ"), Source("legal", "legal_office", legal)]
    run_id = pipeline.prepare_warehouse(warehouse, sources)
    assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None, None]
    result = pipeline.run_dbt(warehouse, AS_OF)
    assert result.success, result.failures
    outcomes = {o.rule_id: o for o in pipeline.run_expectations(warehouse, AS_OF)}
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        findings = conn.execute("select * from marts.data_quality_findings").fetchall()
    yield {"warehouse": warehouse, "findings": findings, "outcomes": outcomes}
    for name in DATABASES:
        pg.drop_database(pg_server, name)


EXPECTED_FINDINGS = {
    ("Q1", "acceptance", "C_LATE_UPLOAD"),
    ("Q1", "completion", "C_BACKDATED"),  # completed 6 Nov 09:00, first uploaded 10 Nov
    ("Q2", "power_item", "P_NOPHONE v1"),
    ("Q2", "power_item", "P_CF v1"),
    ("Q3", "power_item", "P_SLOW v1"),
    ("Q4", "case_node", "C_REASON/1"),
    ("Q5", "case_accepted", "C_PENDING"),
    ("Q5", "case_accepted", "C_EXPIRED"),
    ("Q5", "case_accepted", "C_UNKNOWN"),
    ("Q6", "power_item", "QR-0003"),
    ("Q6", "power_item", "QR-0002"),
    ("Q7", "case_node", "C_HANDLER/1"),
    ("Q7", "case_node", "C_HANDLER/2"),
    ("Q7", "case_node", "C_OVERLAP/1"),
    ("Q7", "account", "acct4 v1"),
    ("Q8", "case_completed", "C_BACKDATED"),
    ("Q9", "case_completed", "C_OFFLINE"),
}


def test_each_rule_finds_exactly_its_breaches_Q1_to_Q9(quality):
    found = {(f["rule_id"], f["record_type"], f["record_key"]) for f in quality["findings"]}
    assert found == EXPECTED_FINDINGS
    assert len(quality["findings"]) == len(EXPECTED_FINDINGS)


def test_findings_say_what_is_wrong_in_chinese(quality):
    detail = {(f["rule_id"], f["record_key"]): f["detail"] for f in quality["findings"]}
    assert detail["Q1", "C_LATE_UPLOAD"] == "发生后49.00小时才上传（限24小时）"
    assert detail["Q2", "P_NOPHONE v1"] == "缺少咨询电话"
    assert detail["Q2", "P_CF v1"] == "缺少裁量基准"
    assert detail["Q3", "P_SLOW v1"] == "环节时限合计3个工作日，超过承诺期限2个工作日；第2环节未明确岗位、处室或文书"
    assert detail["Q4", "C_REASON/1"] == "第1环节意见为“不同意”，理由仅为“同上。”"
    assert detail["Q5", "C_UNKNOWN"] == "事项编码NOPE不在权力目录中"
    assert detail["Q5", "C_EXPIRED"] == "受理时事项P_EXPIRED未经确认或不在有效期内"
    assert detail["Q6", "QR-0003"] == "已取消的编码QR-0003被再次使用"
    assert detail["Q6", "QR-0002"] == "新增编码QR-0002未排在同类已有编码QR-0005之后"
    assert detail["Q7", "C_HANDLER/1"] == "第1环节办理账号acct2不持有岗位CK"
    assert detail["Q7", "C_HANDLER/2"] == "第2环节办理账号acct3未启用"
    assert detail["Q7", "acct4 v1"] == "账号acct4第1版无审批记录"
    assert detail["Q7", "C_OVERLAP/1"] == "第1环节办理账号acct5未启用"
    assert detail["Q8", "C_BACKDATED"] == "首次上传后被修改：办结时间由2026-11-10 09:00:00+08改为2026-11-06 09:00:00+08"
    assert detail["Q9", "C_OFFLINE"] == "已办结但缺少第2环节（网下运行）"


def test_findings_carry_rule_article_department_and_case(quality):
    by_key = {(f["rule_id"], f["record_key"]): f for f in quality["findings"]}
    q8 = by_key["Q8", "C_BACKDATED"]
    assert (q8["article"], q8["owner"], q8["rule_name"]) == ("S9(2), S24(1)", "department", "疑似倒签")
    assert (q8["department_code"], q8["case_no"]) == ("SCJGJ", "C_BACKDATED")
    # detected when the changed version arrived
    assert q8["detected_at"] == datetime(2026, 11, 10, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert by_key["Q6", "QR-0002"]["owner"] == "legal_office"
    assert by_key["Q7", "C_HANDLER/1"]["case_no"] == "C_HANDLER"
    assert by_key["Q7", "acct4 v1"]["case_no"] is None
    assert {f["as_of"] for f in quality["findings"]} == {AS_OF}


def test_expectations_count_exactly_what_the_findings_list(quality):
    """GX validates each rule's check relation; per criterion, its unexpected count is the number of
    records failing that criterion, and a suite fails exactly when its rule has findings."""
    outcomes = quality["outcomes"]
    assert set(outcomes) == {f"Q{i}" for i in range(1, 10)} | {"W1", "W2", "W3"}
    by_rule = {}
    for rule_id, *_ in EXPECTED_FINDINGS:
        by_rule[rule_id] = by_rule.get(rule_id, 0) + 1
    assert {r for r, o in outcomes.items() if not o.success} == set(by_rule)
    with psycopg.connect(quality["warehouse"]) as conn:
        results = conn.execute(
            "select rule_id, column_name, unexpected_count from quality.expectation_results"
            " where as_of = %s and rule_id in ('Q3', 'Q4', 'Q5', 'Q6', 'Q7', 'Q8', 'Q9')",
            (AS_OF,),
        ).fetchall()
        assert len(results) == 13
        models = {
            "Q3": "int_quality_q3_power_flows",
            "Q4": "int_quality_q4_negative_opinions",
            "Q5": "int_quality_q5_case_powers",
            "Q6": "int_quality_q6_power_codes",
            "Q7": "int_quality_q7_handler_accounts",
            "Q8": "int_quality_q8_record_versions",
            "Q9": "int_quality_q9_case_traces",
        }
        for rule_id, column, unexpected in results:
            failing = conn.execute(f"select count(*) from intermediate.{models[rule_id]} where not {column}").fetchone()
            assert unexpected == failing[0], (rule_id, column)
        expected_failing = {
            ("Q5", "is_power_in_catalogue"): 1,
            ("Q5", "is_power_confirmed_in_force"): 3,
            ("Q7", "holds_post"): 1,
            ("Q7", "is_account_enabled"): 2,
            ("Q7", "is_approved"): 1,
            ("Q6", "is_cancelled_code_unused"): 1,
            ("Q6", "is_new_code_appended"): 1,
        }
        assert {(r, c): u for r, c, u in results if (r, c) in expected_failing} == expected_failing
        q1_late = conn.execute(
            "select unexpected_count from quality.expectation_results"
            " where as_of = %s and rule_id = 'Q1' and column_name = 'delay_hours'",
            (AS_OF,),
        ).fetchone()[0]
    assert q1_late == by_rule["Q1"]


def test_a_missing_check_table_stops_validation_naming_its_rule(quality):
    with psycopg.connect(quality["warehouse"]) as conn:
        conn.execute("alter table intermediate.int_quality_q4_negative_opinions rename to q4_moved_aside")
    try:
        with pytest.raises(RuntimeError, match=r"^Q4: the table it validates is missing"):
            pipeline.run_expectations(quality["warehouse"], AS_OF)
    finally:
        with psycopg.connect(quality["warehouse"]) as conn:
            conn.execute("alter table intermediate.q4_moved_aside rename to int_quality_q4_negative_opinions")


def test_an_empty_catalogue_stops_validation_with_a_clear_message(quality):
    with psycopg.connect(quality["warehouse"]) as conn:
        conn.execute("alter table marts.power_catalogue rename to power_catalogue_aside")
        conn.execute("create table marts.power_catalogue (like marts.power_catalogue_aside)")
    try:
        with pytest.raises(RuntimeError, match=r"^Q2: marts.power_catalogue has no confirmed power"):
            pipeline.run_expectations(quality["warehouse"], AS_OF)
    finally:
        with psycopg.connect(quality["warehouse"]) as conn:
            conn.execute("drop table marts.power_catalogue")
            conn.execute("alter table marts.power_catalogue_aside rename to power_catalogue")


def test_data_docs_show_every_suite_with_its_rule_and_article(quality):
    """Data Docs (linked by `make demo`) are rebuilt by the run: one page per suite, carrying the
    rule's Chinese description and article from the registry."""
    site = pipeline.load_expectations().data_docs_index().parent
    index = (site / "index.html").read_text(encoding="utf-8")
    for suite in (
        "Q1_upload_within_24_hours",
        "Q4_negative_opinions_give_reasons",
        "Q8_no_backdating",
        "Q9_complete_trace",
    ):
        assert suite in index
    page = (site / "expectations" / "Q9_complete_trace.html").read_text(encoding="utf-8")
    assert "办结件须有权力流程的全部环节及办理人和时间，缺环节视为网下运行" in page
    assert "O9, O31" in page
