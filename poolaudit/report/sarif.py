"""The SARIF 2.1.0 format, shaped for GitHub code scanning.

What GitHub needs and we give it: a rule per code with descriptions and help, results with a
repository-relative URI under `%SRCROOT%`, a region with start and end, and partial
fingerprints that do not change when lines move, so alerts follow a setting across commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import poolaudit
from poolaudit.model import Finding, Result
from poolaudit.report._facts import (
    SUPPRESS_HINT,
    RuleInfo,
    description,
    environment_of,
    fingerprint,
    json_value,
    key_cell,
    location_hashes,
    masked,
    rule_info,
    rule_registry,
    service_of,
    services_by_path,
    severity,
)

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
TAGS = ["configuration", "database", "connection-pool"]


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    hint = SUPPRESS_HINT.format(code=rule.code)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": description(rule)},
        "help": {
            "text": f'{rule.doc}\n\nTo suppress, add a comment "{hint}" on the setting\'s line '
            "or the line before it.",
            "markdown": f"{rule.doc}\n\nTo suppress, add a comment `{hint}` on the setting's line "
            "or the line before it.",
        },
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": TAGS, "precision": "high"},
    }


def rules_for(findings: list[Finding], registry: Mapping[str, Any]) -> list[RuleInfo]:
    """Every rule with a result, in code order: `ruleIndex` points into this list."""
    examples: dict[str, Finding] = {}
    for f in findings:
        examples.setdefault(f.code, f)
    return [rule_info(code, examples[code], registry) for code in sorted(examples)]


def region(f: Finding) -> dict[str, Any]:
    """Start at the finding; end where the setting's written text ends, when it starts there.

    SARIF's endColumn is exclusive (the column after the last character), and columns are
    counted in code points (declared by the run's `columnKind`)."""
    start_line, start_col = max(1, f.line), max(1, f.column)
    out: dict[str, Any] = {"startLine": start_line, "startColumn": start_col}
    s = f.setting
    # Length of the text as written; its masked form may be shorter, its position is not secret.
    if s is not None and s.span is not None and (s.line, s.column) == (f.line, f.column) and s.raw:
        lines = s.raw.split("\n")
        out["endLine"] = start_line + len(lines) - 1
        out["endColumn"] = (start_col if len(lines) == 1 else 1) + len(lines[-1])
    return out


def artifact_uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/")


def result_object(
    f: Finding, index: int, line_hash: str, by_path: dict[str, str]
) -> dict[str, Any]:
    s = f.setting
    properties: dict[str, Any] = {}
    if service_of(f, by_path):
        properties["service"] = service_of(f, by_path)
    if s is not None:
        properties.update(
            environment=environment_of(f),
            key=key_cell(f),
            value=json_value(s.value),
        )
    if f.expected is not None:
        properties["expected"] = json_value(f.expected)
    if f.fix_to is not None:
        properties["fixTo"] = json_value(f.fix_to)
    return {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVELS.get(severity(f), "warning"),
        "message": {"text": masked(f.message) or f"{f.code} {f.name}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(f.path), "uriBaseId": "%SRCROOT%"},
                    "region": region(f),
                }
            }
        ],
        "partialFingerprints": {
            "poolaudit/v1": fingerprint(f),
            "primaryLocationLineHash": line_hash,
        },
        "properties": properties,
    }


def log(result: Result) -> dict[str, Any]:
    """The SARIF log as Python data."""
    rules = rules_for(result.findings, rule_registry())
    index = {rule.code: i for i, rule in enumerate(rules)}
    by_path = services_by_path(result)
    driver: dict[str, Any] = {
        "name": "poolaudit",
        "version": poolaudit.__version__,
        "semanticVersion": poolaudit.__version__,
    }
    url = getattr(poolaudit, "__url__", None)
    if url:
        driver["informationUri"] = url
    driver["rules"] = [rule_descriptor(rule) for rule in rules]
    hashes = location_hashes(result.findings)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": [
                    result_object(f, index[f.code], h, by_path)
                    for f, h in zip(result.findings, hashes)
                ],
            }
        ],
    }


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    return json.dumps(log(result), indent=2, ensure_ascii=False) + "\n"
