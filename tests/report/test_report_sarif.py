"""SARIF 2.1.0 for GitHub code scanning: valid against the OASIS schema, stable fingerprints."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest

from poolaudit import __version__
from poolaudit.model import Finding, Result, Severity
from poolaudit.report import sarif

SCHEMA = json.loads((Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json").read_text())
RESULTS = ["sample", "empty", "small", "secret"]

RULE = {
    "id": "PA101",
    "name": "pool-undersized",
    "shortDescription": {
        "text": "A pool is smaller than the policy's minimum for its environment."
    },
    "fullDescription": {"text": "A pool is smaller than the policy's minimum for its environment."},
    "help": {
        "text": "A pool is smaller than the policy's minimum for its environment.\n\n"
        "Under peak load requests wait for a connection instead of running.\n\n"
        'To suppress, add a comment "poolaudit: ignore[PA101] reason" on the setting\'s line '
        "or the line before it.",
        "markdown": "A pool is smaller than the policy's minimum for its environment.\n\n"
        "Under peak load requests wait for a connection instead of running.\n\n"
        "To suppress, add a comment `poolaudit: ignore[PA101] reason` on the setting's line "
        "or the line before it.",
    },
    "defaultConfiguration": {"level": "error"},
    "properties": {"tags": ["configuration", "database", "connection-pool"], "precision": "high"},
}
RESULT = {
    "ruleId": "PA101",
    "ruleIndex": 0,
    "level": "error",
    "message": {"text": "maximum-pool-size is 4; policy minimum for production is 10"},
    "locations": [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "config/application.yml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 4, "startColumn": 28, "endLine": 4, "endColumn": 45},
            }
        }
    ],
    "partialFingerprints": {
        "poolaudit/v1": "fp-pool",
        "primaryLocationLineHash": "eca8b1b0a0e6b4d1:1",
    },
    "properties": {
        "service": "payments-api",
        "environment": "production",
        "key": "spring.datasource.hikari.maximum-pool-size",
        "value": 4,
        "expected": 10,
        "fixTo": 10,
    },
}
LOG = {
    "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
    "version": "2.1.0",
    "runs": [
        {
            "tool": {
                "driver": {
                    "name": "poolaudit",
                    "version": __version__,
                    "semanticVersion": __version__,
                    "rules": [RULE],
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": [RESULT],
        }
    ],
}


def _log(result: Result) -> dict[str, Any]:
    return json.loads(sarif.render(result))  # type: ignore[no-any-return]


def _results(result: Result) -> list[dict[str, Any]]:
    return _log(result)["runs"][0]["results"]  # type: ignore[no-any-return]


def test_golden(samples: SimpleNamespace) -> None:
    assert sarif.render(samples.small()) == json.dumps(LOG, indent=2) + "\n"


@pytest.mark.parametrize("name", RESULTS)
def test_valid_against_the_sarif_schema(samples: SimpleNamespace, name: str) -> None:
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    validator_class.check_schema(SCHEMA)
    validator = validator_class(SCHEMA, format_checker=validator_class.FORMAT_CHECKER)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(_log(getattr(samples, name)()))
    ]
    assert errors == []


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


@pytest.mark.parametrize("name", RESULTS)
def test_no_empty_strings(samples: SimpleNamespace, name: str) -> None:
    # GitHub rejects empty strings for required properties; none are needed anywhere.
    assert "" not in _strings(_log(getattr(samples, name)()))


def test_rules_cover_every_result_and_indices_point_at_them(samples: SimpleNamespace) -> None:
    run = _log(samples.sample())["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["PA101", "PA103", "PA301"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    assert [r["level"] for r in run["results"]] == ["warning", "error", "error", "note"]
    assert [r["defaultConfiguration"]["level"] for r in rules] == ["error", "warning", "note"]


def test_unknown_rule_falls_back_to_the_finding(samples: SimpleNamespace) -> None:
    rule = _log(samples.sample())["runs"][0]["tool"]["driver"]["rules"][2]
    assert rule["name"] == "file-not-parsed"
    assert rule["shortDescription"] == {"text": "File not parsed"}
    assert rule["defaultConfiguration"] == {"level": "note"}


def test_fingerprints_are_equal_across_runs_and_differ_between_findings(
    samples: SimpleNamespace,
) -> None:
    first = [r["partialFingerprints"] for r in _results(samples.sample())]
    second = [r["partialFingerprints"] for r in _results(samples.sample())]
    assert first == second
    for key in ("poolaudit/v1", "primaryLocationLineHash"):
        assert len({fp[key] for fp in first}) == len(first)


def test_line_hash_does_not_move_with_the_line(samples: SimpleNamespace) -> None:
    result = samples.small()
    moved = samples.POOL.replace(line=40)
    finding = result.findings[0]
    shifted = Finding(
        finding.code,
        finding.name,
        finding.severity,
        finding.message,
        finding.path,
        40,
        28,
        moved,
        finding.expected,
        finding.fix_to,
        finding.fingerprint,
    )
    before = _results(result)[0]["partialFingerprints"]
    after = _results(Result([moved], [shifted]))[0]["partialFingerprints"]
    assert before == after


def test_fallback_fingerprints_are_stable_and_distinct(samples: SimpleNamespace) -> None:
    findings = [
        Finding("PA101", "pool-undersized", Severity.ERROR, "m", s.path, s.line, s.column, s)
        for s in (samples.POOL, samples.TIMEOUT, samples.LEDGER)
    ]
    runs = [
        [r["partialFingerprints"]["poolaudit/v1"] for r in _results(Result(findings=findings))]
        for _ in "ab"
    ]
    assert runs[0] == runs[1]
    assert len(set(runs[0])) == 3 and all(runs[0])


def test_same_place_twice_gets_distinct_line_hashes() -> None:
    twice = [
        Finding("PA301", "file-not-parsed", Severity.INFO, m, "a.yml", 1, 1) for m in ("x", "y")
    ]
    hashes = [
        r["partialFingerprints"]["primaryLocationLineHash"]
        for r in _results(Result(findings=twice))
    ]
    assert (
        hashes[0].endswith(":1") and hashes[1].endswith(":2") and hashes[0][:-2] == hashes[1][:-2]
    )


@pytest.mark.parametrize(
    ("changes", "line", "column", "region"),
    [
        pytest.param(
            {},
            4,
            28,
            {"startLine": 4, "startColumn": 28, "endLine": 4, "endColumn": 45},
            id="ends-after-the-raw-text",
        ),
        pytest.param(
            {"span": None}, 4, 28, {"startLine": 4, "startColumn": 28}, id="no-span-no-end"
        ),
        pytest.param({}, 3, 5, {"startLine": 3, "startColumn": 5}, id="finding-elsewhere-no-end"),
        pytest.param(
            {"raw": "|\n  5\n  6x"},
            4,
            28,
            {"startLine": 4, "startColumn": 28, "endLine": 6, "endColumn": 5},
            id="multi-line",
        ),
        pytest.param(
            {"raw": "postgres://u:secret@h/d?pool=5"},
            4,
            28,
            {"startLine": 4, "startColumn": 28, "endLine": 4, "endColumn": 58},
            id="length-of-the-unmasked-text",
        ),
        pytest.param(
            {"line": 0, "column": 0},
            0,
            0,
            {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 18},
            id="clamped-to-1",
        ),
    ],
)
def test_region(
    samples: SimpleNamespace,
    changes: dict[str, object],
    line: int,
    column: int,
    region: dict[str, int],
) -> None:
    s = samples.POOL.replace(**changes)
    f = Finding("PA101", "pool-undersized", Severity.ERROR, "m", s.path, line, column, s)
    assert _results(Result([s], [f]))[0]["locations"][0]["physicalLocation"]["region"] == region


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        pytest.param("config/application.yml", "config/application.yml", id="plain"),
        pytest.param("my service/app.yml", "my%20service/app.yml", id="space"),
        pytest.param("deploy\\win.yml", "deploy/win.yml", id="backslash"),
        pytest.param("a#b%c.env", "a%23b%25c.env", id="reserved"),
    ],
)
def test_uri_is_repository_relative_and_encoded(path: str, uri: str) -> None:
    f = Finding("PA301", "file-not-parsed", Severity.INFO, "m", path, 1, 1)
    location = _results(Result(findings=[f]))[0]["locations"][0]["physicalLocation"][
        "artifactLocation"
    ]
    assert location == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_real_rule_registry(samples: SimpleNamespace, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever poolaudit.rules holds today (or nothing yet), the log stays valid.
    monkeypatch.delitem(sys.modules, "poolaudit.rules", raising=False)
    validator_class = jsonschema.validators.validator_for(SCHEMA)
    log = _log(samples.sample())
    validator_class(SCHEMA).validate(log)
    assert "" not in _strings(log)
