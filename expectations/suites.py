"""Expectation suites, one function per rule of spec sections Q and W; each names its rule id.

A suite function returns ``(rule_id, relation, suite)``: ``relation`` is what the suite
validates, a whole relation (``schema.table``: a published mart or a rule's check model) or a
SELECT filtering one to what the rule covers. GX is imported inside the
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
    return "Q1", "marts.upload_timeliness", suite


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
    # A penalty power (CF) also publishes its discretion standards.
    expectations.append(
        gxe.ExpectColumnValuesToBeInSet(
            column="has_required_discretion_standard", value_set=[True], meta=meta, description=description
        )
    )
    suite = gx.ExpectationSuite(name="Q2_static_information_complete", expectations=expectations)
    return "Q2", "select * from marts.power_catalogue where status = 'confirmed'", suite


def _criteria_suite(rule_id: str, name: str, criteria: tuple[str, ...]):
    """A suite expecting every criterion column of a rule's check relation to be true."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    meta, description = rule_meta(rule_id), rule_description(rule_id)
    return gx.ExpectationSuite(
        name=f"{rule_id}_{name}",
        expectations=[
            gxe.ExpectColumnValuesToBeInSet(column=column, value_set=[True], meta=meta, description=description)
            for column in criteria
        ],
    )


def _check(rule_id: str, name: str, model: str, criteria: tuple[str, ...]):
    """(rule_id, relation, suite) for a check model of dbt/models/intermediate/quality."""
    return rule_id, f"intermediate.{model}", _criteria_suite(rule_id, name, criteria)


def q3_flow_fits_promise():
    """Q3 (O18(2)): node limits sum to no more than the promise; nodes name post, division, documents."""
    return _check(
        "Q3",
        "flow_fits_promise",
        "int_quality_q3_power_flows",
        ("is_flow_within_promise", "has_node_posts_divisions_documents"),
    )


def q4_negative_opinions_give_reasons():
    """Q4 (O11): a disagreeing or returning opinion gives a specific reason, not a placeholder."""
    return _check("Q4", "negative_opinions_give_reasons", "int_quality_q4_negative_opinions", ("has_specific_reason",))


def q5_only_confirmed_powers():
    """Q5 (C11): a case's power was confirmed and in force when the case was accepted."""
    return _check(
        "Q5",
        "only_confirmed_powers",
        "int_quality_q5_case_powers",
        ("is_power_in_catalogue", "is_power_confirmed_in_force"),
    )


def q6_catalogue_codes():
    """Q6 (C10): cancelled codes never reused; a new code sorts after its department's codes."""
    return _check(
        "Q6", "catalogue_codes", "int_quality_q6_power_codes", ("is_cancelled_code_unused", "is_new_code_appended")
    )


def q7_accounts_hold_their_posts():
    """Q7 (O19): handler accounts enabled and holding the node's post; every account approved."""
    return _check(
        "Q7",
        "accounts_hold_their_posts",
        "int_quality_q7_handler_accounts",
        ("is_account_enabled", "holds_post", "is_approved"),
    )


def q8_no_backdating():
    """Q8 (S9(2), S24(1)): no time stamp or result changes after a record's first upload."""
    return _check("Q8", "no_backdating", "int_quality_q8_record_versions", ("is_unchanged_after_first_upload",))


def q9_complete_trace():
    """Q9 (O9, O31): a completed case has every flow node, each with handler and times."""
    return _check(
        "Q9", "complete_trace", "int_quality_q9_case_traces", ("has_every_flow_node", "has_handlers_and_times")
    )


def w1_supervision_tasks_in_order():
    """W1 (O14, S20): a return states a reason and a new deadline; reviews follow a reply; the archive
    follows the final review."""
    return (
        "W1",
        "intermediate.int_supervision_task_acts_ordered",
        _criteria_suite("W1", "supervision_tasks_in_order", ("is_in_order",)),
    )


def w2_complaints_handled_in_time():
    """W2 (S13-S15): decided in time, a rejection with its reason, the real-name complainant notified,
    a transferred complaint's result and the feedback in time."""
    return (
        "W2",
        "marts.complaints",
        _criteria_suite(
            "W2",
            "complaints_handled_in_time",
            ("decision_on_time", "is_rejection_reasoned", "notified_on_time", "result_on_time", "feedback_on_time"),
        ),
    )


def w3_catalogue_changes_in_time():
    """W3 (C7, O17): declared, answered and adjusted in time, and adjusted before the change takes effect."""
    return (
        "W3",
        "marts.catalogue_changes",
        _criteria_suite(
            "W3",
            "catalogue_changes_in_time",
            ("declared_on_time", "review_on_time", "adjusted_on_time", "adjusted_before_effect"),
        ),
    )


SUITES = (
    q1_upload_within_24_hours,
    q2_static_information_complete,
    q3_flow_fits_promise,
    q4_negative_opinions_give_reasons,
    q5_only_confirmed_powers,
    q6_catalogue_codes,
    q7_accounts_hold_their_posts,
    q8_no_backdating,
    q9_complete_trace,
    w1_supervision_tasks_in_order,
    w2_complaints_handled_in_time,
    w3_catalogue_changes_in_time,
)
