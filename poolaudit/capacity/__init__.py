"""Capacity across services: databases whose connection budget several services share, the
replicas and processes that multiply each pool, and traffic-based minimums.

    analyse(roots, settings, policy) -> Analysis   the arithmetic (capacity command, rules, fix)
    Fleet(roots).findings(settings, policy, active) the fleet-level rules (PA401, PA402) for check
    fix_limits(result, policy) -> {fingerprint: highest max_size the budget allows}
    budgeted(result, policy, rebalance=False)       findings as `fix` should act on them

Only the files of services that a declared database (or a traffic figure) names are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from poolaudit.capacity.described import Described
    from poolaudit.capacity.pools import Catalog
    from poolaudit.capacity.records import DatabaseDemand
    from poolaudit.capacity.services import Listings
    from poolaudit.capacity.traffic import TrafficMinimum
    from poolaudit.model import Finding, Result, Setting
    from poolaudit.policy import Policy


@dataclass
class Analysis:
    databases: list[DatabaseDemand] = field(default_factory=list)
    traffic: list[TrafficMinimum] = field(default_factory=list)
    catalog: Catalog | None = None


def wanted(policy: Policy) -> bool:
    """Does the policy ask for any capacity arithmetic at all?"""
    return bool(policy.databases or policy.traffic or policy.capacity.metrics)


def analyse(roots: list[str], settings: list[Setting], policy: Policy, listings: Listings | None = None) -> Analysis:
    """`listings`: the audit's file listing per root (refs, manifest folders), else listed again."""
    from poolaudit.capacity import demand, described, pools, services, traffic

    if not wanted(policy):
        return Analysis()
    catalog = services.services(roots, policy, listings)
    cat = pools.catalog(settings, policy)
    read: dict[str, Described] = {}

    def describe(name: str) -> Described:
        if name not in read:
            read[name] = described.describe(name, catalog[name])
        return read[name]

    out = Analysis(catalog=cat)
    for database in policy.databases:
        users = [describe(name) for name in services.users_of(database, catalog)]
        for environment in demand.environments(database, users, cat, policy):
            out.databases.append(demand.database_demand(database, environment, users, cat, policy))
    metrics = traffic.load_metrics(policy)
    if policy.traffic or metrics:
        environment = policy.pools.assume_environment
        for name, entries in sorted(catalog.items()):
            folders = {f for e in entries for f in e.folders}
            figures = traffic.figures_for(name, folders, policy, metrics)
            if figures is None:
                continue
            usage = demand.service_demand(describe(name), cat, environment, policy)
            found = traffic.minimum(name, environment, figures, usage.usages)
            if found is not None:
                out.traffic.append(found)
    return out


class Fleet:
    """The scanned roots, for the rules that look at every service at once (SCOPE "fleet")."""

    def __init__(self, roots: list[str], listings: Listings | None = None) -> None:
        self.roots = list(roots)
        self.listings = listings

    def findings(self, settings: list[Setting], policy: Policy, active: list[str]) -> list[Finding]:
        from poolaudit import rules

        codes = [code for code in active if getattr(rules.RULES[code], "SCOPE", "") == "fleet"]
        if not codes or not wanted(policy):
            return []
        analysis = analyse(self.roots, settings, policy, self.listings)
        return [f for code in codes for f in rules.RULES[code].check(analysis, policy)]


def fix_limits(result: Result, policy: Policy) -> dict[str, int]:
    from poolaudit.capacity.budget import plan

    return plan(result, policy).limits


def budgeted(result: Result, policy: Policy, rebalance: bool = False) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """The audit's findings with fixes held to the budgets (fix_to lowered, or None with the
    conflict in the second list), plus the edits that make room (lower an overflow; with
    `rebalance`, lower oversubscribed pools)."""
    from poolaudit.capacity.budget import plan

    made = plan(result, policy, rebalance=rebalance or policy.capacity.rebalance)
    return made.findings, made.conflicts
