"""The demand arithmetic: replicas × processes × (pool + overflow), summed over services, against
max_connections − reserved or a pooler's limits.  Every expected number is worked by hand in
the case id or the comment beside it."""

from __future__ import annotations

import pytest

from poolaudit.capacity.demand import budget
from poolaudit.capacity.records import Budget, Count, DatabaseDemand, Pool, Runner, ServiceDemand, Usage
from poolaudit.policy import Database, Pooler


def pool(size: int | None, overflow: int | None = None, count: int = 1) -> Pool:
    return Pool("svc", "db.py engine", "sqlalchemy", size, overflow or 0, overflow is not None, count)


def usage(replicas: int | None, processes: int | None, *pools: Pool, name: str = "Deployment/svc") -> Usage:
    return Usage(Runner(name, "production", Count(replicas), Count(processes)), list(pools))


def service(name: str, *usages: Usage) -> ServiceDemand:
    return ServiceDemand(name, list(usages))


@pytest.mark.parametrize(
    ("made", "demand", "term"),
    [
        pytest.param(usage(3, 2, pool(10, 5)), 90, "3×2×(10+5)", id="3x2x(10+5)=3*2*15=90"),
        pytest.param(usage(3, 2, pool(5, 5)), 60, "3×2×(5+5)", id="3x2x(5+5)=60"),
        pytest.param(usage(2, 1, pool(10)), 20, "2×1×10", id="hikari-no-overflow-2x1x10=20"),
        pytest.param(usage(1, 1, pool(10, 0)), 10, "1×1×(10+0)", id="explicit-zero-overflow-shown"),
        # RCOSDP/arkhe v0.10.0 release notes: 2 resolvers × 4 workers × 15 connections = 120.
        pytest.param(usage(2, 4, pool(5, 10)), 120, "2×4×(5+10)", id="arkhe-2x4x15=120"),
        # full-stack-fastapi-template: 4 workers × 15 = 60 per container.
        pytest.param(usage(1, 4, pool(5, 10)), 60, "1×4×(5+10)", id="fastapi-template-4x15=60"),
        # stac-fastapi-pgstac: WEB_CONCURRENCY=5 × 10 × 2 pools (read/write) = 100.
        pytest.param(usage(1, 5, pool(10), pool(10)), 100, "1×5×(10 + 10)", id="pgstac-5x10x2pools=100"),
        pytest.param(usage(1, 5, pool(10, count=2)), 100, "1×5×2×10", id="pools-per-process-from-policy"),
        pytest.param(usage(3, 2, pool(4, 1), pool(2)), 42, "3×2×((4+1) + 2)", id="two-pools-3x2x(5+2)=42"),
        pytest.param(usage(None, 2, pool(10)), None, "?×2×10", id="replicas-unknown"),
        pytest.param(usage(2, 2, pool(None)), None, "2×2×?", id="size-unknown"),
    ],
)  # fmt: skip
def test_usage_demand(made: Usage, demand: int | None, term: str) -> None:
    assert made.demand == demand
    assert made.term() == term


@pytest.mark.parametrize(
    ("made", "demand", "term"),
    [
        pytest.param(service("shop", usage(2, 3, pool(5), name="web"), usage(1, 1, pool(5), name="worker")), 35,
                     "shop (web 2×3×5 + worker 1×1×5)", id="web-2x3x5+worker-1x1x5=35"),  # fmt: skip
        pytest.param(service("svc", usage(3, 2, pool(10, 5))), 90, "svc 3×2×(10+5)", id="one-runner"),
        pytest.param(ServiceDemand("svc", [], note="no pool setting found"), None, "svc ?", id="no-pool"),
    ],
)
def test_service_demand(made: ServiceDemand, demand: int | None, term: str) -> None:
    assert made.demand == demand
    assert made.term() == term


def fleet(payments_size: int, payments_overflow: int) -> DatabaseDemand:
    """The capacity-fleet fixture: payments 3 replicas × 2 workers, ledger 2 × 1 (Hikari 10),
    notifications 1 × 1 × (10+0); core-postgres 100 − 3 = 97."""
    return DatabaseDemand(
        "core-postgres",
        "production",
        [
            service("payments", usage(3, 2, pool(payments_size, payments_overflow))),
            service("ledger", usage(2, 1, pool(10))),
            service("notifications", usage(1, 1, pool(10, 0))),
        ],
        Budget(97, "100 max_connections − 3 reserved"),
    )


