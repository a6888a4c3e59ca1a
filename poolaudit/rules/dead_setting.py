"""The setting is written but the library ignores it.

Some spellings look right and do nothing: Flask-SQLAlchemy 3 dropped `SQLALCHEMY_POOL_SIZE` and
friends (use `SQLALCHEMY_ENGINE_OPTIONS`), a Spring key under the wrong pool's prefix is never
bound, an env file sets a variable that nothing reads.  The value people see in review is not
the value in force.  Reported when the source notes that the setting is ignored or not bound.
Default severity: warning.

Flagged (Flask-SQLAlchemy 3):

    SQLALCHEMY_POOL_SIZE = 20                                      # PA108

OK:

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 20}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Setting, Severity
from poolaudit.rules._finding import dead, key_name, make, shown

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA108"
NAME = "dead-setting"
SEVERITY = Severity.WARNING
SUMMARY = "The setting is written but ignored by the library (never bound, removed, unread)."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    found = []
    for setting in pool:
        # For unresolved values the note holds the expression, not a verdict.
        if dead(setting):
            message = f"{key_name(setting)} has no effect: {shown(setting.note or '', 100)}"
            found.append(make(CODE, NAME, SEVERITY, setting, message))
    return found
