"""A pool is smaller, per process, than the service's peak traffic needs (Little's law).

On average a service holds `peak requests per second × database time per request` connections
at once (Little's law, L = λ × W); with a headroom for bursts (policy default 1.5) and shared by
the processes that serve traffic (steady replicas × processes per replica), that is the
minimum pool each process needs.  A process that can open fewer connections (pool size plus
overflow) makes requests queue for a connection at peak.  Figures come from the policy's
`traffic:` section (by service glob) or a metrics export named by `capacity.metrics`.  The
message shows the derivation; the fix raises the pool size as far as the database budget
allows.  Queue workers (Sidekiq, Celery) are not counted.  Default severity: error.

Fleet-level rule: `check(analysis, policy) -> list[Finding]`.

Flagged (traffic: payments: {peak_rps: 400, db_time_ms: 25}; 2 replicas × 2 processes):

    - name: DB_POOL_SIZE
      value: "2"          # PA402: 2+0 per process is below the traffic minimum 4:
                          # 400 rps × 0.025 s = 10 busy (Little's law) × 1.5 headroom = 15
                          # ÷ (2 replicas × 2 processes) = 3.75 → 4 per process

OK:

    - name: DB_POOL_SIZE
      value: "5"
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.model import Finding, Severity
from poolaudit.rules._finding import make

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.policy import Policy

CODE = "PA402"
NAME = "below-traffic-minimum"
SEVERITY = Severity.ERROR
SUMMARY = "A pool is smaller, per process, than the service's peak traffic needs (Little's law)."
SCOPE = "fleet"


def check(analysis: Analysis, policy: Policy) -> list[Finding]:
    from poolaudit.capacity.anchor import size_place

    found: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    for minimum in analysis.traffic:
        need = minimum.per_process
        for usage in minimum.usages:
            for pool in usage.pools:
                if pool.size is None or pool.per_process is None or pool.per_process >= need:
                    continue
                setting = size_place(pool, analysis.catalog)
                if setting is None or (setting.path, setting.line) in seen:
                    continue
                seen.add((setting.path, setting.line))
                has = f"{pool.size}+{pool.overflow}" if pool.has_overflow else str(pool.size)
                count = f"{pool.count}×({has})" if pool.count != 1 else has
                text = (
                    f"{minimum.service} {minimum.environment}: pool {count} per process is below the traffic "
                    f"minimum {need}: {minimum.derivation()} ({minimum.figures.source})"
                )
                # The size a fix writes: enough, with the overflow, for the minimum.
                size_needed = -(-need // pool.count) - pool.overflow
                fix_to = size_needed if size_needed > pool.size else None
                found.append(make(CODE, NAME, SEVERITY, setting, text, need, fix_to))
    return found
