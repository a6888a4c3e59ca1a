"""`fix --rebalance`: lower the pools of an oversubscribed database so that each gets a share of
the budget in proportion to its minimum.

    minimum m   per process: the policy's min_size (plus the lowest overflow allowed), or the
                traffic minimum (PA402), or 1
    k           = (budget − what no fix can edit) / Σ weight × m       (k ≥ 1, else no share fits)
    allowance   = floor(k × m) per process; a pool above it loses overflow first, then size

Because every allowance is rounded down, Σ weight × allowance ≤ budget.  Pools already within
their allowance, and databases within budget, are left alone.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from poolaudit.capacity.linear import Model, Var
    from poolaudit.policy import Policy

Values = dict[tuple[str, int, str], int]


def share(model: Model, values: Values, policy: Policy) -> Values:
    limit = model.db.budget.limit
    if model.demand(values) <= limit:
        return values
    sizes = [v for v in model.variables.values() if v.key[2] == "max_size"]
    paired = {v.partner for v in sizes if v.partner}
    loose = [v for v in model.variables.values() if v.key[2] != "max_size" and v.key not in paired]
    available = limit - model.constant - sum(v.weight * values[v.key] for v in loose)
    minimums = {v.key: minimum(v, model, policy) for v in sizes}
    needed = sum(v.weight * minimums[v.key] for v in sizes)
    if not sizes or needed > available:
        return values  # the minimums alone do not fit: a conflict no share resolves
    k = Fraction(available, needed)
    out = dict(values)
    for var in sizes:
        allowance = int(k * minimums[var.key])
        partner = model.variables.get(var.partner) if var.partner else None
        over = out[partner.key] if partner else 0
        if out[var.key] + over <= allowance:
            continue
        if partner is not None:
            out[partner.key] = max(partner.floor, min(over, allowance - out[var.key]))
            over = out[partner.key]
        out[var.key] = max(_size_floor(var, policy), min(out[var.key], allowance - over))
    return out


def minimum(var: Var, model: Model, policy: Policy) -> int:
    """Per process: the pool's minimum size plus the lowest overflow allowed, or the traffic minimum."""
    partner = model.variables.get(var.partner) if var.partner else None
    return max(_size_floor(var, policy) + (partner.floor if partner else 0), var.min_total, 1)


def _size_floor(var: Var, policy: Policy) -> int:
    from poolaudit.policy import bounds

    if var.findings and var.desired > var.current:
        return var.floor  # a raise: its minimum
    if var.setting is None:
        return var.current
    return bounds(policy, var.setting).min_size or 1
