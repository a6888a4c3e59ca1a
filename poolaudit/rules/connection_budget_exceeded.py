"""The services sharing a database may open more connections than it accepts.

Every process opens its own pools, so a database sees, at worst, for each service: replicas
(an HPA's maxReplicas, plus the rolling update's surge) × processes per replica (gunicorn or
puma workers, WEB_CONCURRENCY ...) × (pool size + overflow) for each pool a process opens,
summed over its services.  When that exceeds `max_connections` minus the reserved slots (or,
behind a pooler, what the pooler accepts), new connections fail at the worst moment: during a
deploy or a traffic peak, when every replica is up.  Databases, their budgets and the services
that use them come from the policy's `databases:`; replicas and processes from each service's
own files or the policy's `capacity:`.  The message carries the arithmetic, service by service;
`poolaudit capacity` shows where every number comes from.  Default severity: error.

Fleet-level rule: `check(analysis, policy) -> list[Finding]`, reported at the pool size setting
of the service with the largest demand.

Flagged (core-postgres: max_connections 100, 3 reserved):

    # payments: HPA maxReplicas 3, WEB_CONCURRENCY 2, DB_POOL_SIZE 10, DB_MAX_OVERFLOW 5
    PA401: core-postgres production: demand 120 = payments 3×2×(10+5) + ledger 2×1×10
           + notifications 1×1×(10+0) exceeds 97 (100 max_connections − 3 reserved)

OK:

    # payments: DB_POOL_SIZE 10, DB_MAX_OVERFLOW 1
    demand 96 = payments 3×2×(10+1) + ledger 2×1×10 + notifications 1×1×(10+0), 97 allowed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Severity
from poolaudit.rules._finding import make

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.capacity.records import DatabaseDemand
    from poolaudit.policy import Policy

CODE = "PA401"
NAME = "connection-budget-exceeded"
SEVERITY = Severity.ERROR
SUMMARY = "The services sharing a database may open more connections than it accepts."
SCOPE = "fleet"


def message(db: DatabaseDemand) -> str:
    unknown = [f"{s.service} ({s.note or 'multiplier unknown'})" for s in db.services if s.demand is None]
    more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
    tail = f"; not counted: {', '.join(unknown[:5])}{more}" if unknown else ""
    at_least = "at least " if unknown else ""
    return (
        f"{db.database} {db.environment}: demand {at_least}{db.arithmetic()} exceeds "
        f"{db.budget.limit} ({db.budget.text}){tail}"
    )


def check(analysis: Analysis, policy: Policy) -> list[Finding]:
    from poolaudit.capacity.anchor import anchor_of

    found: list[Finding] = []
    for db in analysis.databases:
        texts = [message(db)] if db.exceeded else []
        texts += [f"{db.database} {db.environment}: {problem}" for problem in db.problems]
        setting = anchor_of(db, analysis)
        if setting is None:
            continue
        found.extend(make(CODE, NAME, SEVERITY, setting, text, db.budget.limit) for text in texts)
    return found
