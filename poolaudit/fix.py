"""The write side's core: findings -> planned edits -> spliced, verified texts -> written files.

`plan(result)` turns every fixable finding into one edit of the place where the effective
value is written (`Setting.origin`), or an insertion for a missing setting
(`Setting.insertion`); findings that share a place share one edit (poolaudit.edits makes
it).  Under the policy's `pools.fix_shared: override`, a value other environments share and
need unchanged is left, and the environment being fixed gets its own key (its insertion).  `apply(plan, write=...)` splices each file's edits (poolaudit.splice), verifies the new
text (poolaudit.verify) and writes it atomically (poolaudit.write) — or, with write=False,
only returns the new contents (for `--diff` and for `--commit`, poolaudit.branches, which
builds a commit from them).  A file gets all of its edits or none.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poolaudit import environments, splice

# Re-exported where callers import them from: `fix --commit` lives in poolaudit.branches, and
# Change beside the edit it describes.
from poolaudit.branches import RepoFix as RepoFix
from poolaudit.branches import commit_branches as commit_branches
from poolaudit.discover import kind_of
from poolaudit.edits import Change as Change
from poolaudit.edits import PlannedEdit, as_change, planned_edit
from poolaudit.errors import FixError
from poolaudit.model import Finding, Origin, Provenance, Result, Setting
from poolaudit.verify import VerifyError, verify, yaml_context
from poolaudit.write import Snapshot, WriteRefused, snapshot

COMPUTED = "cannot fix safely: value is computed"


@dataclass
class FilePlan:
    path: str  # as reported
    file: Path  # on disk
    rel: str  # inside its scanned root: what the source is given
    kind: str
    snap: Snapshot
    edits: list[PlannedEdit] = field(default_factory=list)


@dataclass
class FixPlan:
    files: list[FilePlan] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # every finding of the audit
    reasons: dict[int, str] = field(default_factory=dict)  # id(finding) -> the policy's reason


@dataclass
class FixReport:
    new_texts: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)  # path -> (old, new)
    files: dict[str, Path] = field(default_factory=dict)  # path -> file on disk
    changes: list[Change] = field(default_factory=list)
    refused: list[tuple[Finding, str]] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)  # findings this run did not fix


# The policy bound behind each fixing rule, for the reason the policy gives.
_BOUNDS = {"PA101": "min_size", "PA102": "max_size", "PA103": "require_acquire_timeout",
           "PA104": "acquire_timeout_max", "PA105": "min_overflow", "PA106": "require_recycle"}


def plan(result: Result, policy: Any = None) -> FixPlan:
    """An edit for every finding that has a fix (`fix_to`), grouped by the place it edits;
    with the policy, each change also carries the policy's reason for its bound."""
    conflicts: list[tuple[Finding, str]]
    findings, conflicts = list(result.findings), []
    if policy is not None and getattr(policy, "databases", None):
        # Database budgets shared by services (poolaudit/capacity): a raise stops where the budget
        # does, an overflow may be lowered to make room; a raise no value fits is refused.
        from poolaudit.capacity import budgeted

        findings, conflicts = budgeted(result, policy)
    fix_plan = FixPlan(findings=findings, refused=list(conflicts))
    if policy is not None:
        fix_plan.reasons = _policy_reasons(findings, policy)
    by_origin: dict[Origin, list[Setting]] = defaultdict(list)
    for known in result.settings:
        if known.origin is not None:
            by_origin[known.origin].append(known)
    override = getattr(getattr(policy, "pools", None), "fix_shared", "edit") == "override"
    fixing = {id(f.setting) for f in findings if f.setting is not None and f.fix_to is not None}
    groups: dict[tuple[object, ...], list[Finding]] = defaultdict(list)
    notes: dict[tuple[object, ...], str] = {}  # group -> what the report adds about where it went
    for finding in findings:
        setting = finding.setting
        if setting is None or finding.fix_to is None:
            continue
        reason = _unfixable(setting) or _test_origin(result, setting)
        if reason:
            fix_plan.refused.append((finding, reason))
            continue
        shared = _shared_with(setting, by_origin, fixing) if override else None
        if shared:
            # `fix_shared: override`: the value is also another environment's, which needs no
            # fix; leave it and give this environment its own key (a Rails section's override).
            assert setting.insertion is not None  # _shared_with said so
            where = setting.insertion
            group = ("insert", where.path, where.offset, where.template, setting.canonical, setting.pool)
            groups[group].append(finding)
            notes[group] = shared
        elif setting.origin is not None and setting.provenance is not Provenance.LIBRARY_DEFAULT:
            origin = setting.origin
            groups[("edit", origin.path, origin.span.start, origin.span.end)].append(finding)
        else:
            assert setting.insertion is not None  # _unfixable said so
            where = setting.insertion
            groups[("insert", where.path, where.offset, where.template, setting.canonical, setting.pool)].append(finding)
    files: dict[str, FilePlan] = {}
    for key, findings in groups.items():
        try:
            file_plan = files.get(str(key[1])) or _open(result, str(key[1]))
            files[file_plan.path] = file_plan
            planned = planned_edit(file_plan, key, findings, by_origin)
            planned.note = notes.get(key, "")
            file_plan.edits.append(planned)
        except FixError as exc:
            fix_plan.refused.extend((f, str(exc)) for f in findings)
    fix_plan.files = [f for f in files.values() if f.edits]
    return fix_plan


