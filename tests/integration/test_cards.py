"""Cards A1-A4 on a hand-made exchange, run at a sequence of evaluation times.

Every expected date is hand-computed from the 2026 calendar: November and December have no holidays,
so the working days are Monday to Friday (2, 9, 16, 23 and 30 Nov are Mondays). A card's correction
deadline is the 5th working day after its issue day (T2 counting); red the day after (A2).

Runs (19:00 Beijing time): R1 = 10 Nov, R2 = 18 Nov, R3 = 25 Nov; then R3 again (rerun) and R1 again
(backfill). Each case below triggers one anomaly kind or is its twin that does not.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest

from esup import pg, pipeline, worklist
from esup.sources import Source
from tests.integration.exchange_fixtures import create_exchange, insert_rows

SH = ZoneInfo("Asia/Shanghai")
R1 = datetime(2026, 11, 10, 19, 0, tzinfo=SH)
R2 = datetime(2026, 11, 18, 19, 0, tzinfo=SH)
R3 = datetime(2026, 11, 25, 19, 0, tzinfo=SH)
DEPT = "SCJGJ"
DATABASES = ("cards_exchange", "cards_office", "cards_warehouse")


def d(day: int) -> date:
    return date(2026, 11, day)


def card(rule: str, case_no: str, issued: int) -> str:
    return f"YC-{rule}-{DEPT}-{case_no}-202611{issued:02d}"


def power(code, promised, legal=None, risk=False, fee=None, status="confirmed"):
    return {
        "power_code": code,
        "version": 1,
        "department_code": DEPT,
        "category": "XK",
        "name": code,
        "promised_limit_wd": promised,
        "legal_limit_wd": legal,
        "standard_fee": fee,
        "is_risk_point": risk,
        "status": status,
        "confirmed_at": "2026-01-01 09:00+08" if status == "confirmed" else None,
        "effective_from": "2026-01-01",
        "uploaded_at": "2026-01-01 09:00+08",
    }


def accepted(no, code, at="2026-11-02 10:00+08", uploaded=None):
    return {
        "case_no": no,
        "department_code": DEPT,
        "power_code": code,
        "accepted_at": at,
        "uploaded_at": uploaded or at,
    }


def completed(no, at, uploaded, fee=None):
    return {"case_no": no, "completed_at": at, "result": "approved", "fee_charged": fee, "uploaded_at": uploaded}


def node(no, seq, post, started, finished, uploaded, handler=None, opinion="agree", reason=None):
    return {
        "case_no": no,
        "node_seq": seq,
        "post_code": post,
        "handler_account": handler,
        "started_at": started,
        "finished_at": finished,
        "opinion": opinion,
        "reason": reason,
        "uploaded_at": uploaded,
    }


def build_exchange(exchange: str, office: str) -> None:
    create_exchange(exchange)
    insert_rows(
        exchange,
        "power_item",
        [
            power("P5", 5, legal=10),  # T6 cases
            power("R5", 5, legal=10, risk=True),  # A3: a risk-point power
            power("L10", 10, legal=10),  # T8: promised = legal limit
            power("P20", 20, legal=20, fee=100),  # record anomalies: due 30 Nov, never late here
            power("F20", 20, legal=20),  # Q9: a flow of two nodes
            power("U20", 20, legal=20, status="pending"),  # Q5: never confirmed
        ],
    )
    insert_rows(
        exchange,
        "power_flow_node",
        [
            {"power_code": "F20", "version": 1, "node_seq": s, "node_name": n, "post_code": p, "limit_wd": 5,
             "uploaded_at": "2026-01-01 09:00+08"}
            for s, n, p in ((1, "受理", "CK"), (2, "审查", "SC"))
        ],
    )  # fmt: skip
    insert_rows(
        exchange,
        "account",
        [
            {"account_id": "wang", "version": 1, "department_code": DEPT, "name_zh": "王", "post_codes": ["CK"],
             "approved_by": "li", "approved_at": "2026-01-01 09:00+08", "enabled": True,
             "changed_at": "2026-01-01 09:00+08", "uploaded_at": "2026-01-01 10:00+08"},
        ],
    )  # fmt: skip
    insert_rows(
        exchange,
        "case_accepted",
        [
            accepted("LADDER", "P5"),  # due 9 Nov; T6 from 10 Nov, red 18 Nov, completed 20 Nov
            accepted("ONTIME", "P5"),  # completed on its due day: no card
            accepted("QUICK", "P5", "2026-11-03 10:00+08"),  # due 10 Nov; T6 11 Nov, completed 12 Nov
            accepted("EXLATE", "P5"),  # T9: exemption registered after the card (revokes it)
            accepted("EXEARLY", "P5"),  # T9: exemption registered before the card (never issued)
            accepted("APPEAL", "R5", "2026-11-04 10:00+08"),  # due 11 Nov; T6 12 Nov, revoked 16 Nov
            accepted("LATEUP", "P5", uploaded="2026-11-12 10:00+08"),  # acceptance uploaded 12 Nov
            accepted("SUSPLATE", "P5"),  # T3: suspended 11 Nov, after its due date (9 Nov)
            accepted("SUSPOK", "P5"),  # suspended on its due date: moves it, no card
            accepted("EXTLATE", "L10"),  # T8: extension approved 17 Nov, legal limit ran out 16 Nov
            accepted("EXTOK", "L10"),  # extension approved 13 Nov: no card
            accepted("OPINION", "P20"),  # Q4: 不同意 without reason, fixed 13 Nov
            accepted("OPINIONOK", "P20"),
            accepted("HANDLER", "P20"),  # Q7: node 2 (post SC) handled by wang, who holds CK only
            accepted("HANDLEROK", "P20"),
            accepted("ORDER", "P20"),  # A1.order: node 2 started before node 1 finished, fixed 9 Nov
            accepted("ORDEROK", "P20"),
            accepted("UNCONF", "U20"),  # Q5: power never confirmed
            accepted("UNKNOWN", "NOPE"),  # Q5: not in the catalogue at all
            accepted("FEE", "P20"),  # A1.fee: 150 above 100, fixed 16 Nov
            accepted("FEEOK", "P20"),
            accepted("OFFLINE", "F20"),  # Q9: completed with one of two nodes; node 2 uploaded 20 Nov
            accepted("ONLINE", "F20"),
        ],
    )
    insert_rows(
        exchange,
        "case_completed",
        [
            completed("LADDER", "2026-11-20 10:00+08", "2026-11-20 11:00+08"),
            completed("ONTIME", "2026-11-09 10:00+08", "2026-11-09 11:00+08"),
            completed("QUICK", "2026-11-12 10:00+08", "2026-11-12 11:00+08"),
            completed("EXLATE", "2026-11-12 10:00+08", "2026-11-12 11:00+08"),
            completed("EXEARLY", "2026-11-12 10:00+08", "2026-11-12 11:00+08"),
            completed("SUSPOK", "2026-11-13 15:00+08", "2026-11-13 16:00+08"),
            completed("EXTLATE", "2026-11-20 10:00+08", "2026-11-20 11:00+08"),
            completed("EXTOK", "2026-11-16 10:00+08", "2026-11-16 11:00+08"),
            completed("FEE", "2026-11-06 10:00+08", "2026-11-06 11:00+08", fee=150),
            completed("FEE", "2026-11-06 10:00+08", "2026-11-16 09:00+08", fee=100),  # the correction
            completed("FEEOK", "2026-11-06 10:00+08", "2026-11-06 11:00+08", fee=100),
            completed("OFFLINE", "2026-11-05 10:00+08", "2026-11-05 11:00+08"),
            completed("ONLINE", "2026-11-05 10:00+08", "2026-11-05 11:00+08"),
        ],
    )
    insert_rows(
        exchange,
        "case_suspension",
        [
            {"case_no": "SUSPLATE", "suspension_seq": 1, "reason_type": "hearing", "started_at": "2026-11-11 10:00+08",
             "ended_at": None, "uploaded_at": "2026-11-11 11:00+08"},
            {"case_no": "SUSPOK", "suspension_seq": 1, "reason_type": "testing", "started_at": "2026-11-09 10:00+08",
             "ended_at": "2026-11-13 10:00+08", "uploaded_at": "2026-11-09 11:00+08"},
        ],
    )  # fmt: skip
    insert_rows(
        exchange,
        "case_extension",
        [
            {"case_no": "EXTLATE", "extension_seq": 1, "extra_wd": 5, "reason": "专家评审",
             "approved_at": "2026-11-17 10:00+08", "uploaded_at": "2026-11-17 11:00+08"},
            {"case_no": "EXTOK", "extension_seq": 1, "extra_wd": 5, "reason": "专家评审",
             "approved_at": "2026-11-13 10:00+08", "uploaded_at": "2026-11-13 11:00+08"},
        ],
    )  # fmt: skip
    n = node
    insert_rows(
        exchange,
        "case_node",
        [
            n("OPINION", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08"),
            n("OPINION", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-04 11:00+08",
              opinion="disagree", reason="不同意。"),
            n("OPINION", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-13 09:00+08",
              opinion="disagree", reason="缺少营业执照副本，不符合受理条件"),
            n("OPINIONOK", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08",
              opinion="return", reason="申请材料不齐全，缺少身份证明"),
            n("OPINIONOK", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-04 11:00+08",
              opinion="agree", reason=None),
            n("HANDLER", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08", "wang"),
            n("HANDLER", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-04 11:00+08", "wang"),
            n("HANDLEROK", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08", "wang"),
            n("ORDER", 1, "CK", "2026-11-02 10:00+08", "2026-11-05 10:00+08", "2026-11-05 11:00+08"),
            n("ORDER", 2, "SC", "2026-11-04 10:00+08", "2026-11-06 10:00+08", "2026-11-06 11:00+08"),
            n("ORDER", 2, "SC", "2026-11-05 10:00+08", "2026-11-06 10:00+08", "2026-11-09 09:00+08"),
            n("ORDEROK", 1, "CK", "2026-11-02 10:00+08", "2026-11-05 10:00+08", "2026-11-05 11:00+08"),
            n("ORDEROK", 2, "SC", "2026-11-05 10:00+08", "2026-11-06 10:00+08", "2026-11-06 11:00+08"),
            n("OFFLINE", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08"),
            n("OFFLINE", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-20 10:00+08"),
            n("ONLINE", 1, "CK", "2026-11-02 10:00+08", "2026-11-03 10:00+08", "2026-11-03 11:00+08"),
            n("ONLINE", 2, "SC", "2026-11-03 10:00+08", "2026-11-04 10:00+08", "2026-11-04 11:00+08"),
        ],
    )  # fmt: skip
    create_exchange(office, kind="supervision")
    # T9: applicant fraud on 3-6 Nov (4 WD), the due date 9 Nov + 4 WD = 13 Nov; completed 12 Nov
    insert_rows(
        office,
        "exemption",
        [
            {"exemption_id": f"E-{no}", "scope": "case", "department_code": DEPT, "case_no": no,
             "reason_type": "applicant_fraud", "start_at": "2026-11-03 09:00+08", "end_at": "2026-11-06 18:00+08",
             "uploaded_at": uploaded}
            for no, uploaded in (("EXLATE", "2026-11-12 09:00+08"), ("EXEARLY", "2026-11-06 19:00+08"))
        ],
    )  # fmt: skip
    insert_rows(
        office,
        "card_revocation",
        [
            {"card_id": card("T6", "APPEAL", 12), "revoked_at": "2026-11-16 15:00+08",
             "reason": "申诉成立：申请人补正材料", "approved_by": "jcb001", "uploaded_at": "2026-11-16 16:00+08"},
        ],
    )  # fmt: skip


def fetch(warehouse: str, sql: str, *params) -> list[dict]:
    with psycopg.connect(warehouse) as conn:
        conn.row_factory = psycopg.rows.dict_row
        return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def runs(pg_server, tmp_path_factory):
    """Run the pipeline at R1, R2, R3, R3 again and R1 again; keep each run's cards and worklist CSV."""
    for name in DATABASES:
        pg.drop_database(pg_server, name)
    exchange, office, warehouse = (pg.ensure_database(pg_server, name) for name in DATABASES)
    build_exchange(exchange, office)
    sources = [Source("scjgj", "department", exchange, DEPT), Source("office", "supervision", office)]
    directory = tmp_path_factory.mktemp("worklist")
    results = []
    for as_of in (R1, R2, R3, R3, R1):
        run_id = pipeline.prepare_warehouse(warehouse, sources)
        assert [r.error for r in pipeline.ingest_all(warehouse, sources, run_id)] == [None, None]
        result = pipeline.run_dbt(warehouse, as_of)
        assert result.success, result.failures
        path = worklist.export_worklist(warehouse, as_of, directory)
        results.append(
            {
                "cards": {r["card_id"]: r for r in fetch(warehouse, "select * from marts.cards")},
                "counts": fetch(warehouse, "select * from marts.card_daily_counts"),
                "worklist": fetch(warehouse, "select * from marts.card_worklist order by as_of, card_id, action"),
                "csv": path,
            }
        )
    yield results
    for name in DATABASES:
        pg.drop_database(pg_server, name)


