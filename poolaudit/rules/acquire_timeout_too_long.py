"""Requests wait longer for a connection than the policy allows.

When the pool is exhausted, every request waits up to the acquire timeout before failing.  A
long (or infinite) wait lets requests pile up behind the pool: threads and memory fill, health
checks time out, and one slow dependency becomes an outage.  Failing fast returns an error the
caller can retry or shed.  A negative value means "wait forever" (Commons DBCP `maxWait=-1`)
and is always too long.  The fix writes the policy's `acquire_timeout_max`, in the unit the
file uses (milliseconds for HikariCP).

Flagged (policy maximum 30 s):

    spring.datasource.hikari.connection-timeout=60000     # PA104: 60 s

OK:

    spring.datasource.hikari.connection-timeout=10000
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import assumed, describe, key_name, make, number, numeric

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA104"
NAME = "acquire-timeout-too-long"
SEVERITY = Severity.ERROR
SUMMARY = "The acquire timeout is longer than the policy's maximum."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    limit = bounds.acquire_timeout_max
    if limit is None:
        return []
    found = []
    for setting in pool:
        if setting.canonical != "acquire_timeout" or not numeric(setting):
            continue
        value = setting.value
        assert isinstance(value, (int, float))
        if value < 0:
            said = f"{key_name(setting)} is {number(value)}: waits forever"
        elif value > limit:
            said = describe(setting)
        else:
            continue
        message = f"{said}; policy maximum for {bounds.environment} is {number(limit)} s{assumed(bounds)}"
        found.append(make(CODE, NAME, SEVERITY, setting, message, limit, limit))
    return found
