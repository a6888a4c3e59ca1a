"""The check stage: settings, skipped files and suppressions against a policy -> findings.

Settings are grouped into pools (same path, `pool` id and environment); each pool gets its
bounds from the policy and every selected pool rule looks at it.  Then severities from the
policy, inline suppressions, unused suppressions (PA302), stable fingerprints and a stable
order.  Settings of skipped environments (default: test) and migration-only settings are
not checked; they still appear in the result's settings.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from typing import TYPE_CHECKING

from poolaudit import environments, rules
from poolaudit.errors import PolicyError
from poolaudit.model import Finding, Setting, Severity, Skipped, Span, Suppression
from poolaudit.resolve import is_documentation

if TYPE_CHECKING:
    from poolaudit.capacity import Fleet
    from poolaudit.policy import Policy
    from poolaudit.policy.bounds import Bounds

OPT_IN = frozenset({"redis", "celery"})  # pool kinds checked only when the policy includes them
# Env files that document variables rather than set them for a deployment (resolve.py reads
# them the same way): their values are examples, not what any environment runs.
_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def check(
    settings: list[Setting],
    skipped: list[Skipped],
    suppressions: list[Suppression],
    policy: Policy,
    fleet: Fleet | None = None,
) -> list[Finding]:
    from poolaudit.policy import bounds

    active = active_rules(policy)
    skip = set(policy.pools.skip_environments)
    views, quiet = _pools(settings, policy)
    findings: list[Finding] = []
    pool_rules = [rules.RULES[code] for code in active if rules.RULES[code].SCOPE == "pool"]
    # Bounds depend on framework, environment and the assumption; on service and path only
    # when an override names services.  A monorepo has thousands of pools and few such keys.
    by_place = any(o.services for o in policy.pools.overrides)
    known: dict[tuple[str, ...], Bounds] = {}
    for view in views:
        first = view.own[0]
        key: tuple[str, ...] = (first.framework, first.environment, "assume" if view.assume else "")
        if by_place:
            key += (first.service, first.path)
        limits = known.get(key)
        if limits is None:
            limits = known[key] = bounds(policy, first, assume=view.assume)
        own = {id(setting) for setting in view.own}
        for rule in pool_rules:
            if rule.CODE not in limits.ignore:
                # Rules see the whole pool; findings are kept only at this group's own settings.
                found = rule.check(view.own + view.context, limits)
                findings.extend(f for f in found if id(f.setting) in own)
    if fleet is not None:
        # Fleet-level rules (SCOPE "fleet": PA401, PA402 in poolaudit/capacity) weigh every
        # service sharing a database; they read the services' deployment files themselves.
        findings.extend(fleet.findings(settings, policy, active))
    if "PA301" in active:
        for entry in skipped:
            if environments.from_path(entry.path) not in skip:
                findings.extend(rules.RULES["PA301"].check(entry))

    findings = _one_per_written_value(findings)
    findings, unused = _suppress(findings, suppressions, active, quiet)
    if "PA302" in active:
        for suppression, codes, unknown in unused:
            findings.extend(rules.RULES["PA302"].check(suppression, codes, unknown))
    findings = [_with_severity(f, policy) for f in findings]
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.code))
    return _fingerprinted(findings)


@dataclasses.dataclass
class _View:
    """One pool as the rules see it: its own settings (one path, pool id and environment),
    plus the settings it inherits from, or lends to, the same pool in other files."""

    own: list[Setting]
    context: list[Setting]
    assume: bool = True


def _pools(settings: list[Setting], policy: Policy) -> tuple[list[_View], set[tuple[str, int]]]:
    """Groups the settings to check into pools; returns them and the lines of settings not
    checked (their suppressions are not reported as unused).

    A pool is often split over files: a base (`application.yml`, `.env`, `settings/base.py`:
    no environment) and an override per environment (`application-prod.yml` ...), with the
    same service, framework and pool id.  A base value that the assumed environment overrides
    is not what that environment runs: it is checked without the assumption.  And rules that
    look for something missing see what the other half of the pool sets.
    """
    skip = set(policy.pools.skip_environments)
    assumed = policy.pools.assume_environment
    included = set(policy.include)
    named = {_place(s) for s in settings if s.environment != "any"}
    quiet: set[tuple[str, int]] = set()
    checked = []
    for setting in settings:
        effective = assumed if setting.environment == "any" else setting.environment
        if (
            setting.migration_only
            or setting.environment in skip
            or effective in skip
            or (setting.framework in OPT_IN and setting.framework not in included)
            or (setting.kind == "env" and is_documentation(setting.path))
            # A value written once and inherited by named environments (a Rails `default:`
            # anchor) is checked in each of them, not again as a value of no environment.
            or (setting.environment == "any" and _place(setting) in named)
        ):
            quiet.add((setting.path, setting.line))
        else:
            checked.append(setting)
    family: dict[tuple[str, str, str], list[Setting]] = defaultdict(list)
    for setting in checked:
        family[(setting.service, setting.framework, setting.pool)].append(setting)
    overridden = {
        (s.service, s.framework, s.pool, s.canonical) for s in checked if s.environment == assumed != "any"
    }
    groups: dict[tuple[str, str, str, bool], list[Setting]] = defaultdict(list)
    for setting in checked:
        base = setting.environment == "any"
        shadowed = base and (setting.service, setting.framework, setting.pool, setting.canonical) in overridden
        groups[(setting.path, setting.pool, setting.environment, shadowed)].append(setting)
    views = []
    for (_, _, environment, shadowed), own in groups.items():
        context: list[Setting] = []
        if not shadowed:
            other = assumed if environment == "any" else "any"
            mine = {s.canonical for s in own}
            relatives = family[(own[0].service, own[0].framework, own[0].pool)]
            context = [s for s in relatives if s.environment == other and s.canonical not in mine]
        views.append(_View(own, context, assume=not shadowed))
    return views, quiet


def _place(setting: Setting) -> tuple[str, int, int, str]:
    return (setting.path, setting.line, setting.column, setting.canonical)


def _one_per_written_value(findings: list[Finding]) -> list[Finding]:
    """A value read from an env file is one problem, not two: when the env file's own setting
    has the same finding, the reader's finding is dropped and the one at the written value
    (where the fix edits) is kept."""
    written: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for finding in findings:
        if finding.setting is not None and finding.setting.span is not None:
            written[(finding.code, finding.path)].append(finding.setting.span)
    kept = []
    for finding in findings:
        origin = finding.setting.origin if finding.setting is not None else None
        if origin is not None and origin.path != finding.path and any(
            span.start <= origin.span.start and origin.span.end <= span.end
            for span in written.get((finding.code, origin.path), ())
        ):
            continue
        kept.append(finding)
    return kept


def active_rules(policy: Policy) -> list[str]:
    """The codes to run: `select` (default: all) minus `ignore`, in registry order."""
    selected: set[str] = set()
    for entry in policy.select if policy.select is not None else ["ALL"]:
        selected.update(_codes(entry, "select"))
    for entry in policy.ignore:
        selected.difference_update(_codes(entry, "ignore"))
    return [code for code in rules.RULES if code in selected]


def _codes(entry: str, option: str) -> list[str]:
    codes = rules.matching(entry)
    if not codes:
        # --select/--ignore from the command line reach here unvalidated.
        raise PolicyError(f"{option}: unknown rule {entry!r}; `poolaudit rules` lists them")
    return codes


def failing(findings: list[Finding], policy: Policy) -> bool:
    """True when a finding is at or above the policy's `fail_on` severity."""
    threshold = _RANK[Severity(policy.fail_on)]
    return any(_RANK[Severity(f.severity)] >= threshold for f in findings)


