"""dbt unit tests: every working-day rule on hand-computed cases (dbt/models/**/_*__unit_tests.yml)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from esup import pipeline


def test_dbt_unit_tests_pass(built_warehouse):
    as_of = datetime(2026, 11, 20, 19, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    result = pipeline.run_dbt(built_warehouse, as_of, command="test", extra=["--select", "test_type:unit"])
    assert result.failures == []
    assert result.success
    assert result.nodes >= 4  # case_timeliness ×2, suspensions (T3), exemptions (T9)
