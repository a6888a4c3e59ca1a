"""PA401 and PA402 on hand-made analyses: where they are reported, and their messages."""

from __future__ import annotations

from poolaudit.capacity import Analysis
from poolaudit.capacity.records import Budget, Count, DatabaseDemand, Pool, Runner, ServiceDemand, Usage
from poolaudit.capacity.traffic import Figures, TrafficMinimum, exact
from poolaudit.model import Provenance, Setting, Span
from poolaudit.rules import below_traffic_minimum, connection_budget_exceeded
from tests.capacity.conftest import policy


def setting(service: str, line: int = 8) -> Setting:
    return Setting(f"{service}/app/db.py", line, 15, Span(0, 2), "python", "sqlalchemy", "pool_size", "max_size", "10",
                   10, Provenance.LITERAL, 10, service=service, pool="create_engine@6")  # fmt: skip


def service(name: str, replicas: int, processes: int, size: int, overflow: int | None = None) -> ServiceDemand:
    pool = Pool(name, f"{name}/app/db.py create_engine@6", "sqlalchemy", size, overflow or 0, overflow is not None,
                size_setting=setting(name))  # fmt: skip
    return ServiceDemand(name, [Usage(Runner(f"Deployment/{name}", "production", Count(replicas), Count(processes)), [pool])])


def db(*services: ServiceDemand, limit: int = 97, problems: list[str] | None = None) -> DatabaseDemand:
    return DatabaseDemand("core", "production", list(services), Budget(limit, "100 max_connections − 3 reserved"), problems or [])


def test_reported_at_the_largest_service_pool() -> None:
    made = db(service("ledger", 2, 1, 10), service("payments", 3, 2, 10, 5))
    (finding,) = connection_budget_exceeded.check(Analysis([made]), policy())
    assert (finding.path, finding.line, finding.column) == ("payments/app/db.py", 8, 15)
    assert finding.message == (
        "core production: demand 110 = ledger 2×1×10 + payments 3×2×(10+5) exceeds 97 (100 max_connections − 3 reserved)"
    )


def test_within_budget_is_quiet() -> None:
    assert connection_budget_exceeded.check(Analysis([db(service("a", 1, 1, 10))]), policy()) == []


def test_unknown_services_are_named_and_the_demand_is_a_lower_bound() -> None:
    made = db(service("payments", 10, 2, 5), *(ServiceDemand(f"s{i}", [], note="no pool setting found") for i in range(7)))
    (finding,) = connection_budget_exceeded.check(Analysis([made]), policy())
    assert finding.message == (
        "core production: demand at least 100 = payments 10×2×5 exceeds 97 (100 max_connections − 3 reserved); not "
        "counted: s0 (no pool setting found), s1 (no pool setting found), s2 (no pool setting found), s3 (no pool "
        "setting found), s4 (no pool setting found) and 2 more"
    )


def test_a_large_fleet_lists_the_largest_services_and_sums_the_rest() -> None:
    # Ten services of 1×1×(i+1): 1 + 2 + ... + 10 = 55 > 50; the 8 largest (10 .. 3), then 2 more (2 + 1 = 3).
    made = db(*(service(f"s{i:02}", 1, 1, i + 1) for i in range(10)), limit=50)
    (finding,) = connection_budget_exceeded.check(Analysis([made]), policy())
    assert finding.message == (
        "core production: demand 55 = s09 1×1×10 + s08 1×1×9 + s07 1×1×8 + s06 1×1×7 + s05 1×1×6 + s04 1×1×5 + "
        "s03 1×1×4 + s02 1×1×3 + 2 more services 3 exceeds 50 (100 max_connections − 3 reserved)"
    )


def test_pooler_server_side_is_reported_too() -> None:
    made = db(service("a", 1, 1, 10), problems=["the pooler's server connections 120 exceed 97 (100 max_connections − 3 reserved)"])
    (finding,) = connection_budget_exceeded.check(Analysis([made]), policy())
    assert finding.message == "core production: the pooler's server connections 120 exceed 97 (100 max_connections − 3 reserved)"


def test_traffic_minimum_not_reported_when_the_pool_suffices() -> None:
    usage = service("payments", 2, 2, 10, 5).usages[0]
    minimum = TrafficMinimum("payments", "production", Figures(exact(400), exact(25), exact(1.5), "policy traffic.payments"),
                             [usage], 4, "2 replicas × 2 processes")  # fmt: skip
    assert below_traffic_minimum.check(Analysis(traffic=[minimum]), policy()) == []


def test_traffic_minimum_fix_raises_the_size_by_what_the_overflow_does_not_cover() -> None:
    # 400 × 0.025 = 10 × 1.5 = 15 ÷ 1 = 15 per process; the pool opens 10 + 2: size 15 − 2 = 13.
    usage = service("payments", 1, 1, 10, 2).usages[0]
    minimum = TrafficMinimum("payments", "production", Figures(exact(400), exact(25), exact(1.5), "metrics.csv:2"),
                             [usage], 1, "1 replica × 1 process")  # fmt: skip
    (finding,) = below_traffic_minimum.check(Analysis(traffic=[minimum]), policy())
    assert (finding.expected, finding.fix_to) == (15, 13)
    assert finding.message == (
        "payments production: pool 10+2 per process is below the traffic minimum 15: 400 rps × 0.025 s = 10 busy "
        "(Little's law) × 1.5 headroom = 15 ÷ (1 replica × 1 process) = 15 per process (metrics.csv:2)"
    )
