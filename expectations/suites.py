"""Expectation suites, one function per rule of spec section Q; each names its rule id.

A suite function returns ``(rule_id, asset, suite)``: ``asset`` is the SELECT the suite
validates (a published mart, filtered to what the rule covers). GX is imported inside the
functions so that importing this module stays cheap.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

RULE_REGISTRY = Path(__file__).resolve().parents[1] / "dbt" / "seeds" / "rules.csv"

# Static information every confirmed power must have (Q2: O17(2), C8, S9(1)). legal_limit_wd may
# be null: "no statutory limit" is an explicit answer in the catalogue.
Q2_REQUIRED_COLUMNS = (
    "name",
    "category",
    "handling_division",
    "promised_limit_wd",
    "location",
    "phone",
    "service_guide",
    "legal_basis",
    "required_materials",
)


@cache
def rule(rule_id: str) -> dict:
    """A rule's registry entry (dbt/seeds/rules.csv): article, severity, owner, description_zh."""
    with RULE_REGISTRY.open(encoding="utf-8") as registry:
        for row in csv.DictReader(registry):
            if row["rule_id"] == rule_id:
                return row
    raise KeyError(f"rule {rule_id} is not in {RULE_REGISTRY}")


def rule_meta(rule_id: str) -> dict:
    """What every expectation of a rule carries into its results and Data Docs."""
    entry = rule(rule_id)
    return {"rule_id": rule_id, "article": entry["article"], "owner": entry["owner"]}


def rule_description(rule_id: str) -> str:
    entry = rule(rule_id)
    return f"{rule_id}（{entry['article']}）{entry['description_zh']}"


def q1_upload_within_24_hours(upload_deadline_hours: int = 24):
    """Q1 (O12): every event reaches the city platform within 24 hours of when it happened."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(
        name="Q1_upload_within_24_hours",
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="delay_hours",
                max_value=upload_deadline_hours,
                meta=rule_meta("Q1"),
                description=rule_description("Q1"),
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="first_uploaded_at", meta=rule_meta("Q1"), description=rule_description("Q1")
            ),
        ],
    )
    return "Q1", "select * from marts.upload_timeliness", suite


def q2_static_information_complete():
    """Q2 (O17(2), C8, S9(1)): a confirmed power has its static information and an internal flow."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    meta, description = rule_meta("Q2"), rule_description("Q2")
    expectations = [
        gxe.ExpectColumnValuesToNotBeNull(column=c, meta=meta, description=description) for c in Q2_REQUIRED_COLUMNS
    ]
    expectations.append(
        gxe.ExpectColumnValuesToBeBetween(column="flow_node_count", min_value=1, meta=meta, description=description)
    )
    suite = gx.ExpectationSuite(name="Q2_static_information_complete", expectations=expectations)
    return "Q2", "select * from marts.power_catalogue where status = 'confirmed'", suite


SUITES = (q1_upload_within_24_hours, q2_static_information_complete)