def _with_severity(finding: Finding, policy: Policy) -> Finding:
    level = policy.severity.get(finding.code)
    if level is None or level == finding.severity.value:
        return finding
    return dataclasses.replace(finding, severity=Severity(level))


Unused = tuple[Suppression, tuple[str, ...], tuple[str, ...]]


def _suppress(
    findings: list[Finding], suppressions: list[Suppression], active: list[str], quiet: set[tuple[str, int]]
) -> tuple[list[Finding], list[Unused]]:
    """Drops findings a suppression covers (its line or the next); returns the rest and, per
    suppression with something to report, its unused codes and its unknown codes."""
    by_line: dict[tuple[str, int], list[int]] = defaultdict(list)
    wanted: list[tuple[set[str] | None, tuple[str, ...]]] = []  # (codes or None for all, unknown)
    for index, suppression in enumerate(suppressions):
        codes, unknown = set(), []
        for code in suppression.codes:
            try:
                codes.add(rules.get(code).CODE)
            except KeyError:
                unknown.append(code)
        wanted.append((codes if suppression.codes else None, tuple(unknown)))
        for line in (suppression.line, suppression.line + 1):
            by_line[(suppression.path, line)].append(index)
    used: dict[int, set[str]] = defaultdict(set)
    kept = []
    for finding in findings:
        covering = [
            i for i in by_line.get((finding.path, finding.line), ())
            if wanted[i][0] is None or finding.code in wanted[i][0]  # type: ignore[operator]
        ]  # fmt: skip
        for i in covering:
            used[i].add(finding.code)
        if not covering:
            kept.append(finding)
    unused: list[Unused] = []
    for index, suppression in enumerate(suppressions):
        named, unknowns = wanted[index]
        near_quiet = any((suppression.path, line) in quiet for line in (suppression.line, suppression.line + 1))
        if named is None:
            if index not in used and not near_quiet:
                unused.append((suppression, (), unknowns))
            continue
        idle = () if near_quiet else tuple(sorted(c for c in named if c in active and c not in used[index]))
        if idle or unknowns:
            unused.append((suppression, idle, unknowns))
    return kept, unused


def _fingerprinted(findings: list[Finding]) -> list[Finding]:
    """sha256 of code, path, key, environment and pool (never the line, so that moving a
    setting keeps its fingerprint); findings that would collide get a counter."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for finding in findings:
        setting = finding.setting
        if setting is not None:
            parts = [finding.code, finding.path, setting.key, setting.environment, setting.pool]
        else:  # file- and comment-level findings: their message is their identity
            parts = [finding.code, finding.path, "" if finding.code == "PA301" else finding.message, "", ""]
        base = "\0".join(parts)
        count = seen[base]
        seen[base] += 1
        if count:
            base += f"\0{count}"
        digest = hashlib.sha256(base.encode("utf-8")).hexdigest()[:16]
        out.append(dataclasses.replace(finding, fingerprint=digest))
    return out
