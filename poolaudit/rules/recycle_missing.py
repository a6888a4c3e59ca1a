"""The policy asks pools to recycle or health-check connections; this one does neither.

Databases, proxies, load balancers and firewalls close idle connections (MySQL `wait_timeout`,
8 h; cloud NAT idle limits of minutes).  A pool that hands out such a dead connection fails the
request that drew it.  Recycling connections before the shortest such limit (`pool_recycle`,
HikariCP `maxLifetime`, Django `CONN_MAX_AGE`) or testing them on checkout (`pool_pre_ping`,
`CONN_HEALTH_CHECKS`) prevents that.  A recycle of -1 (never) or a max lifetime of 0
(infinite) does not count.  Checked where the pool is defined, when the policy sets
`require_recycle`.  Default severity: warning.

Flagged (policy `require_recycle: true`):

    engine = create_engine(url, pool_size=10)                       # PA106

OK:

    engine = create_engine(url, pool_size=10, pool_pre_ping=True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Provenance, Setting, Severity
from poolaudit.rules._finding import anchor, assumed, dead, defines_pool, make

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA106"
NAME = "recycle-missing"
SEVERITY = Severity.WARNING
SUMMARY = "The policy requires connection recycling or a pre-ping and the pool has neither."
SCOPE = "pool"


def _recycles(setting: Setting) -> bool:
    if dead(setting):
        return False  # ignored by the library (CONN_MAX_AGE inside Django's OPTIONS): recycles nothing
    if setting.provenance is Provenance.UNRESOLVED:
        return setting.canonical in ("recycle", "pre_ping")  # benefit of the doubt
    value = setting.value
    if setting.canonical == "pre_ping":
        return value is True
    if setting.canonical == "recycle" and setting.key.upper().endswith("CONN_MAX_AGE"):
        return value == 0 or (isinstance(value, (int, float)) and value > 0)  # 0: a new one per request
    if setting.canonical == "recycle":
        # -1 (SQLAlchemy) and 0 (Hikari maxLifetime) both mean "never".
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return False


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    if not bounds.require_recycle or not defines_pool(pool) or any(_recycles(s) for s in pool):
        return []
    message = (
        f"connections are never recycled or pre-pinged; policy for {bounds.environment} requires "
        f"one (pool_recycle, maxLifetime, CONN_MAX_AGE or pool_pre_ping){assumed(bounds)}"
    )
    return [make(CODE, NAME, SEVERITY, anchor(pool), message)]
