"""The JSON contract, version 1: every key present, in a fixed order, with masked file text."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from poolaudit import __version__
from poolaudit.model import Finding, Provenance, Result, Severity
from poolaudit.report import json_

SETTING = {
    "path": "config/application.yml",
    "line": 4,
    "column": 28,
    "end_line": 4,
    "span": [60, 77],
    "kind": "yaml",
    "framework": "spring",
    "key": "spring.datasource.hikari.maximum-pool-size",
    "canonical": "max_size",
    "raw": "${DB_POOL_SIZE:4}",
    "value": 4,
    "written": 4,
    "provenance": "env-default",
    "env_var": "DB_POOL_SIZE",
    "env_file": None,
    "unit": None,
    "environment": "production",
    "service": "payments-api",
    "pool": "spring.datasource.hikari",
    "note": None,
    "migration_only": False,
}
FINDING = {
    "code": "PA101",
    "name": "pool-undersized",
    "severity": "error",
    "message": "maximum-pool-size is 4; policy minimum for production is 10",
    "path": "config/application.yml",
    "line": 4,
    "column": 28,
    "key": "spring.datasource.hikari.maximum-pool-size",
    "value": 4,
    "expected": 10,
    "fix_to": 10,
    "fingerprint": "fp-pool",
    "service": "payments-api",
    "environment": "production",
}
DOCUMENT = {
    "version": 1,
    "tool": {"name": "poolaudit", "version": __version__},
    "settings": [SETTING],
    "findings": [FINDING],
    "skipped": [{"path": "blob.env", "reason": "binary file", "line": None}],
    "summary": {
        "settings": 1,
        "files": 1,
        "services": 1,
        "files_scanned": 5,
        "findings": 1,
        "errors": 1,
        "warnings": 0,
        "notices": 0,
        "compliant": 0,
        "skipped": 1,
        "by_code": {"PA101": 1},
    },
}


def test_golden_text_and_key_order(samples: SimpleNamespace) -> None:
    text = json_.render(samples.small())
    assert json.loads(text) == DOCUMENT
    # One record per line inside lists; everything else one key per line.
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert lines[1] == '  "version": 1,'
    assert lines[3] == '  "settings": ['
    assert json.loads(lines[4].rstrip(",")) == DOCUMENT["settings"][0]
    assert list(json.loads(text)) == [
        "version",
        "tool",
        "settings",
        "findings",
        "skipped",
        "summary",
    ]


def test_documented_keys_are_always_present(samples: SimpleNamespace) -> None:
    doc = json.loads(json_.render(samples.sample()))
    assert all(list(s) == list(SETTING) for s in doc["settings"])
    assert all(list(f) == list(FINDING) for f in doc["findings"])
    assert all(list(s) == ["path", "reason", "line"] for s in doc["skipped"])


def test_summary_counts(samples: SimpleNamespace) -> None:
    summary = json.loads(json_.render(samples.sample()))["summary"]
    assert summary == {
        "settings": 4,
        "files": 3,
        "services": 2,
        "files_scanned": 40,
        "findings": 4,
        "errors": 2,
        "warnings": 1,
        "notices": 1,
        "compliant": 1,
        "skipped": 2,
        "by_code": {"PA101": 2, "PA103": 1, "PA301": 1},
    }


def test_file_level_finding(samples: SimpleNamespace) -> None:
    finding = json.loads(json_.render(samples.sample()))["findings"][3]
    assert finding | {"message": ""} == {
        "code": "PA301",
        "name": "file-not-parsed",
        "severity": "info",
        "message": "",
        "path": "ledger/config/broken.yml",
        "line": 7,
        "column": 1,
        "key": None,
        "value": None,
        "expected": None,
        "fix_to": None,
        "fingerprint": "fp-broken",
        "service": "",
        "environment": None,
    }


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            {"span": None, "provenance": Provenance.LIBRARY_DEFAULT, "raw": ""},
            {"span": None, "end_line": None, "provenance": "library-default"},
            id="library-default",
        ),
        pytest.param(
            {"value": None, "provenance": Provenance.UNRESOLVED, "note": "int(os.getenv('X'))"},
            {"value": None, "provenance": "unresolved", "note": "int(os.getenv('X'))"},
            id="unresolved",
        ),
        pytest.param({"raw": "|\n  5", "span": None}, {"end_line": None}, id="no-span-no-end"),
        pytest.param({"raw": "|\n  5"}, {"end_line": 5}, id="block-scalar-ends-a-line-later"),
        pytest.param({"value": float("nan")}, {"value": None}, id="nan-is-not-json"),
        pytest.param(
            {"value": 0.5, "canonical": "acquire_timeout", "unit": "ms"},
            {"value": 0.5, "unit": "ms"},
            id="seconds",
        ),
    ],
)
def test_setting_fields(
    samples: SimpleNamespace, changes: dict[str, object], expected: dict[str, object]
) -> None:
    record = json.loads(json_.render(Result([samples.setting(**changes)])))["settings"][0]
    assert {k: record[k] for k in expected} == expected


def test_fingerprint_is_never_empty(samples: SimpleNamespace) -> None:
    f = Finding("PA101", "pool-undersized", Severity.ERROR, "m", "a.yml", 1, 1, samples.POOL)
    fingerprint = json.loads(json_.render(Result(findings=[f])))["findings"][0]["fingerprint"]
    assert len(fingerprint) == 32


def test_output_is_strict_json(samples: SimpleNamespace) -> None:
    json.loads(
        json_.render(samples.sample()), parse_constant=lambda c: pytest.fail(f"non-JSON {c}")
    )
