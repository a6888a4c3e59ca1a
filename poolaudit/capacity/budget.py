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

from poolaudit.capacity.records import DatabaseDemand

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.model import Finding, Result, Setting
    from poolaudit.policy import Policy

OPTIONS = (
    "options: lower the replicas or processes of the services on {db}, put a pooler (PgBouncer in "
    "transaction mode) in front of it, or raise its max_connections ({max})"
)


@dataclass
class Var:
    """One place a pool's size or overflow is written, as the demand on one database sees it."""

    key: tuple[str, int, str]  # (path, line, canonical)
    setting: Setting | None  # what a fix edits (None: not editable)
    current: int
    weight: int = 0  # connections per unit of this value
    desired: int = 0
    floor: int = 0  # the lowest value allowed (the current value when not editable)
    min_total: int = 0  # PA402: size + overflow per process must reach this
    findings: list[Finding] = field(default_factory=list)
    partner: tuple[str, int, str] | None = None  # the overflow of a size (and the size of an overflow)

    @property
    def name(self) -> str:
        from poolaudit.rules._finding import key_name

        return key_name(self.setting) if self.setting is not None else self.key[2]


@dataclass
class Model:
    """The linear demand on one database in one environment."""

    db: DatabaseDemand
    variables: dict[tuple[str, int, str], Var]
    constant: int  # demand of values no fix can edit

    def demand(self, values: dict[tuple[str, int, str], int]) -> int:
        return self.constant + sum(v.weight * values.get(k, v.current) for k, v in self.variables.items())


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
    analysis = analyse(result.roots, result.settings, policy)
    fixes: dict[int, int | None] = {}  # id(finding) -> the value to write (None: conflict)
    reasons: dict[int, str] = {}
    highest: dict[int, int] = {}  # id(finding) -> the highest size the budget allows
    extra: dict[tuple[str, int, str], Lowered] = {}  # values lowered to make room
    resolved: set[str] = set()  # "db env:" prefixes of PA401 messages the plan resolves
    for db in analysis.databases:
        model = _model(db, analysis, result.findings, policy)
        values, conflicts = fit(model)
        for var, text in conflicts:
            for f in var.findings:
                fixes[id(f)], reasons[id(f)] = None, text
        if rebalance:
            from poolaudit.capacity.rebalance import share

            values = share(model, values, policy)
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


def _why(model: Model, var: Var, values: dict[tuple[str, int, str], int], rebalance: bool) -> str:
    partner = model.variables.get(var.partner) if var.partner else None
    if partner is not None and values.get(partner.key, partner.current) > partner.current:
        return f"makes room for {partner.name} {partner.current} → {values[partner.key]}"
    if rebalance:
        return "shares the budget in proportion to each pool's minimum"
    return "keeps the demand within the budget"


def _model(db: DatabaseDemand, analysis: Analysis, findings: list[Finding], policy: Policy) -> Model:
    from poolaudit.capacity.anchor import overflow_place, size_place

    variables: dict[tuple[str, int, str], Var] = {}
    constant = 0
    for service in db.services:
        for usage in service.usages:
            if usage.multiplier is None:
                continue
            for pool in usage.pools:
                if pool.size is None:
                    continue
                weight = usage.multiplier * pool.count
                size = _var(variables, size_place(pool, analysis.catalog), pool.size_at, "max_size", pool.size, weight)
                if size is None:
                    constant += weight * pool.size
                if not pool.has_overflow:
                    continue
                over = _var(variables, overflow_place(pool, analysis.catalog), pool.overflow_at, "overflow", pool.overflow, weight)
                if over is None:
                    constant += weight * pool.overflow
                if size is not None and over is not None:
                    size.partner, over.partner = over.key, size.key
    _attach(variables, findings, policy)
    return Model(db, variables, constant)