def ladder(cards: dict) -> dict:
    """card_id -> (color, issued_on, correction_deadline, red_on, corrected_on, revoked_on) of issued cards."""
    return {
        card_id: (r["color"], r["issued_on"], r["correction_deadline"], r["red_on"], r["corrected_on"], r["revoked_on"])
        for card_id, r in cards.items()
        if r["is_issued"]
    }


# card -> (color, issued, deadline, red, corrected, revoked) at each run, hand-computed
EXPECTED_R1 = {
    card("T6", "LADDER", 10): ("yellow", d(10), d(17), None, None, None),
    card("T6", "EXLATE", 10): ("yellow", d(10), d(17), None, None, None),
    card("T6", "SUSPLATE", 10): ("yellow", d(10), d(17), None, None, None),
    card("Q4", "OPINION", 4): ("yellow", d(4), d(11), None, None, None),
    card("Q7", "HANDLER", 4): ("yellow", d(4), d(11), None, None, None),
    card("A1.order", "ORDER", 6): ("yellow", d(6), d(13), None, d(9), None),
    card("Q5", "UNCONF", 2): ("red", d(2), d(9), d(10), None, None),
    card("Q5", "UNKNOWN", 2): ("red", d(2), d(9), d(10), None, None),
    card("A1.fee", "FEE", 6): ("yellow", d(6), d(13), None, None, None),
    card("Q9", "OFFLINE", 5): ("yellow", d(5), d(12), None, None, None),
}
EXPECTED_R2 = {
    card("T6", "LADDER", 10): ("red", d(10), d(17), d(18), None, None),
    card("T6", "QUICK", 11): ("yellow", d(11), d(18), None, d(12), None),
    card("T6", "EXLATE", 10): ("yellow", d(10), d(17), None, d(12), d(12)),
    card("T6", "APPEAL", 12): ("yellow", d(12), d(19), None, None, d(16)),
    card("T6", "LATEUP", 12): ("yellow", d(12), d(19), None, None, None),
    card("T6", "SUSPLATE", 10): ("red", d(10), d(17), d(18), None, None),
    card("T3", "SUSPLATE", 11): ("yellow", d(11), d(18), None, None, None),
    card("T6", "EXTLATE", 17): ("yellow", d(17), d(24), None, None, None),
    card("T8", "EXTLATE", 17): ("yellow", d(17), d(24), None, None, None),
    card("Q4", "OPINION", 4): ("red", d(4), d(11), d(12), d(13), None),
    card("Q7", "HANDLER", 4): ("red", d(4), d(11), d(12), None, None),
    card("A1.order", "ORDER", 6): ("yellow", d(6), d(13), None, d(9), None),
    card("Q5", "UNCONF", 2): ("red", d(2), d(9), d(10), None, None),
    card("Q5", "UNKNOWN", 2): ("red", d(2), d(9), d(10), None, None),
    card("A1.fee", "FEE", 6): ("red", d(6), d(13), d(14), d(16), None),
    card("Q9", "OFFLINE", 5): ("red", d(5), d(12), d(13), None, None),
}
EXPECTED_R3 = {
    **EXPECTED_R2,
    card("T6", "LADDER", 10): ("red", d(10), d(17), d(18), d(20), None),
    card("T6", "APPEAL", 12): ("yellow", d(12), d(19), None, None, d(16)),  # revoked before its deadline
    card("T6", "LATEUP", 12): ("red", d(12), d(19), d(20), None, None),
    card("T3", "SUSPLATE", 11): ("red", d(11), d(18), d(19), None, None),
    card("T6", "EXTLATE", 17): ("yellow", d(17), d(24), None, d(20), None),
    card("T8", "EXTLATE", 17): ("yellow", d(17), d(24), None, d(20), None),
    card("Q9", "OFFLINE", 5): ("red", d(5), d(12), d(13), d(20), None),
}


