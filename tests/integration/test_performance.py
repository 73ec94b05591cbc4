"""P1-P3 on a hand-made city: two departments over October and November 2026, every input kind.

SCJGJ (A) and ZJJ (B), both of county 320900, with cases early, on time, late, late only because of a
T9 exemption, a late upload (Q1), cards yellow, red and revoked (A1-A4), nodes of a post (T7),
supervision tasks, complaints and catalogue changes. Every expected number is hand-computed below
from the 2026 calendar: National Day is 1-7 October (Saturday 10 October a make-up working day),
November has no holiday, so from 12 October on the working days are Monday to Friday.

Two evaluations: 10 January 2027 (the year is over and every source has uploaded past 31 December:
final) and 5 January 2027 noon (ZJJ's source has not yet: its figures are still provisional).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, pipeline
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

SH = ZoneInfo("Asia/Shanghai")
FINAL = datetime(2027, 1, 10, 19, 0, tzinfo=SH)
EARLY_JANUARY = datetime(2027, 1, 5, 12, 0, tzinfo=SH)
A, B = "SCJGJ", "ZJJ"
DATABASES = ("perf_a", "perf_b", "perf_legal", "perf_portal", "perf_office", "perf_warehouse")
OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def power(dept, code, category, promised, legal, fee, effective_from="2020-01-01", version=1, status="confirmed",
          effective_to=None):  # fmt: skip
    return {
        "power_code": code, "version": version, "department_code": dept, "category": category, "name": code,
        "promised_limit_wd": promised, "legal_limit_wd": legal, "standard_fee": fee, "is_risk_point": False,
        "status": status, "confirmed_at": f"{effective_from} 09:00+08", "effective_from": effective_from,
        "effective_to": effective_to, "uploaded_at": f"{effective_from} 10:00+08",
    }  # fmt: skip


def case(dept, no, code, accepted, uploaded=None):
    at = f"{accepted} 10:00+08"
    return {"case_no": no, "department_code": dept, "power_code": code, "accepted_at": at,
            "uploaded_at": uploaded or f"{accepted} 11:00+08"}  # fmt: skip


def done(no, completed, result="approved", fee=None):
    return {"case_no": no, "completed_at": f"{completed} 10:00+08", "result": result, "fee_charged": fee,
            "uploaded_at": f"{completed} 11:00+08"}  # fmt: skip


def node(no, started, finished):
    return {"case_no": no, "node_seq": 1, "post_code": "A-CK", "handler_account": "a-wang", "opinion": "agree",
            "started_at": f"{started} 10:30+08", "finished_at": f"{finished} 09:00+08",
            "uploaded_at": f"{finished} 09:30+08"}  # fmt: skip


def build_city(a: str, b: str, legal: str, portal: str, office: str) -> None:
    create_exchange(a)
    insert_rows(a, "power_item", [
        power(A, "A-XK", "XK", 5, 10, 500),  # flow: one node of post A-CK, 1 WD
        power(A, "A-CF", "CF", 5, 10, None, effective_from="2026-11-01"),  # added on 1 November
    ])  # fmt: skip
    insert_rows(a, "power_flow_node", [
        {"power_code": "A-XK", "version": 1, "node_seq": 1, "node_name": "受理", "post_code": "A-CK",
         "limit_wd": 1, "uploaded_at": "2020-01-01 10:00+08"},
    ])  # fmt: skip
    insert_rows(a, "account", [
        {"account_id": "a-wang", "version": 1, "department_code": A, "name_zh": "王", "post_codes": ["A-CK"],
         "approved_by": "li", "approved_at": "2020-01-01 09:00+08", "enabled": True,
         "changed_at": "2020-01-01 09:00+08", "uploaded_at": "2020-01-01 10:00+08"},
    ])  # fmt: skip
    insert_rows(a, "case_accepted", [
        case(A, "A1", "A-XK", "2026-11-02", uploaded="2026-11-04 10:30+08"),  # due 9 Nov; uploaded late (Q1)
        case(A, "A2", "A-XK", "2026-11-02"),  # on time
        case(A, "A3", "A-XK", "2026-11-02"),  # late: T6 card 10 Nov, corrected 11 Nov (yellow)
        case(A, "A4", "A-XK", "2026-10-12"),  # due 19 Oct, completed 30 Oct: card 20 Oct, red 28 Oct
        case(A, "A5", "A-XK", "2026-11-02"),  # late only because of 2 exempt WD (T9): no card, no deduction
        case(A, "A6", "A-CF", "2026-11-02"),  # a penalty decision
        case(A, "A7", "A-CF", "2026-11-02"),  # withdrawn: no decision in table 二
        case(A, "A9", "A-XK", "2027-01-05"),  # the source uploads past 31 December
    ])  # fmt: skip
    insert_rows(a, "case_completed", [
        done("A1", "2026-11-04", fee=300),
        done("A2", "2026-11-09", fee=200),
        done("A3", "2026-11-11", fee=150),
        done("A4", "2026-10-30"),
        done("A5", "2026-11-11"),
        done("A6", "2026-11-03", result="penalised"),
        done("A7", "2026-11-03", result="withdrawn"),
    ])  # fmt: skip
    insert_rows(a, "case_node", [
        node("A1", "2026-11-02", "2026-11-03"),
        node("A2", "2026-11-02", "2026-11-03"),
        node("A3", "2026-11-02", "2026-11-04"),  # 2 WD against 1: over its limit (T7)
        node("A4", "2026-10-12", "2026-10-13"),
        node("A5", "2026-11-02", "2026-11-03"),
    ])  # fmt: skip

    create_exchange(b)
    insert_rows(b, "power_item", [
        power(B, "B-XK", "XK", 10, 20, 1000),
        power(B, "B-OLD", "CF", 5, 10, None),
        power(B, "B-OLD", "CF", 5, 10, None, version=2, status="cancelled", effective_to="2026-12-01"),
    ])  # fmt: skip
    insert_rows(b, "case_accepted", [
        case(B, "B1", "B-XK", "2026-10-12"),  # due 26 Oct, completed 14 Oct: early
        case(B, "B2", "B-XK", "2026-11-02", uploaded="2026-11-04 11:00+08"),  # due 16 Nov; uploaded late (Q1)
        case(B, "B3", "B-XK", "2026-11-02"),  # completed 18 Nov: card 17 Nov, revoked by the office 18 Nov
        case(B, "B4", "B-XK", "2027-01-06"),  # the source uploads past 31 December, after 5 January
    ])  # fmt: skip
    insert_rows(b, "case_completed", [
        done("B1", "2026-10-14", fee=800),
        done("B2", "2026-11-16", fee=1000),
        done("B3", "2026-11-18"),
    ])  # fmt: skip

    create_exchange(legal, kind="legal_office")
    insert_rows(legal, "power_change_request", [
        change("R1", A, "A-CF", "add", "approved", "2026-11-01"),
        change("R2", A, "A-XK", "modify", "approved", "2026-11-15"),
        change("R3", B, "B-OLD", "cancel", "approved", "2026-12-01"),
        change("R4", B, "B-XK", "modify", "rejected", "2026-12-01"),
        change("R5", A, "A-XK", "modify", "approved", "2027-02-01", uploaded="2027-01-03 10:00+08"),
    ])  # fmt: skip

    create_exchange(portal, kind="portal")
    insert_rows(portal, "complaint", [
        complaint("K1", A, "2026-11-03"),
        complaint("K2", B, "2026-11-05"),
        complaint("K3", A, "2027-01-04"),
        complaint("K4", B, "2026-11-09"),  # never decided: due 16 November (W2)
    ])  # fmt: skip
    insert_rows(portal, "complaint_action", [
        {"complaint_no": "K1", "action_seq": 1, "action": "accept", "acted_at": "2026-11-04 10:00+08",
         "actor_unit": "JCS", "uploaded_at": "2026-11-04 11:00+08"},
        {"complaint_no": "K2", "action_seq": 1, "action": "reject", "acted_at": "2026-11-06 10:00+08",
         "actor_unit": "JCS", "reason": "不属于受理范围", "uploaded_at": "2026-11-06 11:00+08"},
    ])  # fmt: skip

    create_exchange(office, kind="supervision")
    insert_rows(office, "exemption", [
        {"exemption_id": "E-A5", "scope": "case", "department_code": A, "case_no": "A5",
         "reason_type": "applicant_fraud", "start_at": "2026-11-03 09:00+08", "end_at": "2026-11-04 18:00+08",
         "uploaded_at": "2026-11-03 10:00+08"},
    ])  # fmt: skip
    insert_rows(office, "card_revocation", [
        {"card_id": "YC-T6-ZJJ-B3-20261117", "revoked_at": "2026-11-18 15:00+08", "reason": "申诉成立",
         "approved_by": "jcb001", "uploaded_at": "2026-11-18 16:00+08"},
    ])  # fmt: skip
    insert_rows(office, "supervision_task", [
        task("T1", A, "2026-11-05", "2026-11-12"),
        task("T2", B, "2026-11-20", None),
        task("T3", A, "2027-01-04", None),  # the office uploads past 31 December
    ])  # fmt: skip
    insert_rows(office, "supervision_task_action", [
        {"task_no": "T1", "action_seq": 1, "action": "reply", "acted_at": "2026-11-10 10:00+08", "actor": A,
         "uploaded_at": "2026-11-10 11:00+08"},
    ])  # fmt: skip


def change(request_id, dept, code, change_type, result, effective, uploaded=None):
    return {"request_id": request_id, "department_code": dept, "power_code": code, "change_type": change_type,
            "trigger_type": "law", "trigger_date": "2026-09-01", "declared_at": "2026-09-10 10:00+08",
            "reviewed_at": "2026-09-14 10:00+08", "review_result": result, "adjusted_at": "2026-09-15 10:00+08",
            "effective_date": effective, "uploaded_at": uploaded or "2026-09-15 11:00+08"}  # fmt: skip


def complaint(no, dept, received):
    return {"complaint_no": no, "received_at": f"{received} 09:00+08", "channel": "web", "is_real_name": True,
            "complainant_name": "张三", "complainant_phone": "13800000000", "target_department_code": dept,
            "category": "服务态度", "content": "办理拖延", "uploaded_at": f"{received} 09:30+08"}  # fmt: skip


def task(no, dept, issued, deadline):
    return {"task_no": no, "origin": "self", "target_department_code": dept, "issued_at": f"{issued} 09:00+08",
            "deadline_date": deadline, "uploaded_at": f"{issued} 09:30+08"}  # fmt: skip


def fetch(warehouse: str, sql: str) -> list[dict]:
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def city(pg_server) -> dict:
    """The warehouse's score and disclosure marts at each evaluation time."""
    for name in DATABASES:
        pg.drop_database(pg_server, name)
    a, b, legal, portal, office, warehouse = (pg.ensure_database(pg_server, name) for name in DATABASES)
    build_city(a, b, legal, portal, office)
    sources = [
        Source("a", "department", a, A, "320900"),
        Source("b", "department", b, B, "320900"),
        Source("legal_office", "legal_office", legal),
        Source("portal", "portal", portal),
        Source("supervision", "supervision", office),
    ]
    results = {}
    for as_of in (EARLY_JANUARY, FINAL):
        run_id = pipeline.prepare_warehouse(warehouse, sources)
        assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None] * 5
        result = pipeline.run_dbt(warehouse, as_of)
        assert result.success, result.failures
        results[as_of] = {
            "scores": fetch(warehouse, "select * from marts.performance_scores"),
            "figures": {r["department_code"]: r for r in fetch(
                warehouse, "select * from marts.annual_disclosure_figures where year = 2026")},
            "powers": fetch(warehouse, "select * from marts.annual_disclosure_powers where year = 2026"),
            "cards": fetch(warehouse, "select card_id, color, issued_on, red_on, revoked_on from marts.cards"),
        }  # fmt: skip
    results["warehouse"] = warehouse
    yield results
    for name in DATABASES:
        pg.drop_database(pg_server, name)


