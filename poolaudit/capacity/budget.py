"""Budget-aware fixing: how far each pool may be raised within the database it shares, what to
lower to make room, and the conflicts that no value resolves.

The demand on a database is linear in the values a fix can edit: each place where a pool's
size or overflow is written ("a variable" here) weighs the replicas × processes × pools per
process of every runner that reads it.  For each database and environment:

1. Raises (PA101, PA402 ...) go in at their target when the total fits.
2. Else the raised pools' overflow is lowered, no further than the policy's `min_overflow`
   (SQLAlchemy's overflow is burst capacity, the pool size is what the minimum is about).
3. Else the raises are held between their minimum and their target.
4. Else the raise that costs most is dropped and reported as a conflict, with the options:
   fewer replicas or processes, a pooler, a larger max_connections.  Then 1-3 again.

With `rebalance`, pools of a database that is over budget (after the raises) are lowered so
that every pool gets a share of the budget in proportion to its minimum (rebalance.py).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from poolaudit.capacity.linear import Key, Model, Var, build
from poolaudit.capacity.records import DatabaseDemand

if TYPE_CHECKING:
    from poolaudit.capacity.services import Listings
    from poolaudit.model import Finding, Result, Setting
    from poolaudit.policy import Policy

OPTIONS = (
    "options: lower the replicas or processes of the services on {db}, put a pooler (PgBouncer in "
    "transaction mode) in front of it, or raise its max_connections ({max})"
)


Lowered = tuple[Var, int, DatabaseDemand, int, str]  # the value, its new value, demand after, why


@dataclass
class Plan:
    findings: list[Finding] = field(default_factory=list)  # as `fix` should act on them
    conflicts: list[tuple[Finding, str]] = field(default_factory=list)
    limits: dict[str, int] = field(default_factory=dict)  # fingerprint -> highest max_size


def plan(result: Result, policy: Policy, rebalance: bool = False) -> Plan:
    from poolaudit.capacity import analyse

    if not policy.databases:
        return Plan(list(result.findings))
    settings, listings = _whole_fleet(result, policy)
    analysis = analyse(result.roots, settings, policy, listings)
    fixes: dict[int, int | None] = {}  # id(finding) -> the value to write (None: conflict)
    reasons: dict[int, str] = {}
    highest: dict[int, int] = {}  # id(finding) -> the highest size the budget allows
    extra: dict[Key, Lowered] = {}  # values lowered to make room
    resolved: set[str] = set()  # "db env:" prefixes of PA401 messages the plan resolves
    for db in analysis.databases:
        model = build(db, analysis, result.findings, policy)
        values, conflicts = fit(model)
        if rebalance and (conflicts or model.demand(values) > db.budget.limit):
            from poolaudit.capacity.rebalance import share

            # The refused raises ask again, at their share of the budget.
            shared = share(model, {**values, **{var.key: var.desired for var, _ in conflicts}}, policy)
            if model.demand(shared) <= db.budget.limit:
                values = shared
                conflicts = [(var, text) for var, text in conflicts if shared[var.key] < var.floor]
        for var, text in conflicts:
            values[var.key] = var.current
            for f in var.findings:
                fixes[id(f)], reasons[id(f)] = None, text
        slack = max(db.budget.limit - model.demand(values), 0)
        for key, var in model.variables.items():
            value = values.get(key, var.current)
            for f in var.findings:
                if id(f) in fixes and fixes[id(f)] is None:
                    continue
                fixes[id(f)] = min(fixes.get(id(f)) or value, value)
                if key[2] == "max_size":
                    highest[id(f)] = min(highest.get(id(f), value + slack // var.weight), value + slack // var.weight)
            if value < var.current and not var.findings and (key not in extra or value < extra[key][1]):
                extra[key] = (var, value, model.db, model.demand(values), _why(model, var, values, rebalance))
        changed = any(values.get(k, v.current) != v.current for k, v in model.variables.items())
        if db.exceeded and changed and model.demand(values) <= db.budget.limit:
            resolved.add(f"{db.database} {db.environment}:")
    return _assemble(result, fixes, reasons, highest, extra, resolved)


def _whole_fleet(result: Result, policy: Policy) -> tuple[list[Setting], Listings]:
    """Every setting of the scanned roots.  A hook run (`poolaudit fix FILE ...`) holds only the
    named files' settings, but a budget is shared by every service: such a result (it scanned
    fewer files than its roots hold) is audited again over its whole roots for the arithmetic."""
    from pathlib import Path

    from poolaudit.capacity.services import excluder
    from poolaudit.discover import discover

    listings: Listings = {}
    excluded = excluder(policy.exclude)
    for root in result.roots:
        listing = discover(Path(root))
        listings[root] = ([ref for ref in listing.refs if not excluded(ref.rel)], listing.manifests)
    if sum(len(refs) for refs, _ in listings.values()) == result.files_scanned:
        return result.settings, listings
    from poolaudit.audit import audit

    return audit([Path(root) for root in result.roots], policy).settings, listings


def _why(model: Model, var: Var, values: dict[Key, int], rebalance: bool) -> str:
    partner = model.variables.get(var.partner) if var.partner else None
    if partner is not None and values.get(partner.key, partner.current) > partner.current:
        return f"makes room for {partner.name} {partner.current} → {values[partner.key]}"
    if rebalance:
        return "shares the budget in proportion to each pool's minimum"
    return "keeps the demand within the budget"


def fit(model: Model) -> tuple[dict[Key, int], list[tuple[Var, str]]]:
    """Values within the budget for the raises (steps 1-4 of the module docstring).

    Raises are admitted cheapest first, by what each costs at its lowest acceptable values
    (the minimum, with its overflow cut to the floor), so the work grows as n log n with the
    number of raises, not n squared."""
    raises = [v for v in model.variables.values() if v.desired > v.current]
    values = _try(model, raises)
    if values is not None or not raises:
        return values or _without(model, raises), []
    base = model.demand(_without(model, raises))
    room = model.db.budget.limit - base
    admitted: list[Var] = []
    for var in sorted(raises, key=lambda v: (_least(model, v), v.key)):
        if _least(model, var) <= room:
            admitted.append(var)
            room -= _least(model, var)
    values = _try(model, admitted)
    while values is None and admitted:  # the cuts found no way to the lowest values: drop the costliest
        admitted.remove(max(admitted, key=lambda v: (_least(model, v), v.key)))
        values = _try(model, admitted)
    values = values or _without(model, raises)
    total = model.demand(values)
    refused = [v for v in raises if v not in admitted]
    today = model.db.demand  # a sum over every service: once, not once per conflict
    return values, [(v, _conflict(model, v, values, total, today)) for v in refused]


def _without(model: Model, raises: list[Var]) -> dict[Key, int]:
    """Every value as it is, but for the lowerings asked for."""
    return {k: v.desired if v.desired <= v.current else v.current for k, v in model.variables.items()}


def _least(model: Model, var: Var) -> int:
    """What a raise adds at its lowest acceptable values: the minimum size, the overflow at its floor."""
    partner = model.variables.get(var.partner) if var.partner else None
    size = max(var.current, var.floor, var.min_total - (partner.floor if partner else 0))
    added = var.weight * (size - var.current)
    if partner is not None:
        lowest = max(partner.floor, var.min_total - size)
        added -= partner.weight * (partner.current - min(lowest, partner.current))
    return added


def _try(model: Model, raises: list[Var]) -> dict[Key, int] | None:
    limit = model.db.budget.limit
    values = {k: (v.desired if v.desired <= v.current or v in raises else v.current) for k, v in model.variables.items()}
    over = model.demand(values) - limit
    for var in sorted(raises, key=lambda v: v.key):  # step 2: the raised pools' overflow
        partner = model.variables.get(var.partner) if var.partner else None
        if over <= 0 or partner is None:
            continue
        lowest = max(partner.floor, var.min_total - values[var.key])
        cut = min(values[partner.key] - lowest, math.ceil(over / partner.weight))
        if cut > 0:
            values[partner.key] -= cut
            over -= cut * partner.weight
    for var in sorted(raises, key=lambda v: v.key):  # step 3: hold raises between floor and target
        if over <= 0:
            break
        partner_value = values.get(var.partner, 0) if var.partner else 0
        lowest = max(var.current, var.floor, var.min_total - partner_value)
        cut = min(values[var.key] - lowest, math.ceil(over / var.weight))
        if cut > 0:
            values[var.key] -= cut
            over -= cut * var.weight
    return values if over <= 0 else None


def _conflict(model: Model, var: Var, values: dict[Key, int], total: int, today: int) -> str:
    db = model.db
    partner = model.variables.get(var.partner) if var.partner else None
    rest = total - var.weight * values[var.key]
    if partner is not None:
        rest += partner.weight * (partner.floor - values[partner.key])
    at_most = (db.budget.limit - rest) // var.weight
    overflow = f" with {partner.name} at {partner.floor}" if partner else ""
    wanted = var.weight * (var.desired - var.current)
    return (
        f"cannot fix within the budget: {var.name} {var.current} → {var.desired} adds {wanted} connections to "
        f"{db.database} {db.environment} (demand {today} of {db.budget.limit}: {db.budget.text}); "
        f"it fits at most {max(at_most, 0)}{overflow}, below the minimum {var.floor}; "
        + OPTIONS.format(db=db.database, max=_max_connections(db))
    )


def _max_connections(db: DatabaseDemand) -> str:
    return db.budget.text.split(" max_connections", 1)[0] if "max_connections" in db.budget.text else db.budget.text


def _assemble(
    result: Result, fixes: dict[int, int | None], reasons: dict[int, str], highest: dict[int, int],
    extra: dict[Key, Lowered], resolved: set[str],
) -> Plan:
    from poolaudit.capacity.lowering import lowering_finding

    out = Plan()
    for finding in result.findings:
        if finding.code == "PA401" and finding.message.startswith(tuple(resolved)) and resolved:
            continue  # the values lowered below resolve it
        if id(finding) not in fixes:
            out.findings.append(finding)
            continue
        value = fixes[id(finding)]
        if value is None:
            held = dataclasses.replace(finding, fix_to=None)
            out.findings.append(held)
            out.conflicts.append((held, reasons[id(finding)]))
            continue
        out.findings.append(dataclasses.replace(finding, fix_to=value) if value != finding.fix_to else finding)
        if id(finding) in highest and finding.fingerprint:
            out.limits[finding.fingerprint] = highest[id(finding)]
    for _, (var, value, db, after, why) in sorted(extra.items(), key=lambda item: item[0]):
        out.findings.append(lowering_finding(var, value, db, after, why))
    return out
