"""The rule registry (dbt/seeds/rules.csv) names every rule once; the expectations read it."""

from __future__ import annotations

import csv
import re

from esup import settings
from esup.pipeline import load_expectations

REGISTRY = settings.PROJECT_ROOT / "dbt" / "seeds" / "rules.csv"
EXPECTED_IDS = {f"T{i}" for i in range(1, 10)} | {f"Q{i}" for i in range(1, 10)} | {f"A{i}" for i in range(1, 5)}
EXPECTED_IDS |= {"W1", "W2", "W3", "L", "P1", "P2", "P3"}
# The anomalies of A1 that no other rule names: flow order (O10) and fees (S10).
EXPECTED_IDS |= {"A1.order", "A1.fee"}


def rows():
    with REGISTRY.open(encoding="utf-8") as registry:
        return list(csv.DictReader(registry))


def test_every_rule_once_with_article_owner_and_chinese_description():
    entries = rows()
    ids = [r["rule_id"] for r in entries]
    assert len(ids) == len(set(ids))
    assert {r["rule_id"] for r in entries} == EXPECTED_IDS
    for entry in entries:
        assert entry["article"], entry
        assert entry["owner"] in {"department", "legal_office", "supervision_office"}, entry
        assert re.search(r"[\u4e00-\u9fff]", entry["description_zh"]), entry
        assert re.search(r"[\u4e00-\u9fff]", entry["name_zh"]), entry


def test_suites_carry_their_rule_from_the_registry():
    suites = load_expectations()._load_suites()
    registry = {r["rule_id"]: r for r in rows()}
    for make_suite in suites:
        rule_id, _relation, suite = make_suite()
        assert suite.name.startswith(rule_id + "_")
        for expectation in suite.expectations:
            assert expectation.meta["rule_id"] == rule_id
            assert expectation.meta["article"] == registry[rule_id]["article"]
            assert registry[rule_id]["description_zh"] in expectation.description
