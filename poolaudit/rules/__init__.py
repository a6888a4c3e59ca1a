"""The rule registry: every rule's module by its stable code, in one explicit dict (no discovery).

Numbering (a code is never reused, even when its rule is retired):

    PA1xx  one pool's settings against the policy's bounds
    PA2xx  values the audit could not determine
    PA3xx  files and comments: files that did not parse, suppressions that matched nothing
    PA4xx  capacity across services (poolaudit/capacity):
           PA401 connection-budget-exceeded  (sum over services of replicas x processes x
                 (pool + overflow) against a database's max_connections - reserved, or its pooler)
           PA402 below-traffic-minimum       (pool per process below Little's law x headroom)

A rule module defines:

    CODE: str          "PA101"
    NAME: str          "pool-undersized" (kebab-case; accepted wherever a code is)
    SEVERITY: Severity the default; the policy's `severity:` may change it
    SUMMARY: str       one line, for `poolaudit rules`
    SCOPE: str         what `check` receives, one of:
        "pool"         check(pool: list[Setting], bounds: Bounds) -> list[Finding]
                       `pool` is every checked setting of one pool (same path, `pool` id and
                       environment); `bounds` is `policy.bounds()` of that pool
        "skipped"      check(skipped: Skipped) -> list[Finding]            (file-level)
        "suppression"  check(suppression: Suppression, unused: tuple[str, ...],
                             unknown: tuple[str, ...]) -> list[Finding]    (comment-level)
        "fleet"        check(analysis, policy) -> list[Finding]             (every service
                       sharing a database: poolaudit/capacity computes `analysis`)
    __doc__            the long documentation `poolaudit explain` prints, with a "Flagged"
                       and an "OK" example
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

from poolaudit.model import Finding, Severity
from poolaudit.rules import (
    acquire_timeout_missing,
    acquire_timeout_too_long,
    below_traffic_minimum,
    connection_budget_exceeded,
    dead_setting,
    file_not_parsed,
    overflow_too_small,
    pool_oversized,
    pool_undersized,
    pooling_disabled,
    recycle_missing,
    unused_suppression,
    value_unresolved,
)


class RuleModule(Protocol):
    CODE: str
    NAME: str
    SEVERITY: Severity
    SUMMARY: str
    SCOPE: str
    check: Callable[..., list[Finding]]


RULES: dict[str, RuleModule] = {
    "PA101": cast(RuleModule, pool_undersized),
    "PA102": cast(RuleModule, pool_oversized),
    "PA103": cast(RuleModule, acquire_timeout_missing),
    "PA104": cast(RuleModule, acquire_timeout_too_long),
    "PA105": cast(RuleModule, overflow_too_small),
    "PA106": cast(RuleModule, recycle_missing),
    "PA107": cast(RuleModule, pooling_disabled),
    "PA108": cast(RuleModule, dead_setting),
    "PA201": cast(RuleModule, value_unresolved),
    "PA301": cast(RuleModule, file_not_parsed),
    "PA302": cast(RuleModule, unused_suppression),
    "PA401": cast(RuleModule, connection_budget_exceeded),
    "PA402": cast(RuleModule, below_traffic_minimum),
}

_BY_NAME = {rule.NAME: rule for rule in RULES.values()}


def get(code_or_name: str) -> RuleModule:
    """The rule with this code (any case) or kebab-case name; KeyError when there is none."""
    key = code_or_name.strip()
    rule = RULES.get(key.upper()) or _BY_NAME.get(key.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule


def matching(selector: str) -> list[str]:
    """The codes a `select`/`ignore` entry stands for: a code, a name, a code prefix such as
    `PA1`, or `ALL`.  Empty when it stands for no rule."""
    key = selector.strip()
    if key.upper() == "ALL":
        return list(RULES)
    try:
        return [get(key).CODE]
    except KeyError:
        pass
    prefix = key.upper()
    if len(prefix) >= 3 and prefix.startswith("PA"):
        return [code for code in RULES if code.startswith(prefix)]
    return []