@pytest.mark.parametrize(("index", "expected"), [(0, EXPECTED_R1), (1, EXPECTED_R2), (2, EXPECTED_R3)])
def test_exact_cards_at_each_run_A1_A2(runs, index, expected):
    """Every anomaly kind gives exactly its card; its twin (…OK, ONTIME …) gives none."""
    assert ladder(runs[index]["cards"]) == expected


def test_yellow_red_corrected_ladder_A2(runs):
    ladder_card = card("T6", "LADDER", 10)
    states = [(runs[i]["cards"][ladder_card]["color"], runs[i]["cards"][ladder_card]["corrected_on"]) for i in range(3)]
    assert states == [("yellow", None), ("red", None), ("red", d(20))]
    row = runs[2]["cards"][ladder_card]
    assert row["rule_name"] == "在办亮灯" and row["department_name"] == "市市场监管局"
    assert row["is_active"] is True and row["wd_to_deadline"] is None
    assert runs[0]["cards"][ladder_card]["wd_to_deadline"] == 5  # R1 (10 Nov): 11, 12, 13, 16, 17 Nov


def test_office_revocation_is_kept_A4(runs):
    row = runs[2]["cards"][card("T6", "APPEAL", 12)]
    assert (row["revoked_on"], row["revocation_reason"]) == (d(16), "申诉成立：申请人补正材料")
    assert (row["is_active"], row["color"], row["is_risk_point"]) == (False, "yellow", True)  # A3: R5
    assert runs[2]["cards"][card("T6", "LADDER", 10)]["is_risk_point"] is False