def _policy_reasons(findings: list[Finding], policy: Any) -> dict[int, str]:
    from poolaudit.policy import bounds

    reasons = {}
    for finding in findings:
        bound = _BOUNDS.get(finding.code)
        if bound and finding.setting is not None and finding.fix_to is not None:
            reasons[id(finding)] = " ".join(bounds(policy, finding.setting).reason(bound).split())
    return reasons


_ANCHOR = re.compile(r"inherited from ([^;]+)")


def _shared_with(setting: Setting, by_origin: dict[Origin, list[Setting]], fixing: set[int]) -> str | None:
    """"override added to production (default: is shared with development, test)" when the
    value `setting` inherits is also that of environments with nothing to fix and `setting`
    has a place of its own to be overridden (Setting.insertion); else None (edit the origin)."""
    if setting.origin is None or setting.insertion is None or setting.provenance is Provenance.LIBRARY_DEFAULT:
        return None
    # The anchor's own record ("any": no environment reads `default:` itself) does not count.
    others = sorted({
        s.environment for s in by_origin.get(setting.origin, [])
        if id(s) not in fixing and s.environment not in ("any", setting.environment)
    })
    if not others:
        return None
    anchor = _ANCHOR.search(setting.note or "")
    name = f"{anchor[1].strip()}:" if anchor else "the value"
    return f"override added to {setting.environment} ({name} is shared with {', '.join(others)})"


def _unfixable(setting: Setting) -> str | None:
    if setting.test_only:
        return "test-only configuration is not edited"
    if setting.migration_only:
        return "migration-only configuration is not edited"
    if setting.provenance is Provenance.LIBRARY_DEFAULT:
        return None if setting.insertion is not None else "cannot fix safely: no place to add the setting"
    if setting.origin is None:
        return COMPUTED
    return None


def _test_origin(result: Result, setting: Setting) -> str | None:
    """A production setting whose value comes from a test-only file is not fixed there."""
    origin = setting.origin
    if origin is None or origin.path == setting.path or setting.provenance is Provenance.LIBRARY_DEFAULT:
        return None
    if environments.from_path(locate(result, origin.path)[1]) == "test":
        return f"the value is set in test-only configuration ({origin.path}); not edited"
    return None


def _open(result: Result, path: str) -> FilePlan:
    file, rel = locate(result, path)
    kind = kind_of(file.name)
    if kind is None:
        raise FixError(f"cannot fix safely: no reader for {file.name}")
    try:
        snap = snapshot(file, kind)
    except (OSError, UnicodeDecodeError, SyntaxError) as exc:
        raise FixError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return FilePlan(path, file, rel, kind, snap)


def locate(result: Result, path: str) -> tuple[Path, str]:
    """The file on disk for a reported path, and the path inside its scanned root."""
    if len(result.roots) == 1:
        return Path(result.roots[0]) / path, path
    for root in result.roots:
        label = Path(root).as_posix().rstrip("/") + "/"
        if path.startswith(label):
            return Path(path), path[len(label) :]
    return Path(path), path


def apply(fix_plan: FixPlan, *, write: bool = True) -> FixReport:
    """Splice, verify and (with `write`) write every planned file; all edits of a file or none."""
    from poolaudit import write as writer

    report = FixReport(refused=list(fix_plan.refused))
    fixed: set[int] = set()
    for file_plan in fix_plan.files:
        try:
            problem = writer.problem(file_plan.file)  # known before any edit: --diff says so too
            if problem:
                raise WriteRefused(problem)
            new_bytes = _new_content(file_plan)
            if write and writer.write(file_plan.snap, new_bytes):
                report.written.append(file_plan.path)
        except (FixError, VerifyError, WriteRefused, OSError) as exc:
            reason = _reason(file_plan, exc)
            report.refused.extend((f, reason) for e in file_plan.edits for f in e.findings)
            continue
        if new_bytes != file_plan.snap.data:
            report.new_texts[file_plan.path] = (file_plan.snap.data, new_bytes)
            report.files[file_plan.path] = file_plan.file
        for planned in file_plan.edits:
            report.changes.append(as_change(planned, fix_plan.reasons))
            fixed.update(id(f) for f in planned.findings)
    report.remaining = [f for f in fix_plan.findings if id(f) not in fixed]
    return report


def _new_content(file_plan: FilePlan) -> bytes:
    before = file_plan.snap.text
    after = splice.apply(before, [e.edit for e in file_plan.edits])
    try:
        verify(file_plan.kind, file_plan.rel, before, after, [e.expect for e in file_plan.edits])
    except VerifyError:
        raise
    except Exception as exc:  # a reader that trips over the edited text: refuse, never write
        raise VerifyError(f"the edited file could not be checked ({type(exc).__name__}: {exc})") from exc
    try:
        return file_plan.snap.encode(after)
    except UnicodeEncodeError as exc:
        raise FixError(f"cannot fix safely: the new text is not encodable as {file_plan.snap.encoding}") from exc


def _reason(file_plan: FilePlan, exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, VerifyError):
        if file_plan.kind == "yaml" and not text.startswith("alias"):
            context = yaml_context(file_plan.snap.text, [e.edit.start for e in file_plan.edits])
            text = f"{context} ({text})" if context else text
        return text if text.startswith("cannot fix safely") else f"cannot fix safely: {text}"
    if isinstance(exc, WriteRefused):
        return f"not written: {text}"
    if isinstance(exc, OSError):
        return f"not written: {exc.strerror or exc}"
    return text


def run(result: Result, policy: Any = None, *, write: bool = True) -> FixReport:
    """plan + apply."""
    return apply(plan(result, policy), write=write)
