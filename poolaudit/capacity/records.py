"""The capacity vocabulary: counts with the places they were read from, the ways a service runs,
its pools, and the demand of every service on a database in one environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from poolaudit.model import Setting


@dataclass(frozen=True)
class Source:
    """Where one number of a multiplier is written (path "" for the policy and defaults)."""

    what: str  # "HPA maxReplicas", "gunicorn --workers", "policy capacity.replicas.payments"
    path: str = ""
    line: int = 0
    value: str = ""  # the text written there ("2", "25%"), when it is worth showing

    def __str__(self) -> str:
        shown = f" {self.value}" if self.value else ""
        if not self.path:
            return f"{self.what}{shown}"
        return f"{self.what}{shown} ({self.path}:{self.line})" if self.line else f"{self.what}{shown} ({self.path})"


@dataclass(frozen=True)
class Count:
    """A multiplier: its value (None when unknown) and the sources that give it."""

    value: int | None
    sources: tuple[Source, ...] = ()
    joiner: str = " + "  # " + " for a sum (replicas + surge); " read by " for a variable a setting reads

    @property
    def provenance(self) -> str:
        return self.joiner.join(str(s) for s in self.sources) or "unknown"


@dataclass(frozen=True)
class EnvValue:
    """A variable set for a process: in a manifest's env, compose, a Dockerfile or an env file."""

    name: str
    text: str
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.name}={self.text} ({self.path}:{self.line})"


@dataclass
class Runner:
    """One way a service runs: a Deployment, a Helm chart, a compose service, a Procfile type."""

    name: str  # "Deployment/payments", "helm:ledger", "compose:api", "Procfile:web", "service"
    environment: str  # of the files that describe it ("any" when they name none)
    replicas: Count
    processes: Count
    env: dict[str, EnvValue] = field(default_factory=dict)
    command: list[str] = field(default_factory=list)
    serves_traffic: bool = True  # False for queue workers (Sidekiq, Celery): no request traffic
    steady_replicas: Count | None = None  # without HPA maximum or surge (Little's law divides by it)


@dataclass(frozen=True)
class Pool:
    """One pool a process opens, with the values in force for one runner."""

    service: str
    name: str  # "payments/app/db.py create_engine@6"
    framework: str
    size: int | None  # None: unknown (unresolved, unlimited)
    overflow: int  # 0 when the library has none
    has_overflow: bool  # the library has an overflow (SQLAlchemy): shown as (size+overflow)
    count: int = 1  # instances per process (policy capacity.pools)
    size_from: str = ""  # "DB_POOL_SIZE=5 (payments/deploy/production/deployment.yaml:34)"
    overflow_from: str = ""
    size_setting: Setting | None = field(default=None, compare=False)
    overflow_setting: Setting | None = field(default=None, compare=False)
    size_var: str | None = None  # the variable the runner sets for the size, if it sets one
    overflow_var: str | None = None
    size_at: tuple[str, int] | None = None  # (path, line) where the size in force is written
    overflow_at: tuple[str, int] | None = None

    @property
    def per_process(self) -> int | None:
        return None if self.size is None else self.count * (self.size + self.overflow)

    def term(self) -> str:
        """`(10+5)`, `10`, `2×(10+5)`, `?`."""
        if self.size is None:
            return "?"
        body = f"({self.size}+{self.overflow})" if self.has_overflow else str(self.size)
        return f"{self.count}×{body}" if self.count != 1 else body


@dataclass
class Usage:
    """One runner of a service and the pools each of its processes opens."""

    runner: Runner
    pools: list[Pool]

    @property
    def per_process(self) -> int | None:
        values = [p.per_process for p in self.pools]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    @property
    def multiplier(self) -> int | None:
        r, p = self.runner.replicas.value, self.runner.processes.value
        return None if r is None or p is None else r * p

    @property
    def demand(self) -> int | None:
        m, per = self.multiplier, self.per_process
        return None if m is None or per is None else m * per

    def term(self) -> str:
        """`3×2×(10+5)`; several pools: `3×2×((10+5) + 5)`."""
        r = self.runner.replicas.value
        p = self.runner.processes.value
        pools = [pool.term() for pool in self.pools] or ["0"]
        inner = pools[0] if len(pools) == 1 else "(" + " + ".join(pools) + ")"
        return f"{'?' if r is None else r}×{'?' if p is None else p}×{inner}"


@dataclass
class ServiceDemand:
    service: str
    usages: list[Usage]
    note: str = ""  # why the demand is unknown or zero ("no pool setting found")

    @property
    def demand(self) -> int | None:
        values = [u.demand for u in self.usages]
        return None if not values or None in values else sum(v for v in values if v is not None)

    def term(self) -> str:
        if not self.usages:
            return f"{self.service} ?"
        if len(self.usages) == 1:
            return f"{self.service} {self.usages[0].term()}"
        parts = " + ".join(f"{u.runner.name} {u.term()}" for u in self.usages)
        return f"{self.service} ({parts})"


@dataclass
class Budget:
    limit: int
    text: str  # "100 max_connections − 3 reserved"


@dataclass
class DatabaseDemand:
    """Every service's worst-case demand on one database in one environment."""

    database: str
    environment: str
    services: list[ServiceDemand]
    budget: Budget
    problems: list[str] = field(default_factory=list)  # the pooler's server side, say

    @property
    def demand(self) -> int:
        """The known part of the demand (services of unknown demand count 0 here)."""
        return sum(s.demand or 0 for s in self.services)

    @property
    def complete(self) -> bool:
        return all(s.demand is not None for s in self.services)

    @property
    def headroom(self) -> int:
        return self.budget.limit - self.demand

    @property
    def exceeded(self) -> bool:
        return self.demand > self.budget.limit

    def arithmetic(self, limit: int = 8) -> str:
        """`120 = payments 3×2×(10+5) + ledger 2×1×10 + ...`; beyond `limit` services, the
        largest `limit` and the sum of the rest (the capacity command lists every one)."""
        counted = [s for s in self.services if s.usages]
        if len(counted) > limit:
            largest = sorted(counted, key=lambda s: -(s.demand or 0))[:limit]
            rest = [s for s in counted if s not in largest]
            terms = " + ".join(s.term() for s in largest)
            terms += f" + {len(rest)} more services {sum(s.demand or 0 for s in rest)}"
        else:
            terms = " + ".join(s.term() for s in counted) or "0"
        return f"{self.demand} = {terms}"