def test_exemptions_revoke_or_prevent_T6_cards_T9(runs):
    late = card("T6", "EXLATE", 10)
    first, later = runs[0]["cards"][late], runs[1]["cards"][late]
    assert (first["exempt"], first["is_active"], first["revoked_on"]) == (False, True, None)
    assert (later["exempt"], later["is_active"], later["revoked_on"]) == (True, False, d(12))
    assert "exemption registered later" in later["revocation_reason"]
    for run in runs[:3]:
        early = run["cards"][card("T6", "EXEARLY", 10)]
        assert (early["exempt"], early["is_issued"], early["is_active"], early["revoked_on"], early["red_on"]) == (
            True,
            False,
            False,
            None,
            None,
        )


def test_stable_ids_across_rerun_and_backfill_A4(runs):
    def without_as_of(cards):
        return {k: {c: v for c, v in r.items() if c != "as_of"} for k, r in cards.items()}

    assert runs[3]["cards"] == runs[2]["cards"]  # R3 twice
    assert runs[4]["cards"] == runs[0]["cards"]  # R1 after R3: the same as R1 first time
    assert without_as_of(runs[4]["cards"]) != without_as_of(runs[2]["cards"])


def test_daily_counts_by_issue_and_revocation_day_A4(runs):
    counts = {(r["calendar_date"], r["department_code"], r["rule_id"]): r for r in runs[2]["counts"]}
    t6_16 = counts[(d(16), DEPT, "T6")]
    # 16 Nov: APPEAL revoked
    assert (t6_16["issued"], t6_16["revoked"], t6_16["turned_red"]) == (0, 1, 0)
    # yellow at the end of 16 Nov: LADDER, SUSPLATE, LATEUP (QUICK and EXLATE corrected 12 Nov)
    assert (t6_16["open_yellow_eod"], t6_16["open_red_eod"]) == (3, 0)
    t6_18 = counts[(d(18), DEPT, "T6")]
    assert (t6_18["turned_red"], t6_18["open_yellow_eod"], t6_18["open_red_eod"]) == (2, 2, 2)
    assert counts[(d(12), "ALL", "T6")]["issued"] == 2  # APPEAL, LATEUP
    assert counts[(d(10), "ALL", "T6")]["issued"] == 3  # LADDER, EXLATE, SUSPLATE (EXEARLY never issued)
    assert sum(r["issued"] for r in runs[2]["counts"] if r["department_code"] == "ALL") == len(EXPECTED_R3)