@pytest.mark.parametrize(
    ("size", "overflow", "demand", "headroom", "exceeded"),
    [
        pytest.param(5, 5, 90, 7, False, id="today-60+20+10=90-of-97"),
        pytest.param(10, 5, 120, -23, True, id="naive-raise-90+20+10=120-over-97-by-23"),
        pytest.param(10, 1, 96, 1, False, id="raise-with-overflow-1-66+20+10=96"),
        pytest.param(10, 0, 90, 7, False, id="raise-with-overflow-0-60+20+10=90"),
        pytest.param(11, 0, 96, 1, False, id="largest-size-that-fits-66+30=96"),
        pytest.param(12, 0, 102, -5, True, id="one-more-72+30=102"),
    ],
)
def test_database_demand(size: int, overflow: int, demand: int, headroom: int, exceeded: bool) -> None:
    db = fleet(size, overflow)
    assert (db.demand, db.headroom, db.exceeded, db.complete) == (demand, headroom, exceeded, True)


def test_arithmetic_names_every_service_in_order() -> None:
    assert fleet(10, 5).arithmetic() == (
        "120 = payments 3×2×(10+5) + ledger 2×1×10 + notifications 1×1×(10+0)"
    )


def test_unknown_service_counts_nothing_and_marks_the_demand_incomplete() -> None:
    db = fleet(5, 5)
    db.services.append(ServiceDemand("audit-log", [], note="no pool setting found"))
    assert (db.demand, db.complete) == (90, False)
    assert "audit-log" not in db.arithmetic()


def database(**pooler: object) -> Database:
    return Database(
        name="core", max_connections=100, reserved_connections=3,
        pooler=Pooler.model_validate(pooler) if pooler else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("db", "services", "limit", "text", "problems"),
    [
        pytest.param(database(), 3, 97, "100 max_connections − 3 reserved", [], id="no-pooler-100-3=97"),
        pytest.param(
            Database(name="m", max_connections=151, reserved_connections=1), 1, 150,
            "151 max_connections − 1 reserved", [], id="mysql-151-1=150",
        ),
        pytest.param(
            database(pool_mode="transaction", max_client_conn=500, default_pool_size=20), 3, 500,
            "500 pooler max_client_conn", [], id="transaction-pooler-clients-500",
        ),
        pytest.param(
            database(pool_mode="transaction"), 3, 100, "100 pooler max_client_conn (PgBouncer default)", [],
            id="transaction-pooler-default-client-limit-100",
        ),
        pytest.param(
            database(pool_mode="transaction", max_client_conn=1000, default_pool_size=40), 3, 1000,
            "1000 pooler max_client_conn",
            ["the pooler's server connections pooler default_pool_size 40 × 3 service(s) = 120 exceed 97 "
             "(100 max_connections − 3 reserved)"],
            id="pooler-server-side-40x3=120-over-97",
        ),
        pytest.param(
            database(pool_mode="transaction", max_client_conn=1000, default_pool_size=40, max_db_connections=90), 3,
            1000, "1000 pooler max_client_conn", [], id="max-db-connections-90-caps-the-server-side",
        ),
        pytest.param(
            database(pool_mode="session", max_client_conn=500, default_pool_size=20), 2, 40,
            "pooler default_pool_size 20 × 2 service(s) = 40; session pooling holds a server connection per client",
            [], id="session-pooler-server-pools-20x2=40-bind",
        ),
        pytest.param(
            database(max_client_conn=50, default_pool_size=20), 4, 50,
            "50 pooler max_client_conn; session pooling holds a server connection per client", [],
            id="session-default-mode-clients-50-bind",
        ),
    ],
)  # fmt: skip
def test_budget(db: Database, services: int, limit: int, text: str, problems: list[str]) -> None:
    made, found = budget(db, services)
    assert (made.limit, made.text, found) == (limit, text, problems)
