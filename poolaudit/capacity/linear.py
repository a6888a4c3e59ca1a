"""The demand on one database as a linear function of the values a fix can edit.

Each place where a pool's size or overflow is written is a variable; it weighs the replicas ×
processes × pools per process of every runner that reads it.  Findings with a fix on a place
set its target (`desired`) and its lowest acceptable value (`floor`: the policy's minimum for a
raised size, `min_overflow` for an overflow); the rest of the demand is a constant.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from poolaudit.capacity.records import DatabaseDemand

if TYPE_CHECKING:
    from poolaudit.capacity import Analysis
    from poolaudit.model import Finding, Setting
    from poolaudit.policy import Policy

Key = tuple[str, int, str]  # (path, line, canonical)


@dataclass
class Var:
    """One place a pool's size or overflow is written, as the demand on one database sees it."""

    key: Key
    setting: Setting | None  # what a fix edits (None: not editable)
    current: int
    weight: int = 0  # connections per unit of this value
    desired: int = 0
    floor: int = 0  # the lowest value allowed (the current value when not editable)
    min_total: int = 0  # PA402: size + overflow per process must reach this
    findings: list[Finding] = field(default_factory=list)
    partner: Key | None = None  # the overflow of a size (and the size of an overflow)

    @property
    def name(self) -> str:
        from poolaudit.rules._finding import key_name

        return key_name(self.setting) if self.setting is not None else self.key[2]


@dataclass
class Model:
    """The linear demand on one database in one environment."""

    db: DatabaseDemand
    variables: dict[Key, Var]
    constant: int  # demand of values no fix can edit

    def demand(self, values: dict[Key, int]) -> int:
        return self.constant + sum(v.weight * values.get(k, v.current) for k, v in self.variables.items())


def build(db: DatabaseDemand, analysis: Analysis, findings: list[Finding], policy: Policy) -> Model:
    from poolaudit.capacity.anchor import overflow_place, size_place

    variables: dict[Key, Var] = {}
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
    variables: dict[Key, Var], setting: Setting | None, at: tuple[str, int] | None,
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


def _attach(variables: dict[Key, Var], findings: list[Finding], policy: Policy) -> None:
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
