"""The policy asks for an explicit acquire timeout; the pool has none.

The acquire (checkout) timeout is how long a request waits for a free connection before it
fails.  Library defaults differ wildly: HikariCP 30 s, SQLAlchemy 30 s, Rails 5 s, Tomcat JDBC
30 s, Commons DBCP forever, node-postgres forever.  Writing it down makes the bound visible in
review and keeps a library upgrade from changing it silently.  Reported once per pool, at its
size setting, only where the pool is defined (not for env files or manifests that merely set
its variables).  Default severity: warning.

Flagged (policy `require_acquire_timeout: true`):

    engine = create_engine(url, pool_size=10)           # PA103: no pool_timeout

OK:

    engine = create_engine(url, pool_size=10, pool_timeout=10)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Provenance, Setting, Severity
from poolaudit.rules._finding import anchor, assumed, defines_pool, make, number

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA103"
NAME = "acquire-timeout-missing"
SEVERITY = Severity.WARNING
SUMMARY = "The policy requires an explicit acquire timeout and the pool sets none."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    if not bounds.require_acquire_timeout or not defines_pool(pool):
        return []
    timeouts = [s for s in pool if s.canonical == "acquire_timeout"]
    if any(s.provenance is not Provenance.LIBRARY_DEFAULT for s in timeouts):
        return []
    # A library default recorded by the source carries the insertion point a fix can use.
    at = timeouts[0] if timeouts else anchor(pool)
    limit = bounds.acquire_timeout_max
    default = f" (library default {number(at.value)} s)" if timeouts and at.value is not None else ""
    message = f"no acquire timeout is set for this pool{default}; policy for {bounds.environment} requires one"
    if limit is not None:
        message += f" of at most {number(limit)} s"
    fix_to = limit if timeouts and at.insertion is not None else None
    return [make(CODE, NAME, SEVERITY, at, message + assumed(bounds), limit, fix_to)]

