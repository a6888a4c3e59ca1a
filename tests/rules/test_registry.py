"""The registry and each rule module's contract: code, name, severity, summary, documentation."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from poolaudit import rules
from poolaudit.model import Severity

MODULES = [pytest.param(code, rule, id=code) for code, rule in rules.RULES.items()]


@pytest.mark.parametrize(("code", "rule"), MODULES)
def test_module_contract(code: str, rule: ModuleType) -> None:
    assert rule.CODE == code
    assert re.fullmatch(r"PA[1-9]\d\d", code)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)+", rule.NAME)
    assert isinstance(rule.SEVERITY, Severity)
    assert rule.SUMMARY and "\n" not in rule.SUMMARY and rule.SUMMARY.endswith(".")
    assert rule.SCOPE in ("pool", "skipped", "suppression", "fleet")
    assert callable(rule.check)


@pytest.mark.parametrize(("code", "rule"), MODULES)
def test_docstring_has_flagged_and_ok_examples(code: str, rule: ModuleType) -> None:
    doc = rule.__doc__ or ""
    first = doc.splitlines()[0]
    assert first[0].isupper() and not first.startswith(code), "`poolaudit explain` prints the code and name itself"
    assert re.search(r"^Flagged\b.*:$", doc, re.M), f"{code}: no 'Flagged' section"
    assert re.search(r"^OK\b.*:$", doc, re.M), f"{code}: no 'OK' section"
    flagged = doc.index("\nFlagged")
    ok = doc.index("\nOK")
    assert flagged < ok
    assert doc[flagged:ok].count("\n    ") >= 1, "the Flagged section has an indented example"
    assert doc[ok:].count("\n    ") >= 1, "the OK section has an indented example"


def test_module_file_is_named_after_the_rule() -> None:
    for rule in rules.RULES.values():
        assert rule.__name__ == "poolaudit.rules." + rule.NAME.replace("-", "_")  # type: ignore[attr-defined]


def test_codes_and_default_severities_are_stable() -> None:
    assert {code: (rule.NAME, rule.SEVERITY.value) for code, rule in rules.RULES.items()} == {
        "PA101": ("pool-undersized", "error"),
        "PA102": ("pool-oversized", "error"),
        "PA103": ("acquire-timeout-missing", "warning"),
        "PA104": ("acquire-timeout-too-long", "error"),
        "PA105": ("overflow-too-small", "error"),
        "PA106": ("recycle-missing", "warning"),
        "PA107": ("pooling-disabled", "warning"),
        "PA108": ("dead-setting", "warning"),
        "PA201": ("value-unresolved", "info"),
        "PA301": ("file-not-parsed", "warning"),
        "PA302": ("unused-suppression", "warning"),
        "PA401": ("connection-budget-exceeded", "error"),
        "PA402": ("below-traffic-minimum", "error"),
    }


def test_capacity_codes_are_documented_and_registered_as_fleet_rules() -> None:
    doc = rules.__doc__ or ""
    assert "PA401 connection-budget-exceeded" in doc
    assert "PA402 below-traffic-minimum" in doc
    assert rules.RULES["PA401"].SCOPE == rules.RULES["PA402"].SCOPE == "fleet"


@pytest.mark.parametrize(
    ("key", "code"),
    [
        pytest.param("PA101", "PA101", id="code"),
        pytest.param("pa104", "PA104", id="lower-case-code"),
        pytest.param("pool-undersized", "PA101", id="name"),
        pytest.param(" Value-Unresolved ", "PA201", id="name-any-case"),
    ],
)
def test_get(key: str, code: str) -> None:
    assert rules.get(key).CODE == code


@pytest.mark.parametrize("key", ["PA999", "pool-too-small", "", "PA1"])
def test_get_unknown(key: str) -> None:
    with pytest.raises(KeyError):
        rules.get(key)


@pytest.mark.parametrize(
    ("selector", "codes"),
    [
        pytest.param("ALL", list(rules.RULES), id="all"),
        pytest.param("PA1", [c for c in rules.RULES if c.startswith("PA1")], id="prefix"),
        pytest.param("pa30", ["PA301", "PA302"], id="prefix-lower"),
        pytest.param("dead-setting", ["PA108"], id="name"),
        pytest.param("PA9", [], id="no-such-prefix"),
        pytest.param("P", [], id="too-short"),
        pytest.param("nonsense", [], id="nonsense"),
    ],
)  # fmt: skip
def test_matching(selector: str, codes: list[str]) -> None:
    assert rules.matching(selector) == codes
