"""The data exchange contract (前置库): every table a source system exposes, in one place.

The simulator writes these tables, the ingestion reads them, and the raw layer of the
warehouse mirrors them. Types follow the contract's naming rules: ``*_at`` is timestamptz,
``*_date`` and ``effective_*`` are date, ``*_wd``/``*_seq``/``version`` are integer
(``limit_wd`` is numeric), money is numeric(12,2), ``is_*``/``enabled`` are boolean,
``post_codes`` is text[], everything else is text. Every table also carries
``exchange_id bigint`` (the extraction cursor) and ``uploaded_at timestamptz`` (the clock of Q1).
"""

from __future__ import annotations

from dataclasses import dataclass

SOURCE_KINDS = ("department", "legal_office", "portal", "supervision")

MONEY_COLUMNS = {"standard_fee", "fee_charged"}


def column_type(column: str) -> str:
    """The PostgreSQL type of an exchange column, from the contract's naming rules."""
    if column == "exchange_id":
        return "bigint"
    if column in MONEY_COLUMNS:
        return "numeric(12,2)"
    if column == "limit_wd":
        return "numeric"
    if column == "post_codes":
        return "text[]"
    if column.endswith("_at"):
        return "timestamptz"
    if column.endswith("_date") or column.startswith("effective_"):
        return "date"
    if column.endswith("_wd") or column.endswith("_seq") or column == "version":
        return "integer"
    if column.startswith("is_") or column == "enabled":
        return "boolean"
    return "text"


# power_item.category: the codes of the contract and their Chinese names, in the national template's order
POWER_CATEGORIES = {
    "XK": "行政许可",
    "CF": "行政处罚",
    "FXK": "非行政许可审批",
    "ZS": "行政征收",
    "QZ": "行政强制",
    "QR": "行政确认",
    "JF": "行政给付",
    "JL": "行政奖励",
    "ZY": "行政征用",
    "CJ": "行政裁决",
    "QT": "其他",
}


@dataclass(frozen=True)
class ExchangeTable:
    name: str
    kind: str
    key: tuple[str, ...]
    columns: tuple[str, ...]  # business columns, key columns first; without exchange_id/uploaded_at

    @property
    def all_columns(self) -> tuple[str, ...]:
        return ("exchange_id", *self.columns, "uploaded_at")

    def types(self) -> dict[str, str]:
        return {c: column_type(c) for c in self.all_columns}


def _table(name: str, kind: str, key: str, rest: str) -> ExchangeTable:
    key_cols = tuple(key.split())
    return ExchangeTable(name, kind, key_cols, key_cols + tuple(rest.split()))


TABLES: tuple[ExchangeTable, ...] = (
    # kind department
    _table(
        "power_item",
        "department",
        "power_code version",
        "department_code category name handling_division legal_limit_wd promised_limit_wd location phone "
        "service_guide legal_basis required_materials discretion_standard standard_fee is_risk_point status "
        "confirmed_at effective_from effective_to",
    ),
    _table(
        "power_flow_node",
        "department",
        "power_code version node_seq",
        "node_name post_code division limit_wd documents is_risk_point",
    ),
    _table(
        "account",
        "department",
        "account_id version",
        "department_code name_zh mobile post_codes approved_by approved_at enabled changed_at",
    ),
    _table(
        "case_accepted",
        "department",
        "case_no",
        "department_code power_code applicant_name applicant_id_no channel accepted_at accepted_by",
    ),
    _table(
        "case_node",
        "department",
        "case_no node_seq",
        "post_code handler_account started_at finished_at opinion opinion_text reason",
    ),
    _table("case_suspension", "department", "case_no suspension_seq", "reason_type started_at ended_at"),
    _table("case_extension", "department", "case_no extension_seq", "extra_wd reason approved_by approved_at"),
    _table("case_completed", "department", "case_no", "completed_at result fee_charged"),
    # kind legal_office
    _table(
        "power_change_request",
        "legal_office",
        "request_id",
        "department_code power_code change_type trigger_type trigger_date declared_at reviewed_at "
        "review_result adjusted_at effective_date",
    ),
    # kind portal
    _table(
        "complaint",
        "portal",
        "complaint_no",
        "received_at channel is_real_name complainant_name complainant_phone target_department_code case_no "
        "category content",
    ),
    _table(
        "complaint_action",
        "portal",
        "complaint_no action_seq",
        "action acted_at actor_unit reason deadline_date",
    ),
    # kind supervision
    _table(
        "supervision_task",
        "supervision",
        "task_no",
        "origin target_department_code case_no card_id issued_at deadline_date",
    ),
    _table(
        "supervision_task_action",
        "supervision",
        "task_no action_seq",
        "action acted_at actor reason new_deadline_date",
    ),
    _table("card_revocation", "supervision", "card_id", "revoked_at reason approved_by"),
    _table(
        "exemption",
        "supervision",
        "exemption_id",
        "scope department_code case_no reason_type start_at end_at approved_by",
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}


def tables_of_kind(kind: str) -> tuple[ExchangeTable, ...]:
    return tuple(t for t in TABLES if t.kind == kind)


def exchange_ddl(table: ExchangeTable, schema: str = "exchange", all_text: bool = False) -> str:
    """DDL of one exchange table as a source system exposes it.

    ``all_text`` gives the loosely typed variant some legacy systems expose (every column text),
    which is how unparsable values reach the platform.
    """
    cols = []
    for col, typ in table.types().items():
        if all_text and col != "exchange_id":
            typ = "text"
        cols.append(f"{col} {typ}")
    return f"create table if not exists {schema}.{table.name} (\n  " + ",\n  ".join(cols) + "\n)"