def events(rows: list[dict], as_of: datetime) -> set[tuple[str, str]]:
    return {(r["card_id"], r["action"]) for r in rows if r["as_of"] == as_of}


def test_worklist_writes_each_event_once(runs):
    rows = runs[2]["worklist"]
    assert events(rows, R1) == {(c, "new") for c in EXPECTED_R1} | {
        (card("A1.order", "ORDER", 6), "corrected"),
        (card("Q5", "UNCONF", 2), "red"),
        (card("Q5", "UNKNOWN", 2), "red"),
    }
    assert events(rows, R2) == {
        (card("T6", "LADDER", 10), "red"),
        (card("T6", "QUICK", 11), "new"),
        (card("T6", "QUICK", 11), "corrected"),
        (card("T6", "EXLATE", 10), "corrected"),
        (card("T6", "EXLATE", 10), "revoked"),
        (card("T6", "APPEAL", 12), "new"),
        (card("T6", "APPEAL", 12), "revoked"),
        (card("T6", "LATEUP", 12), "new"),
        (card("T6", "SUSPLATE", 10), "red"),
        (card("T3", "SUSPLATE", 11), "new"),
        (card("T6", "EXTLATE", 17), "new"),
        (card("T8", "EXTLATE", 17), "new"),
        (card("Q4", "OPINION", 4), "red"),
        (card("Q4", "OPINION", 4), "corrected"),
        (card("Q7", "HANDLER", 4), "red"),
        (card("A1.fee", "FEE", 6), "red"),
        (card("A1.fee", "FEE", 6), "corrected"),
        (card("Q9", "OFFLINE", 5), "red"),
    }
    assert events(rows, R3) == {
        (card("T6", "LADDER", 10), "corrected"),
        (card("T6", "LATEUP", 12), "red"),
        (card("T3", "SUSPLATE", 11), "red"),
        (card("T6", "EXTLATE", 17), "corrected"),
        (card("T8", "EXTLATE", 17), "corrected"),
        (card("Q9", "OFFLINE", 5), "corrected"),
    }
    # rerunning R3 rewrote only its own rows; backfilling R1 rewrote R1's, later runs' rows kept
    assert runs[3]["worklist"] == rows
    assert runs[4]["worklist"] == rows


def test_worklist_csv_per_run(runs):
    path = runs[1]["csv"]
    assert path.name == "card_worklist_20261118T1900.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["card_id"], r["action"]) for r in rows} == events(runs[1]["worklist"], R2)
    red = next(r for r in rows if r["card_id"] == card("T6", "LADDER", 10))
    assert (red["action_zh"], red["color"], red["correction_deadline"], red["action_date"]) == (
        "转为红牌",
        "red",
        "2026-11-17",
        "2026-11-18",
    )


def test_simulated_city_has_t6_cards_and_a_revocation_hits_one(built_warehouse):
    row = fetch(
        built_warehouse,
        """
        select
            (select count(*) from marts.cards where rule_id = 'T6') as t6,
            (select count(*) from marts.cards where revoked_on is not null
                and card_id in (select card_id from staging.stg_exchange__card_revocations)) as matched,
            (select count(*) from staging.stg_exchange__card_revocations) as revocations
        """,
    )[0]
    t6, matched, revocations = row.values()
    assert t6 > 0 and revocations > 0
    assert matched >= 1
