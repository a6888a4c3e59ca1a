"""The edits a budget plan adds to make room: an overflow or a pool lowered, as findings that
`fix` turns into edits like any other (code PA401, the rule whose budget they keep)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from poolaudit.model import Finding

if TYPE_CHECKING:
    from poolaudit.capacity.linear import Var
    from poolaudit.capacity.records import DatabaseDemand


def lowering_finding(var: Var, value: int, db: DatabaseDemand, after: int, why: str) -> Finding:
    from poolaudit.rules import connection_budget_exceeded as rule

    setting = var.setting
    assert setting is not None
    message = (
        f"{db.database} {db.environment}: {var.name} {var.current} → {value} {why}: "
        f"demand {after} of {db.budget.limit} ({db.budget.text})"
    )
    # Stable like the check's fingerprints: code, path, key, environment, pool (never the line).
    parts = [rule.CODE, setting.path, setting.key, setting.environment, setting.pool, "lowered"]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:16]
    return Finding(
        rule.CODE, rule.NAME, rule.SEVERITY, message, setting.path, setting.line, setting.column,
        setting=setting, expected=db.budget.limit, fix_to=value, fingerprint=digest,
    )  # fmt: skip
