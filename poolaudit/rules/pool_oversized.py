"""The pool is larger than the policy's maximum.

Every pooled connection is a server process (PostgreSQL) or thread (MySQL) with its own memory,
and pools multiply: replicas x worker processes x pools per process.  A default PostgreSQL
server accepts 100 connections (97 after the superuser reserve); one pool larger than that
cannot all be served, and a pool near it leaves nothing for the other services.  The fix
lowers the value to the policy's `max_size`.

Flagged (policy maximum 100):

    DB_POOL_SIZE=200                # PA102: DB_POOL_SIZE is 200; policy maximum for production is 100

OK:

    DB_POOL_SIZE=40
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import assumed, describe, make, numeric

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA102"
NAME = "pool-oversized"
SEVERITY = Severity.ERROR
SUMMARY = "The pool is larger than the policy's maximum."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    maximum = bounds.max_size
    if maximum is None:
        return []
    # Lowering below the minimum would trade this finding for PA101: offer no fix then.
    fix_to = maximum if bounds.min_size is None or maximum >= bounds.min_size else None
    found = []
    for setting in pool:
        if setting.canonical != "max_size" or not numeric(setting):
            continue
        value = setting.value
        assert isinstance(value, (int, float))
        if value > maximum:
            bound = f"policy maximum for {bounds.environment} is {maximum}"
            found.append(make(CODE, NAME, SEVERITY, setting, f"{describe(setting)}; {bound}{assumed(bounds)}", maximum, fix_to))
    return found