def scores(city, period_type: str, unit_type: str) -> dict:
    """(unit_code, period_start) -> (score, timeliness, uploads, cards, workflows, bonuses, grade, rank, change)."""
    return {
        (r["unit_code"], r["period_start"]): (
            r["score"],
            r["timeliness_deduction"],
            r["uploads_deduction"],
            r["cards_deduction"],
            r["workflows_deduction"],
            r["bonuses"],
            r["grade"],
            r["rank"],
            r["score_change"],
        )
        for r in city[FINAL]["scores"]
        if r["period_type"] == period_type and r["unit_type"] == unit_type and r["period_start"].year == 2026
    }


def D(value: str) -> Decimal:
    return Decimal(value)


def test_the_cards_behind_the_scores_A1_A2_A4(city):
    """The cards the cards part counts, as the card rules give them (hand-computed)."""
    cards = {r["card_id"]: (r["color"], r["issued_on"], r["red_on"], r["revoked_on"]) for r in city[FINAL]["cards"]}
    assert cards == {
        "YC-T6-SCJGJ-A4-20261020": ("red", date(2026, 10, 20), date(2026, 10, 28), None),
        "YC-T6-SCJGJ-A3-20261110": ("yellow", date(2026, 11, 10), None, None),
        "YC-T6-ZJJ-B3-20261117": ("yellow", date(2026, 11, 17), None, date(2026, 11, 18)),
        # T9: the exemption was registered before the card's day: kept, never issued
        "YC-T6-SCJGJ-A5-20261110": ("yellow", date(2026, 11, 10), None, None),
    }