def _var(
    variables: dict[tuple[str, int, str], Var], setting: Setting | None, at: tuple[str, int] | None,
    canonical: str, current: int, weight: int,
) -> Var | None:
    if setting is None or at is None or setting.origin is None:
        return None
    key = (at[0], at[1], canonical)
    var = variables.get(key)
    if var is None:
        var = variables[key] = Var(key, setting, current, desired=current, floor=current)
    var.weight += weight
    return var


def _attach(variables: dict[tuple[str, int, str], Var], findings: list[Finding], policy: Policy) -> None:
    """Findings with a fix on these places set the targets; overflows may go down to the policy's
    `min_overflow` (0 without one)."""
    from poolaudit.policy import bounds

    for var in variables.values():
        if var.key[2] == "overflow" and var.setting is not None and var.setting.provenance.value != "library-default":
            var.floor = min(var.current, bounds(policy, var.setting).min_overflow or 0)
    for finding in findings:
        s = finding.setting
        if s is None or not isinstance(finding.fix_to, (int, float)) or isinstance(finding.fix_to, bool):
            continue
        places = {(s.path, s.line, s.canonical)}
        if s.origin is not None:
            places.add((s.origin.path, s.origin.line, s.canonical))
        for key in places & variables.keys():
            var = variables[key]
            var.findings.append(finding)
            var.desired = max(var.desired, int(finding.fix_to)) if finding.fix_to > var.current else int(finding.fix_to)
            if finding.code == "PA402" and isinstance(finding.expected, int):
                var.min_total = max(var.min_total, finding.expected)
            elif isinstance(finding.expected, (int, float)) and var.key[2] == "max_size":
                var.floor = max(var.floor, min(int(finding.expected), var.desired))
            if var.key[2] == "overflow":
                var.floor = max(var.floor, var.desired)


def fit(model: Model) -> tuple[dict[tuple[str, int, str], int], list[tuple[Var, str]]]:
    """Values within the budget for the raises (steps 1-4 of the module docstring)."""
    raises = [v for v in model.variables.values() if v.desired > v.current]
    conflicts: list[tuple[Var, str]] = []
    while True:
        values = _try(model, raises)
        if values is not None:
            return values, conflicts
        if not raises:  # over budget before any raise: PA401's to report, rebalance's to resolve
            return {k: v.desired if v.desired <= v.current else v.current for k, v in model.variables.items()}, conflicts
        worst = max(raises, key=lambda v: (v.weight * (v.floor - v.current), v.key))
        raises.remove(worst)
        conflicts.append((worst, _conflict(model, worst, raises)))


def _try(model: Model, raises: list[Var]) -> dict[tuple[str, int, str], int] | None:
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


def _conflict(model: Model, var: Var, others: list[Var]) -> str:
    db = model.db
    values = _try(model, others) or {k: v.current for k, v in model.variables.items()}
    partner = model.variables.get(var.partner) if var.partner else None
    rest = model.demand({**values, var.key: 0, **({partner.key: partner.floor} if partner else {})})
    at_most = (db.budget.limit - rest) // var.weight
    overflow = f" with {partner.name} at {partner.floor}" if partner else ""
    wanted = var.weight * (var.desired - var.current)
    return (
        f"cannot fix within the budget: {var.name} {var.current} → {var.desired} adds {wanted} connections to "
        f"{db.database} {db.environment} (demand {db.demand} of {db.budget.limit}: {db.budget.text}); "
        f"it fits at most {max(at_most, 0)}{overflow}, below the minimum {var.floor}; "
        + OPTIONS.format(db=db.database, max=_max_connections(db))
    )


def _max_connections(db: DatabaseDemand) -> str:
    return db.budget.text.split(" max_connections", 1)[0] if "max_connections" in db.budget.text else db.budget.text


def _assemble(
    result: Result, fixes: dict[int, int | None], reasons: dict[int, str], highest: dict[int, int],
    extra: dict[tuple[str, int, str], Lowered], resolved: set[str],
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
