"""The pool's overflow is below the policy's minimum.

SQLAlchemy's `max_overflow` lets a pool open extra, short-lived connections beyond
`pool_size` during a burst (default 10).  With too little overflow a burst waits for the
acquire timeout instead.  Checked only when the policy sets `min_overflow`, and only where an
overflow is written.  The fix writes the minimum.

Flagged (policy `min_overflow: 5`):

    engine = create_engine(url, pool_size=10, max_overflow=0)     # PA105

OK:

    engine = create_engine(url, pool_size=10, max_overflow=5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import assumed, describe, make, numeric

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA105"
NAME = "overflow-too-small"
SEVERITY = Severity.ERROR
SUMMARY = "The pool's overflow is below the policy's minimum (only when the policy sets one)."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    minimum = bounds.min_overflow
    if minimum is None:
        return []
    found = []
    for setting in pool:
        if setting.canonical != "overflow" or not numeric(setting):
            continue
        value = setting.value
        assert isinstance(value, (int, float))
        if 0 <= value < minimum:  # a negative max_overflow means "no limit": never too small
            bound = f"policy minimum overflow for {bounds.environment} is {minimum}"
            message = f"{describe(setting)}; {bound}{assumed(bounds)}"
            found.append(make(CODE, NAME, SEVERITY, setting, message, minimum, minimum))
    return found