def test_department_months_P1_P2(city):
    assert scores(city, "month", "department") == {
        # A October: 1 of 1 late -> 100, capped at 40; 0 of 3 uploads late; yellow 5 + red 10 -> 45
        (A, OCT): (D("45.00"), D("40.00"), D("0.00"), D("15.00"), D("0.00"), D("0.00"), "不合格", 2, None),
        # A November: 1 late of 6 (A5 only exempt-late) -> 16.67; 1 of 16 uploads late -> 6.25; A3's
        # yellow card -> 5; 3 of 6 early = 50 % -> +5: 100 - 27.92 + 5 = 77.08
        (A, NOV): (D("77.08"), D("16.67"), D("6.25"), D("5.00"), D("0.00"), D("5.00"), "合格", 1, D("32.08")),
        # B October: 1 of 1 early -> +10
        (B, OCT): (D("110.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"), D("10.00"), "优秀", 1, None),
        # B November: 1 of 2 late -> 50, capped at 40; 1 of 4 uploads late -> 25, capped at 20; B3's card
        # revoked -> 0; task T2 (issued 20 Nov, 5 WD -> due 27 Nov) never answered -> 2 (W1)
        (B, NOV): (D("38.00"), D("40.00"), D("20.00"), D("0.00"), D("2.00"), D("0.00"), "不合格", 2, D("-72.00")),
    }


