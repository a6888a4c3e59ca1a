"""The pool class turns pooling off (SQLAlchemy `NullPool`).

With pooling off, every checkout opens a new database connection: a TCP and TLS handshake and
authentication per request, and no limit on how many connections the process opens.  That is
right only when an external pooler (PgBouncer, RDS Proxy) does the pooling, or in short-lived
scripts; say so with a suppression and its reason.  Default severity: warning.

Flagged:

    engine = create_engine(url, poolclass=NullPool)     # PA107

OK:

    engine = create_engine(url, pool_size=10)
    engine = create_engine(url, poolclass=NullPool)     # poolaudit: ignore[PA107] PgBouncer pools
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import assumed, dead, key_name, make, shown

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA107"
NAME = "pooling-disabled"
SEVERITY = Severity.WARNING
SUMMARY = "Pooling is turned off (NullPool): every checkout opens a new connection."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    found = []
    for setting in pool:
        if setting.canonical == "pool_class" and setting.value is False and not dead(setting):
            message = (
                f"{key_name(setting)} is {shown(setting.raw)}: every checkout opens a new connection "
                f"in {bounds.environment}{assumed(bounds)}"
            )
            found.append(make(CODE, NAME, SEVERITY, setting, message))
    return found
