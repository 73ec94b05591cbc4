"""Expectation suites, one function per rule of spec section Q; each names its rule id.

A suite function returns ``(rule_id, asset, suite)``: ``asset`` is the SELECT the suite
validates (a published mart, filtered to what the rule covers). GX is imported inside the
functions so that importing this module stays cheap.
"""

from __future__ import annotations

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
                meta={"rule_id": "Q1", "article": "O12"},
                description="Q1 每个事件须在发生后24小时内上传至市级平台",
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="first_uploaded_at",
                meta={"rule_id": "Q1", "article": "O12"},
            ),
        ],
    )
    return "Q1", "select * from marts.upload_timeliness", suite


def q2_static_information_complete():
    """Q2 (O17(2), C8, S9(1)): a confirmed power has its static information and an internal flow."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    meta = {"rule_id": "Q2", "article": "O17(2), C8, S9(1)"}
    expectations = [gxe.ExpectColumnValuesToNotBeNull(column=c, meta=meta) for c in Q2_REQUIRED_COLUMNS]
    expectations.append(
        gxe.ExpectColumnValuesToBeBetween(
            column="flow_node_count",
            min_value=1,
            meta=meta,
            description="Q2 已确认的权力事项须有内部流程",
        )
    )
    suite = gx.ExpectationSuite(name="Q2_static_information_complete", expectations=expectations)
    return "Q2", "select * from marts.power_catalogue where status = 'confirmed'", suite


SUITES = (q1_upload_within_24_hours, q2_static_information_complete)