def test_quarter_and_year_are_means_of_the_months_P1(city):
    quarter = {(A, date(2026, 10, 1)): D("61.04"), (B, date(2026, 10, 1)): D("74.00")}
    assert {k: v[0] for k, v in scores(city, "quarter", "department").items()} == quarter
    # the year has the same two months; ranks: B first
    assert {k[0]: (v[0], v[6], v[7]) for k, v in scores(city, "year", "department").items()} == {
        A: (D("61.04"), "合格", 2),
        B: (D("74.00"), "合格", 1),
    }


def test_county_post_and_power_scores_P1(city):
    # county 320900 = A + B. October: 1 late of 2 -> 50, capped 40; cards 15; 1 of 2 early -> +5: 50.
    # November: 2 late of 8 -> 25; 2 of 20 uploads late -> 10; cards 5; W1 2; 3 of 8 early -> +3: 61.
    assert {k: v[0] for k, v in scores(city, "month", "county").items()} == {
        ("320900", OCT): D("50.00"),
        ("320900", NOV): D("61.00"),
    }
    # post A-CK: October 1 node in time -> 100; November 1 of 4 over its limit -> 75
    assert {k: v[0] for k, v in scores(city, "month", "post").items()} == {
        ("A-CK", OCT): D("100.00"),
        ("A-CK", NOV): D("75.00"),
    }
    # powers on timeliness (weight 100) and the bonus. A-XK November: 1 late of 4 -> 25, 1 early -> +2
    assert {k: v[0] for k, v in scores(city, "month", "power").items()} == {
        ("A-XK", OCT): D("0.00"),
        ("A-XK", NOV): D("77.00"),
        ("A-CF", NOV): D("110.00"),
        ("B-XK", OCT): D("110.00"),
        ("B-XK", NOV): D("50.00"),
    }


def test_every_row_names_its_rules_and_whether_it_is_final(city):
    rows = city[FINAL]["scores"]
    assert {r["rule_version"] for r in rows} == {"yc2010-v1"}
    # January 2027 is still running on 10 January; 2026's periods are over
    assert {(r["period_start"].year, r["provisional"]) for r in rows if r["period_type"] == "month"} == {
        (2026, False),
        (2027, True),
    }


