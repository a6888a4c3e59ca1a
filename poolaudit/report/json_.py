"""The JSON format: the documented, versioned contract for machines (`"version": 1`).

Key order is fixed and every key is always present (null when unknown), so consumers and
diffs of two runs see a stable shape.  Adding keys is compatible; renaming or removing one
bumps `version`.
"""

from __future__ import annotations

import json
from typing import Any

from poolaudit import __version__
from poolaudit.model import Finding, Result, Setting, Skipped
from poolaudit.report._facts import (
    environment_of,
    fingerprint,
    json_value,
    masked,
    service_of,
    services_by_path,
    severity,
    summarize,
)

VERSION = 1


def _masked_or_none(text: str | None) -> str | None:
    return masked(text) if text is not None else None


def setting_record(s: Setting) -> dict[str, Any]:
    return {
        "path": s.path,
        "line": s.line,
        "column": s.column,
        "end_line": s.line + s.raw.count("\n") if s.span is not None else None,
        "span": [s.span.start, s.span.end] if s.span is not None else None,
        "kind": s.kind,
        "framework": s.framework,
        "key": masked(s.key),
        "canonical": s.canonical,
        "raw": masked(s.raw),
        "value": json_value(s.value),
        "written": json_value(s.written),
        "provenance": str(getattr(s.provenance, "value", s.provenance)),
        "env_var": s.env_var,
        "env_file": s.env_file,
        "unit": s.unit,
        "environment": s.environment,
        "service": s.service,
        "pool": s.pool,
        "note": _masked_or_none(s.note),
        "migration_only": s.migration_only,
    }


def finding_record(f: Finding, by_path: dict[str, str]) -> dict[str, Any]:
    s = f.setting
    return {
        "code": f.code,
        "name": f.name,
        "severity": severity(f),
        "message": masked(f.message),
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "key": masked(s.key) if s is not None else None,
        "value": json_value(s.value) if s is not None else None,
        "expected": json_value(f.expected),
        "fix_to": json_value(f.fix_to),
        "fingerprint": fingerprint(f),
        "service": service_of(f, by_path),
        "environment": environment_of(f),
    }


def skipped_record(s: Skipped) -> dict[str, Any]:
    return {"path": s.path, "reason": masked(s.reason), "line": s.line}


def document(result: Result) -> dict[str, Any]:
    """The JSON document as Python data (for callers that embed it)."""
    by_path = services_by_path(result)
    summary = summarize(result)
    by_code: dict[str, int] = {}
    for f in result.findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    return {
        "version": VERSION,
        "tool": {"name": "poolaudit", "version": __version__},
        "settings": [setting_record(s) for s in result.settings],
        "findings": [finding_record(f, by_path) for f in result.findings],
        "skipped": [skipped_record(s) for s in result.skipped],
        "summary": {
            "settings": summary.settings,
            "files": summary.files,
            "services": summary.services,
            "files_scanned": summary.files_scanned,
            "findings": summary.findings,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "notices": summary.notices,
            "compliant": summary.compliant,
            "skipped": summary.skipped,
            "by_code": dict(sorted(by_code.items())),
        },
    }


# One encoder for every record: `json.dumps` with options builds a new one on each call.
_dump = json.JSONEncoder(ensure_ascii=False).encode


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    """One record per line inside the lists: readable, diffable with `grep`, and written by
    json's C encoder (an indented dump runs in pure Python: seconds on a monorepo)."""
    lines = ["{"]
    doc = document(result)
    for i, (key, value) in enumerate(doc.items()):
        comma = "," if i < len(doc) - 1 else ""
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {_dump(item)}" for item in value)
            lines.append(f"  {_dump(key)}: [\n{items}\n  ]{comma}")
        else:
            lines.append(f"  {_dump(key)}: {_dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
