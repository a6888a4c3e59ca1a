"""The audit cannot tell the setting's value.

The value is computed (`max(DB_POOL // WEB_CONCURRENCY, 5)`), or read from a variable that has
no default and that no env file, compose file or manifest in the repository sets.  The real
value is decided at deploy time, outside what the audit can see, so no bound is checked.  This
is information by default (severity info); a policy that wants every pool size written down can
raise it (`severity: {PA201: error}`).

Flagged:

    maximum-pool-size: ${DB_POOL_SIZE}          # PA201: no default, no env file sets it

OK:

    maximum-pool-size: ${DB_POOL_SIZE:10}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Provenance, Setting, Severity
from poolaudit.rules._finding import key_name, make, shown

if TYPE_CHECKING:
    from poolaudit.policy import Bounds

CODE = "PA201"
NAME = "value-unresolved"
SEVERITY = Severity.INFO
SUMMARY = "The setting's value cannot be determined from the repository."
SCOPE = "pool"


def check(pool: list[Setting], bounds: Bounds) -> list[Finding]:
    found = []
    for setting in pool:
        if setting.provenance is not Provenance.UNRESOLVED:
            continue
        expression = shown(setting.note or setting.raw)
        message = f"{key_name(setting)} is {expression}: value not known"
        if setting.env_var:
            message += f"; no default and nothing in the repository sets {setting.env_var}"
        found.append(make(CODE, NAME, SEVERITY, setting, message))
    return found