def test_workflow_marts_W1_W2(city):
    """T1 answered before its deadline; T2 (no deadline: 5 WD from Friday 20 November) never answered;
    T3 (Monday 4 January 2027) not yet due. K1 and K2 decided in time, their real-name complainants
    never notified (due 5 WD after the decision); K3 not yet due; K4 never decided."""
    tasks = {r["task_no"]: (r["deadline"], r["reply_on_time"], r["status"], r["is_deadline_missed"])
             for r in fetch(city["warehouse"], "select * from marts.supervision_tasks")}  # fmt: skip
    assert tasks == {
        "T1": (date(2026, 11, 12), True, "replied", False),
        "T2": (date(2026, 11, 27), None, "overdue", True),
        "T3": (date(2027, 1, 11), None, "awaiting_reply", False),
    }
    complaints = {
        r["complaint_no"]: (r["decision"], r["decision_due_date"], r["decision_on_time"], r["notify_due_date"],
                            r["notified_on_time"])
        for r in fetch(city["warehouse"], "select * from marts.complaints")
    }  # fmt: skip
    assert complaints == {
        "K1": ("accept", date(2026, 11, 10), True, date(2026, 11, 11), False),
        "K2": ("reject", date(2026, 11, 12), True, date(2026, 11, 13), False),
        "K3": (None, date(2027, 1, 11), None, None, None),
        "K4": (None, date(2026, 11, 16), False, None, None),
    }
    findings = fetch(
        city["warehouse"],
        "select rule_id, record_key from marts.data_quality_findings where rule_id like 'W%' order by record_key",
    )
    assert [(f["rule_id"], f["record_key"]) for f in findings] == [
        ("W2", "K1/notify"),
        ("W2", "K2/notify"),
        ("W2", "K4/decision"),
    ]


EXPECTED_FIGURES = {
    A: {
        "powers_in_force": 2, "powers_added": 1, "powers_modified": 1, "powers_cancelled": 0,
        "cases_accepted": 7, "cases_completed": 7, "completed_early": 3, "completed_on_time": 1,
        "completed_late": 3,
        # elapsed WD 2 + 5 + 7 + 14 + 7 + 1 + 1 = 37 over 7; promised 5 each
        "wd_used_avg": D("5.29"), "promised_wd_avg": D("5.00"),
        "yellow_cards": 2, "red_cards": 1, "cards_revoked": 0,
        "supervision_tasks": 1, "supervision_replies_on_time": 1,
        "complaints_received": 1, "complaints_accepted": 1,
        "events_uploaded": 19, "events_late": 1, "score": D("61.04"), "rank": 2,
        # table 二: A1-A5 are permits; A6 a penalty, A7 withdrawn; fees 300 + 200 + 150 yuan
        "t2_permit_decisions": 5, "t2_penalty_decisions": 1, "t2_enforcement_decisions": 0,
        "t2_fees_wan_yuan": D("0.0650"),
    },
    B: {
        "powers_in_force": 1, "powers_added": 0, "powers_modified": 0, "powers_cancelled": 1,
        "cases_accepted": 3, "cases_completed": 3, "completed_early": 1, "completed_on_time": 1,
        "completed_late": 1,
        # elapsed WD 2 + 10 + 12 over 3; promised 10 each
        "wd_used_avg": D("8.00"), "promised_wd_avg": D("10.00"),
        "yellow_cards": 0, "red_cards": 0, "cards_revoked": 1,
        "supervision_tasks": 1, "supervision_replies_on_time": 0,
        "complaints_received": 2, "complaints_accepted": 0,
        "events_uploaded": 6, "events_late": 1, "score": D("74.00"), "rank": 1,
        "t2_permit_decisions": 3, "t2_penalty_decisions": 0, "t2_enforcement_decisions": 0,
        "t2_fees_wan_yuan": D("0.1800"),
    },
}  # fmt: skip


@pytest.mark.parametrize("department", [A, B])
def test_annual_disclosure_figures_P3(city, department):
    row = city[FINAL]["figures"][department]
    assert {k: row[k] for k in EXPECTED_FIGURES[department]} == EXPECTED_FIGURES[department]
    assert row["provisional"] is False


def test_annual_catalogue_by_category_P3(city):
    assert {
        (r["department_code"], r["category"]): (r["in_force"], r["added"], r["modified"], r["cancelled"])
        for r in city[FINAL]["powers"]
    } == {
        (A, "XK"): (1, 0, 1, 0),
        (A, "CF"): (1, 1, 0, 0),
        (B, "XK"): (1, 0, 0, 0),
        # B-OLD's cancelling version ends on 1 December: not in force on 31 December
        (B, "CF"): (0, 0, 0, 1),
    }


