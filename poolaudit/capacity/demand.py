"""The worst-case demand on each declared database, per environment, against its budget.

demand = sum over its services and their runners of replicas x processes x the pools each
process opens (pool size + overflow, times the pools per process); budget = max_connections
minus the reserved slots, or, with a pooler in front, what the pooler accepts (see `budget`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from poolaudit.capacity import multipliers, pools
from poolaudit.capacity.records import Budget, DatabaseDemand, ServiceDemand, Usage

if TYPE_CHECKING:
    from poolaudit.capacity.described import Described
    from poolaudit.policy import Database, Policy

PGBOUNCER_MAX_CLIENT_CONN = 100  # PgBouncer's defaults (reference section 8)
PGBOUNCER_DEFAULT_POOL_SIZE = 20
# Development databases run beside the developer, not on the declared server: a database's
# environments default to every other environment its services' files name.
NOT_BY_DEFAULT = frozenset({"development", "any", "other"})


def budget(database: Database, services: int = 1) -> tuple[Budget, list[str]]:
    """What the applications may open, and problems of the pooler's own server side.

    Without a pooler: max_connections - reserved.  With one in transaction (or statement) mode,
    clients share server connections, so the app pools count against `max_client_conn`; in
    session mode a client holds its server connection, so the smaller of `max_client_conn`,
    the pooler's server pools and the server's own budget binds.  The pooler's server pools
    (`max_db_connections`, else `default_pool_size` per service, one user each) must fit the
    server: when they do not, that is reported beside the demand.
    """
    server = database.max_connections - database.reserved_connections
    server_text = f"{database.max_connections} max_connections − {database.reserved_connections} reserved"
    pooler = database.pooler
    if pooler is None:
        return Budget(server, server_text), []
    clients = pooler.max_client_conn or PGBOUNCER_MAX_CLIENT_CONN
    client_text = f"{clients} pooler max_client_conn" + ("" if pooler.max_client_conn else " (PgBouncer default)")
    if pooler.max_db_connections:
        pooled, pooled_text = pooler.max_db_connections, f"{pooler.max_db_connections} pooler max_db_connections"
    else:
        size = pooler.default_pool_size or PGBOUNCER_DEFAULT_POOL_SIZE
        pooled, pooled_text = size * services, f"pooler default_pool_size {size} × {services} service(s) = {size * services}"
    problems = []
    if pooled > server:
        problems.append(f"the pooler's server connections {pooled_text} exceed {server} ({server_text})")
    if pooler.pool_mode in ("transaction", "statement"):
        return Budget(clients, client_text), problems
    limits = sorted([(clients, client_text), (pooled, pooled_text), (server, server_text)], key=lambda x: x[0])
    limit, text = limits[0]
    return Budget(limit, f"{text}; session pooling holds a server connection per client"), problems


def environments(database: Database, described: list[Described], cat: pools.Catalog, policy: Policy) -> list[str]:
    """The environments to weigh: the database's own list, else the policy's assumed one plus
    every environment the services' files name (not development, nor skipped ones)."""
    if database.environments:
        return list(database.environments)
    skip = set(policy.pools.skip_environments) | NOT_BY_DEFAULT
    named: set[str] = {policy.pools.assume_environment}
    named.discard("any")
    for d in described:
        named.update(d.environments)
        named.update(s.environment for s in cat.readers.get(d.service, []))
    return sorted(named - skip) or [policy.pools.assume_environment]


def service_demand(d: Described, cat: pools.Catalog, environment: str, policy: Policy) -> ServiceDemand:
    runners = multipliers.runners(d, environment, policy)
    groups = pools.pool_settings(cat, d.service, environment)
    per_process = multipliers.pools_per_process(policy, d, environment)
    count = per_process.value if per_process is not None and per_process.value is not None else 1
    usages = [Usage(r, pools.for_runner(cat, d.service, groups, r, count)) for r in runners]
    if not any(u.pools for u in usages):
        return ServiceDemand(d.service, [], note="no pool setting found")
    return ServiceDemand(d.service, [u for u in usages if u.pools])


def database_demand(
    database: Database, environment: str, described: list[Described], cat: pools.Catalog, policy: Policy
) -> DatabaseDemand:
    services = [service_demand(d, cat, environment, policy) for d in described]
    limit, problems = budget(database, max(len(services), 1))
    return DatabaseDemand(database.name, environment, services, limit, problems)
