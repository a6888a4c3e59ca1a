"""How a fix run is told to people: the terminal account of what changed and what was left,
unified diffs, the fix-branch commit message and the pull-request body.

All pure functions of a FixReport; passwords in database URLs are masked everywhere
(values of settings can sit inside URLs).
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from pathlib import Path
from typing import Any

from poolaudit.branches import RepoFix
from poolaudit.edits import Change
from poolaudit.fix import FixReport
from poolaudit.model import Finding
from poolaudit.sources._values import mask_secrets
from poolaudit.splice import split_lines

TRAILER = "Poolaudit-Fingerprint"
NO_FIX = "no automatic fix (see `poolaudit explain {code}`)"


def _value(change: Change) -> str:
    return f"added {change.new}" if not change.old else f"{change.old} -> {change.new}"


def _where(change: Change) -> str:
    envs = [e for e in change.environments if e != "any"]
    where = f" [{', '.join(envs)}]" if envs else ""
    elsewhere = [s for s in change.settings if s[0] != change.path or s[1] != change.line]
    if elsewhere or len(change.settings) > 1:
        # One written value feeding several settings: name each one the edit changes.
        here = (change.path, change.line)
        where += "; used by " + ", ".join(
            key if (path, line) == here else f"{path}:{line} {key}" for path, line, key in change.settings
        )
    if "override added to" in change.reason:  # policy `fix_shared: override`: say where it went
        where += "; " + change.reason[change.reason.index("override added to") :]
    return where


def left(report: FixReport) -> list[tuple[Finding, str]]:
    """Every finding the run did not fix, with why: refused edits and rules without a fix."""
    reasons = {id(f): reason for f, reason in report.refused}
    out = []
    for finding in report.remaining:
        reason = reasons.get(id(finding))
        if reason is None:
            reason = NO_FIX.format(code=finding.code) if finding.fix_to is None else "not fixed"
        out.append((finding, reason))
    return out


def summary(report: FixReport, *, wrote: bool) -> str:
    """`changed a.yml:3 spring...maximum-pool-size 4 -> 10 (PA101)` lines, then what was left."""
    verb = "fixed" if wrote else "would fix"
    lines = [
        f"{verb} {c.path}:{c.line} {c.key} {_value(c)} ({c.code}){_where(c)}" for c in report.changes
    ]
    for finding, reason in left(report):
        lines.append(f"left  {finding.path}:{finding.line} {finding.code} {finding.name}: {reason}")
    files = len(report.new_texts)
    lines.append(
        f"poolaudit: {len(report.changes)} edit(s) in {files} file(s) {'written' if wrote else 'planned'}; "
        f"{len(left(report))} finding(s) left"
    )
    return mask_secrets("\n".join(lines)) + "\n"


def diff(report: FixReport) -> str:
    """Unified diffs (`--- a/path`, `+++ b/path`) of every changed file, in path order."""
    out: list[str] = []
    for path in sorted(report.new_texts):
        old, new = report.new_texts[path]
        out.append(unified(path, _text(old), _text(new)))
    return mask_secrets("".join(out))


def _text(data: bytes) -> str:
    return data.decode("utf-8-sig", "surrogateescape")


def unified(path: str, before: str, after: str) -> str:
    """A git-style unified diff; line endings as they are, `\\ No newline at end of file` kept."""
    old_lines, new_lines = split_lines(before), split_lines(after)
    body: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", n=3, lineterm=""):
        if line.startswith(("---", "+++", "@@")):
            body.append(line.rstrip("\r\n") + "\n")
        elif line.endswith(("\n", "\r")):
            body.append(line)
        else:
            body.append(line + "\n\\ No newline at end of file\n")
    return "".join(body)


# ---------------------------------------------------------------- fix branches


def _rule(change: Change) -> str:
    from poolaudit import rules

    names = []
    for code in change.code.split(", "):
        try:
            names.append(f"{code} {rules.get(code).NAME}")
        except KeyError:
            names.append(code)
    return ", ".join(names)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def subject(changes: list[Change]) -> str:
    """`poolaudit: raise N undersized connection pool(s)`; other fixes (a timeout lowered) are
    counted after it, so the subject never claims more raised pools than there are."""
    raised = sum(1 for c in changes if "PA101" in c.code.split(", "))
    others = len(changes) - raised
    if not raised:
        return f"poolaudit: fix {_plural(others, 'connection-pool setting')}"
    text = f"poolaudit: raise {raised} undersized connection pool{'' if raised == 1 else 's'}"
    return text + (f" and fix {_plural(others, 'other pool setting')}" if others else "")


def commit_message(changes: list[Change]) -> str:
    """Subject, one line per change (file, key, old → new, rule, environment, reason) and a
    `Poolaudit-Fingerprint:` trailer per fixed finding, so a later run recognises its work."""
    lines = [subject(changes), ""]
    for c in changes:
        envs = ", ".join(c.environments) or "any"
        old = c.old or "unset"
        why = f" (policy: {c.why})" if c.why else ""
        lines.append(f"- {c.path}: {c.key} {old} → {c.new} ({_rule(c)}; environment: {envs}): {c.reason}{why}")
    fingerprints = sorted({fp for c in changes for fp in c.fingerprints})
    if fingerprints:
        lines.append("")
        lines.extend(f"{TRAILER}: {fp}" for fp in fingerprints)
    return mask_secrets("\n".join(lines)) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _policy(policy: Any) -> str:
    """`default.yaml (shipped with poolaudit)`, or the policy files a repository points at."""
    if policy is None or isinstance(policy, str):
        return policy or ""
    from poolaudit.policy import presets_dir

    shipped = presets_dir().resolve()
    names = []
    for name in getattr(policy, "files", []):
        path = Path(name)
        names.append(f"`{path.name}` (shipped with poolaudit)" if path.resolve().parent == shipped else f"`{name}`")
    return ", extended by ".join(names)


def pr_body(changes: list[Change], left_over: list[tuple[Finding, str]], policy: Any = None) -> str:
    """The pull-request body: what was found, the policy, the changes per service and
    environment, how to verify, how to suppress."""
    count = len(changes)
    lines = [
        "## poolaudit: undersized connection pools",
        "",
        f"poolaudit found {count} connection-pool setting(s) outside the policy and changed the value "
        "where it is written. Each change is the smallest edit: only the numbers below changed.",
        "",
    ]
    described = _policy(policy)
    if described:
        lines += [f"**Policy:** {described}. Each row says why the policy asks for the value.", ""]
    by_service: dict[str, list[Change]] = defaultdict(list)
    for c in changes:
        by_service[", ".join(c.services) or "-"].append(c)
    lines += ["| Service | Environment | File | Setting | Old | New | Rule | Why |", "|---|---|---|---|---|---|---|---|"]
    for service in sorted(by_service):
        for c in by_service[service]:
            why = f"{c.reason}. {c.why[:1].upper()}{c.why[1:]}" if c.why else c.reason
            cells = [service, ", ".join(c.environments) or "any", f"`{c.path}:{c.line}`", f"`{c.key}`",
                     c.old or "unset", c.new, _rule(c), why]
            lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    if left_over:
        lines += ["", "### Left for a person", ""]
        lines += [f"- `{f.path}:{f.line}` {f.code} {f.name}: {_cell(reason)}" for f, reason in left_over]
    lines += [
        "",
        "### How to verify",
        "",
        "```sh",
        "poolaudit audit .        # the fixed pools no longer appear",
        "poolaudit fix --diff .   # prints nothing: there is nothing left to fix",
        "```",
        "",
        "### How to suppress",
        "",
        "If a pool is small on purpose, keep the old value and add a comment on its line (or the line "
        "before): `# poolaudit: ignore[PA101] reason`, or set an override for the service in the "
        "policy (`pools.overrides`). `poolaudit explain PA101` describes the rule.",
    ]
    return mask_secrets("\n".join(lines)) + "\n"


def branch_table(repos: list[RepoFix]) -> str:
    """The `--commit` summary: repository, branch, commit, changes, status (and why)."""
    rows = [("repository", "branch", "commit", "changes", "status")]
    for repo in repos:
        o = repo.outcome
        status = f"{o.status}: {o.reason}" if o.reason else o.status
        if o.pushed:
            status += " (pushed)"
        rows.append((str(o.repo), o.branch, (o.commit or "-")[:12], str(len(repo.changes)), status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:4], widths)) + "  " + r[4] for r in rows]
    return mask_secrets("\n".join(lines)) + "\n"