def test_figures_are_provisional_until_every_source_uploaded_past_the_year_end_P3(city):
    """On 5 January at noon SCJGJ's source and the three offices' have uploaded past 31 December,
    ZJJ's not yet (its first 2027 case comes on 6 January)."""
    figures = city[EARLY_JANUARY]["figures"]
    assert (figures[A]["provisional"], figures[B]["provisional"]) == (False, True)
    assert (city[FINAL]["figures"][A]["provisional"], city[FINAL]["figures"][B]["provisional"]) == (False, False)


def test_workflow_expectations_count_the_findings_W1_W2_W3(city):
    """The W suites validate the workflow marts: W2 fails on the two missing notices and the missing
    decision, W1 and W3 pass."""
    outcomes = {o.rule_id: o for o in pipeline.run_expectations(city["warehouse"], FINAL)}
    assert (outcomes["W1"].success, outcomes["W2"].success, outcomes["W3"].success) == (True, False, True)
    with psycopg.connect(city["warehouse"]) as conn:
        failing = conn.execute(
            "select column_name, unexpected_count from quality.expectation_results"
            " where rule_id = 'W2' and as_of = %s and unexpected_count > 0 order by column_name",
            (FINAL,),
        ).fetchall()
    assert failing == [("decision_on_time", 1), ("notified_on_time", 2)]


def test_the_report_of_the_hand_made_city_P3(city, tmp_path):
    """SCJGJ's 2026 disclosure PDF carries its exact table 二 cells and, final, no 预估 mark."""
    import re
    import subprocess

    from esup import report

    written = report.write_annual_reports(city["warehouse"], 2026, tmp_path)
    assert sorted(p.name for p in written) == sorted(
        [report.pdf_name(2026, A), report.pdf_name(2026, B), report.workbook_name(2026)]
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / report.pdf_name(2026, A)), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"^\s*行政许可\s+5\s*$", text, re.MULTILINE), text
    assert re.search(r"^\s*行政处罚\s+1\s*$", text, re.MULTILINE), text
    assert re.search(r"^\s*行政事业性收费\s+0\.0650\s*$", text, re.MULTILINE), text
    assert "第 2 名" in text and "预估" not in text


def test_the_log_counts_tasks_started_and_replies_L(city):
    """L (S21): tasks the office started itself (T1 on 5 November for SCJGJ, T2 on 20 November for ZJJ,
    T3 on 4 January 2027) and department replies (T1's on 10 November), per day and for the city."""
    rows = fetch(
        city["warehouse"],
        "select log_date, department_code, supervision_self_initiated, supervision_feedback"
        " from marts.daily_supervision_log"
        " where supervision_self_initiated > 0 or supervision_feedback > 0",
    )
    assert {(r["log_date"], r["department_code"]): (r["supervision_self_initiated"], r["supervision_feedback"])
            for r in rows} == {
        (date(2026, 11, 5), A): (1, 0),
        (date(2026, 11, 5), "ALL"): (1, 0),
        (date(2026, 11, 10), A): (0, 1),
        (date(2026, 11, 10), "ALL"): (0, 1),
        (date(2026, 11, 20), B): (1, 0),
        (date(2026, 11, 20), "ALL"): (1, 0),
        (date(2027, 1, 4), A): (1, 0),
        (date(2027, 1, 4), "ALL"): (1, 0),
    }  # fmt: skip


def test_the_worklist_csv_carries_overdue_replies_and_decisions_W1_W2(city, tmp_path):
    """The first run (5 January) found T2's reply overdue since 28 November and K4's decision since
    17 November: both reach the office's worklist CSV beside the cards, once (not again on 10 January)."""
    import csv

    from esup import worklist

    rows = {}
    for as_of in (EARLY_JANUARY, FINAL):
        path = worklist.export_worklist(city["warehouse"], as_of, tmp_path)
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows[as_of] = [r for r in csv.DictReader(handle) if r["rule_id"].startswith("W")]
    assert [
        (r["record_key"], r["action"], r["correction_deadline"], r["action_date"]) for r in rows[EARLY_JANUARY]
    ] == [
        ("K4", "decision_overdue", "2026-11-16", "2026-11-17"),
        ("T2", "reply_overdue", "2026-11-27", "2026-11-28"),
    ]
    assert rows[FINAL] == []
