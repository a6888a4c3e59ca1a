"""The budget planner on hand-made demand models: raises go in whole when they fit, then the
raised pool's overflow gives way, then the raise is held between its minimum and its target,
and what still does not fit is a conflict.  Rebalancing shares a budget by minimums."""

from __future__ import annotations

import pytest

from poolaudit.capacity.budget import fit
from poolaudit.capacity.linear import Model, Var
from poolaudit.capacity.rebalance import share
from poolaudit.capacity.records import Budget, DatabaseDemand
from poolaudit.model import Origin, Provenance, Setting, Span
from tests.capacity.conftest import policy

Key = tuple[str, int, str]


def setting(canonical: str, line: int) -> Setting:
    return Setting("svc/deploy.yaml", line, 1, Span(0, 1), "yaml", "k8s", f"env[name=V{line}].value", canonical, "1", 1,
                   Provenance.LITERAL, 1, Origin("svc/deploy.yaml", Span(0, 1), line, 1), environment="production")  # fmt: skip


def var(line: int, canonical: str, current: int, weight: int, desired: int | None = None, floor: int | None = None,
        partner: int | None = None) -> Var:  # fmt: skip
    other = "overflow" if canonical == "max_size" else "max_size"
    return Var(("svc/deploy.yaml", line, canonical), setting(canonical, line), current, weight,
               desired if desired is not None else current, floor if floor is not None else current,
               partner=("svc/deploy.yaml", partner, other) if partner else None)  # fmt: skip


def model(limit: int, constant: int, *variables: Var) -> Model:
    db = DatabaseDemand("core", "production", [], Budget(limit, f"{limit + 3} max_connections − 3 reserved"))
    return Model(db, {v.key: v for v in variables}, constant)


def values(found: dict[Key, int]) -> dict[int, int]:
    return {key[1]: value for key, value in found.items()}


def fleet(hpa: int = 3, minimum: int = 10) -> Model:
    """capacity-fleet: payments size 5 → 10 and overflow 5, weight 3 × 2 = 6; others 30."""
    size = var(34, "max_size", 5, hpa * 2, desired=10, floor=minimum, partner=36)
    over = var(36, "overflow", 5, hpa * 2, floor=0, partner=34)
    return model(97, 30, size, over)


@pytest.mark.parametrize(
    ("made", "expected", "conflicts"),
    [
        pytest.param(model(97, 30, var(1, "max_size", 5, 2, desired=10, floor=10)), {1: 10}, [],
                     id="fits-whole-30+2x10=50"),
        # 30 + 6 × (10 + 5) = 120 > 97: cut the overflow by ceil(23 / 6) = 4 → 1; 30 + 66 = 96.
        pytest.param(fleet(), {34: 10, 36: 1}, [], id="capacity-fleet-overflow-5-to-1"),
        # Minimum 8, target 10; overflow may not go below 4: 30 + 6 × (10 + 4) = 114; hold the
        # size at 10 − ceil(17 / 6) = 7 → but not below 8: 30 + 6 × 12 = 102 > 97 → conflict.
        pytest.param(model(97, 30, var(34, "max_size", 5, 6, desired=10, floor=8, partner=36),
                           var(36, "overflow", 5, 6, floor=4, partner=34)), {34: 5, 36: 5}, [34],
                     id="overflow-floor-4-and-minimum-8-do-not-fit"),
        # Minimum 6, target 10, overflow floor 4: after cutting to 4, 30 + 6 × 14 = 114; size
        # down by ceil(17 / 6) = 3 → 7 ≥ 6: 30 + 6 × 11 = 96.
        pytest.param(model(97, 30, var(34, "max_size", 5, 6, desired=10, floor=6, partner=36),
                           var(36, "overflow", 5, 6, floor=4, partner=34)), {34: 7, 36: 4}, [],
                     id="held-between-minimum-6-and-target-10"),
        pytest.param(fleet(hpa=6), {34: 5, 36: 5}, [34], id="hpa-6-no-value-fits"),
        # Two raises: 20 + 6 × 10 + 2 × 10 = 100 > 70; the costlier (6 × 5 = 30 more) is dropped,
        # and 20 + 6 × 5 + 2 × 10 = 70 fits.
        pytest.param(model(70, 20, var(1, "max_size", 5, 6, desired=10, floor=10), var(2, "max_size", 5, 2, desired=10, floor=10)),
                     {1: 5, 2: 10}, [1], id="two-raises-room-for-the-cheaper"),
        pytest.param(model(50, 70, var(1, "max_size", 10, 2, desired=5)), {1: 5}, [], id="over-budget-without-raises-lowers-what-asks"),
    ],
)  # fmt: skip
def test_fit(made: Model, expected: dict[int, int], conflicts: list[int]) -> None:
    found, refused = fit(made)
    assert values(found) == expected
    assert [v.key[1] for v, _ in refused] == conflicts
    # A plan never adds demand beyond the budget (a database already over it gets no raise).
    assert made.demand(found) <= max(made.db.budget.limit, made.demand({}))


def test_conflict_message_names_the_numbers_and_the_options() -> None:
    _, [(_, text)] = fit(fleet(hpa=6))
    # 97 − 30 = 67 for payments; 67 // 12 = 5 per process with its overflow at 0.
    assert text == (
        "cannot fix within the budget: V34 10 → 10 adds 60 connections to core production (demand 0 of 97: "
        "100 max_connections − 3 reserved); it fits at most 5 with V36 at 0, below the minimum 10; options: lower the "
        "replicas or processes of the services on core, put a pooler (PgBouncer in transaction mode) in front of it, or "
        "raise its max_connections (100)"
    ).replace("V34 10 → 10", "V34 5 → 10")


def test_rebalance_shares_by_minimums() -> None:
    # Over budget: a 6 × (20+10) + b 2 × 30 + c 1 × 10 = 180 + 60 + 10 = 250 > 97.
    a = var(1, "max_size", 20, 6, partner=2)
    a_over = var(2, "overflow", 10, 6, floor=0, partner=1)
    b = var(3, "max_size", 30, 2)
    c = var(4, "max_size", 10, 1)
    made = model(97, 0, a, a_over, b, c)
    made_policy = policy()  # production minimum 10 for every pool
    # Minimums 10 each: 6×10 + 2×10 + 1×10 = 90; k = 97/90; allowance floor(10.77) = 10 each.
    found = share(made, {v.key: v.current for v in made.variables.values()}, made_policy)
    assert values(found) == {1: 10, 2: 0, 3: 10, 4: 10}
    assert made.demand(found) == 90


def test_rebalance_leaves_a_database_within_budget_alone() -> None:
    made = model(97, 0, var(1, "max_size", 20, 2))
    current = {v.key: v.current for v in made.variables.values()}
    assert share(made, current, policy()) == current


def test_rebalance_gives_up_when_minimums_alone_do_not_fit() -> None:
    made = model(97, 50, var(1, "max_size", 20, 6))  # 50 + 6 × 10 = 110 > 97 even at the minimum
    current = {v.key: v.current for v in made.variables.values()}
    assert share(made, current, policy()) == current
