"""The pool is smaller than the policy's minimum for its environment.

A pool too small for peak traffic makes requests queue for a connection: latency climbs for
everyone while the database itself sits idle, and the usual suspects (traffic, slow queries)
are checked first.  That is how a payments service lost three hours to a production pool of 5.
The minimum comes from the policy (`pools.min_size`, per environment, framework or service);
the message cites it and the fix raises the value to `recommended_size` (else the minimum),
never above the policy's `max_size`.  When the minimum is above the maximum the policy cannot
be met and no fix is offered.

Flagged (production, policy minimum 10):

    spring:
      datasource:
        hikari:
          maximum-pool-size: 4      # PA101: maximum-pool-size is 4; policy minimum for production is 10

OK:

    spring:
      datasource:
        hikari:
          maximum-pool-size: 10

A value of 0 or less means "no limit" for some libraries (SQLAlchemy `pool_size=0`) and is not
flagged here.  `pool_size` is the steady pool; SQLAlchemy's `max_overflow` is checked by PA105.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import assumed, describe, make, numeric

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA101"
NAME = "pool-undersized"
SEVERITY = Severity.ERROR
SUMMARY = "The pool is smaller than the policy's minimum for its environment."
SCOPE = "pool"


def fix_value(bounds: Bounds) -> int | None:
    """What a fix writes: the recommended size (at least the minimum), capped by the maximum;
    None when the minimum is above the maximum."""
    minimum = bounds.min_size
    if minimum is None:
        return None
    target = max(bounds.recommended_size or minimum, minimum)
    if bounds.max_size is not None and target > bounds.max_size:
        return bounds.max_size if bounds.max_size >= minimum else None
    return target


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    minimum = bounds.min_size
    if minimum is None:
        return []
    found = []
    for setting in pool:
        if setting.canonical != "max_size" or not numeric(setting):
            continue
        value = setting.value
        assert isinstance(value, (int, float))
        if 0 < value < minimum:
            bound = f"policy minimum for {bounds.environment} is {minimum}"
            message = f"{describe(setting)}; {bound}{assumed(bounds)}"
            found.append(make(CODE, NAME, SEVERITY, setting, message, minimum, fix_value(bounds)))
    return found
