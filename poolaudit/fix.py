"""The write side's core: findings -> planned edits -> spliced, verified texts -> written files.

`plan(result)` turns every fixable finding into one edit of the place where the effective
value is written (`Setting.origin`), or an insertion for a missing setting
(`Setting.insertion`); findings that share a place share one edit.  `apply(plan, write=...)`
splices each file's edits, verifies the new text (poolaudit.verify) and writes it atomically
(poolaudit.write) — or, with write=False, only returns the new contents (for `--diff` and for
`--commit`, which builds a commit from them).  A file gets all of its edits or none.
`commit_branches` is `--commit`: the same plan and apply over each repository's files as
committed at the base, handed to poolaudit.git for a fix branch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poolaudit import environments, splice
from poolaudit.discover import kind_of
from poolaudit.errors import FixError
from poolaudit.model import Finding, Origin, Provenance, Result, Setting, Value
from poolaudit.splice import Edit
from poolaudit.verify import Expect, VerifyError, verify, yaml_context
from poolaudit.write import Snapshot, WriteRefused, snapshot

COMPUTED = "cannot fix safely: value is computed"


@dataclass
class PlannedEdit:
    path: str  # the edited file, as the audit reports paths
    edit: Edit
    old: str  # the text replaced ("" for an insertion)
    new: str  # the new value as written
    value: Value  # the new value in canonical units
    line: int
    findings: list[Finding]
    settings: list[Setting]  # every setting whose effective value this edit changes
    expect: Expect


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


@dataclass(frozen=True)
class Change:
    """One edit, as a person reads it in the report, the commit message and the PR body."""

    path: str  # the edited file
    key: str
    old: str  # "" when the setting was added
    new: str
    code: str  # the rule(s): "PA101" or "PA101, PA103"
    environments: tuple[str, ...]
    reason: str  # the finding's message
    line: int = 0
    services: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    settings: tuple[tuple[str, int, str], ...] = ()  # (path, line, key) of every setting changed
    why: str = ""  # the policy's reason for the bound, when it gives one


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
    findings, conflicts = list(result.findings), []
    if policy is not None and getattr(policy, "databases", None):
        # Database budgets shared by services (poolaudit/capacity): a raise stops where the budget
        # does, an overflow may be lowered to make room; a raise no value fits is refused.
        from poolaudit.capacity import budgeted

        findings, conflicts = budgeted(result, policy)
    fix_plan = FixPlan(findings=findings, refused=list(conflicts))
    if policy is not None:
        fix_plan.reasons = _policy_reasons(findings, policy)
    groups: dict[tuple[object, ...], list[Finding]] = defaultdict(list)
    for finding in findings:
        setting = finding.setting
        if setting is None or finding.fix_to is None:
            continue
        reason = _unfixable(setting) or _test_origin(result, setting)
        if reason:
            fix_plan.refused.append((finding, reason))
            continue
        if setting.origin is not None and setting.provenance is not Provenance.LIBRARY_DEFAULT:
            origin = setting.origin
            groups[("edit", origin.path, origin.span.start, origin.span.end)].append(finding)
        else:
            assert setting.insertion is not None  # _unfixable said so
            where = setting.insertion
            groups[("insert", where.path, where.offset, where.template, setting.canonical, setting.pool)].append(finding)
    by_origin: dict[Origin, list[Setting]] = defaultdict(list)
    for setting in result.settings:
        if setting.origin is not None:
            by_origin[setting.origin].append(setting)
    files: dict[str, FilePlan] = {}
    for key, findings in groups.items():
        try:
            file_plan = files.get(str(key[1])) or _open(result, str(key[1]))
            files[file_plan.path] = file_plan
            file_plan.edits.append(_edit(file_plan, key, findings, by_origin))
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


def _edit(
    file_plan: FilePlan, key: tuple[object, ...], findings: list[Finding], by_origin: dict[Origin, list[Setting]]
) -> PlannedEdit:
    first = findings[0].setting
    assert first is not None
    value = _agreed(findings)
    text = file_plan.snap.text
    if key[0] == "edit":
        start, end = int(str(key[2])), int(str(key[3]))
        if end > len(text):
            raise FixError("cannot fix safely: the file changed since it was audited")
        old = text[start:end]
        _still(old, text[end : end + 16], first)
        new = splice.spell(old, text[end : end + 16], first.unit, value)
        edit = Edit(start, end, new)
        origin = first.origin
        assert origin is not None
        affected = by_origin.get(origin) or [f.setting for f in findings if f.setting]
        if len({s.unit or "s" for s in affected}) > 1:
            raise FixError("cannot fix safely: one value is read in different units (seconds and milliseconds)")
        line = origin.line
        targets = frozenset(
            (s.key, s.canonical, s.pool, s.line, s.column) for s in affected if s.path == file_plan.path
        )
        expect = Expect(edit, old, value, splice.as_written(new), first.canonical, first.pool, (), new, targets)
    else:
        assert first.insertion is not None
        new = splice.spell("", "", first.unit, value, python=file_plan.kind == "python")
        inserted = first.insertion.template.replace("{value}", new)
        edit = Edit(first.insertion.offset, first.insertion.offset, inserted)
        affected = [f.setting for f in findings if f.setting]
        line = first.line
        keys = tuple(splice.words(first.insertion.template))
        expect = Expect(edit, "", value, splice.as_written(new), first.canonical, first.pool, keys, new)
        old = ""
    return PlannedEdit(file_plan.path, edit, old, new, value, line, findings, affected, expect)


def _agreed(findings: list[Finding]) -> Value:
    """The one value for settings that share a place: raised (or lowered) far enough for all."""
    values = [f.fix_to for f in findings]
    if len({f.setting.canonical for f in findings if f.setting}) > 1:
        raise FixError("cannot fix safely: one value feeds settings of different kinds")

    if all(isinstance(v, bool) for v in values):
        if len(set(values)) > 1:
            raise FixError("cannot fix safely: the settings sharing this value need different values")
        return values[0]
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    current = [_current(f.setting) for f in findings if f.setting]
    raise_ = [n for n, c in zip(numbers, current) if c is None or n >= c]
    if len(raise_) == len(numbers):
        return max(numbers)
    if not raise_:
        return min(numbers)
    raise FixError("cannot fix safely: the settings sharing this value need it both raised and lowered")


def _current(setting: Setting) -> Value:
    return setting.value if setting.value is not None else setting.written


def _still(old: str, after: str, setting: Setting) -> None:
    """The text at the origin still holds the audited value (else the file changed since)."""
    held = splice.read(old, after, setting.unit)
    if held is None:
        raise FixError(f"cannot fix safely: {old!r} is not a value this fix can rewrite")
    expected = {setting.written, setting.value} - {None}
    raw = splice.as_written(old)
    if expected and not any(splice.same(held, e) or splice.same(raw, e) for e in expected):
        raise FixError("cannot fix safely: the file changed since it was audited")


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
            report.changes.append(_change(planned, fix_plan.reasons))
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


def _change(planned: PlannedEdit, reasons: dict[int, str]) -> Change:
    first = planned.findings[0]
    setting = first.setting
    assert setting is not None
    key = setting.key
    if setting.origin is not None and setting.origin.path != setting.path:
        key = setting.env_var or setting.ref or setting.key  # the edit is where the variable is set
    codes = sorted({f.code for f in planned.findings})
    environments = sorted({s.environment for s in planned.settings})
    return Change(
        path=planned.path,
        key=key,
        old=planned.old,
        new=planned.new,
        code=", ".join(codes),
        environments=tuple(environments),
        reason=first.message,
        line=planned.line,
        services=tuple(sorted({s.service for s in planned.settings if s.service})),
        fingerprints=tuple(f.fingerprint for f in planned.findings if f.fingerprint),
        settings=tuple((s.path, s.line, s.key) for s in planned.settings),
        why=next((reasons[id(f)] for f in planned.findings if reasons.get(id(f))), ""),
    )


def run(result: Result, policy: Any = None, *, write: bool = True) -> FixReport:
    """plan + apply."""
    return apply(plan(result, policy), write=write)


# ---------------------------------------------------------------- fix branches (--commit)


@dataclass
class RepoFix:
    """One repository's fix branch: the git outcome and the changes it holds."""

    outcome: Any  # git.BranchOutcome
    changes: list[Change] = field(default_factory=list)
    left: list[tuple[Finding, str]] = field(default_factory=list)
    error: bool = False  # the outcome is an error (no identity, no commits ...), not a decision


def commit_branches(
    paths: list[Path],
    policy: Any,
    options: Any = None,
    *,
    branch: str | None = None,
    base: str = "HEAD",
    remote: str | None = None,
    author: str | None = None,
) -> list[RepoFix]:
    """For each git repository among `paths`: audit its files as committed at `base` (never the
    working tree), make the verified edits, and commit them on `branch` (git.commit_fix_branch);
    with `remote`, push the branch with a lease on the remote head seen before."""
    from poolaudit import git
    from poolaudit.errors import GitError

    branch = branch or git.DEFAULT_BRANCH
    repos: dict[Path, list[str]] = {}
    done: list[RepoFix] = []
    for path in paths:
        root = git.repo_root(path.absolute())
        if root is None:
            outcome = git.BranchOutcome(path, branch, None, "skipped", "not inside a git repository")
            done.append(RepoFix(outcome, error=True))
            continue
        folder = path if path.is_dir() else path.parent  # a file stands for its folder here
        sub = folder.absolute().resolve().relative_to(root.resolve()).as_posix()
        repos.setdefault(root, []).append("" if sub == "." else sub)
    for root, subs in repos.items():
        try:
            done.append(_commit_repo(root, subs, policy, options, branch, base, remote, author))
        except GitError as exc:
            done.append(RepoFix(git.BranchOutcome(root, branch, None, "skipped", str(exc)), error=True))
    return done


def _commit_repo(
    root: Path, subs: list[str], policy: Any, options: Any, branch: str, base: str, remote: str | None, author: str | None
) -> RepoFix:
    import dataclasses
    import tempfile

    from poolaudit import changelog, git
    from poolaudit.audit import audit

    with tempfile.TemporaryDirectory(prefix="poolaudit-base-") as tmp:
        # The base commit's files, in a folder named like the repository (service names derive
        # from folder names), so the edits are computed from what is committed.
        top = Path(tmp) / root.name
        _export(root, subs, base, top)
        result = audit([top / sub if sub else top for sub in subs], policy, options)
        report = apply(plan(result, policy), write=False)

        def repo_path(path: str) -> str:
            file, _ = locate(result, path)
            try:
                return file.relative_to(top).as_posix()
            except ValueError:
                return path

    files = {repo_path(p): new for p, (_, new) in report.new_texts.items()}
    changes = [
        dataclasses.replace(
            c, path=repo_path(c.path), settings=tuple((repo_path(p), n, k) for p, n, k in c.settings)
        )
        for c in report.changes
    ]
    left = [(dataclasses.replace(f, path=repo_path(f.path)), why) for f, why in changelog.left(report)]
    seen = git.remote_head(root, remote, branch) if remote and files else None
    outcome = git.commit_fix_branch(
        root, files, changelog.commit_message(changes), branch=branch, base=base, author=author, reuse=seen
    )
    if remote and outcome.commit and outcome.status != "skipped" and outcome.commit != seen:
        git.push(root, remote, branch, seen)
        outcome.pushed = True
    return RepoFix(outcome, changes, left)


def _export(root: Path, subs: list[str], base: str, top: Path) -> None:
    """Write the files the audit reads (and the service manifests around them) as committed at
    `base` into `top`; files not committed there (untracked, links) are left out."""
    from poolaudit import git
    from poolaudit.discover import MANIFESTS, discover

    wanted: set[str] = set()
    for sub in subs:
        prefix = f"{sub}/" if sub else ""
        found = discover(root / sub if sub else root)
        refs = found[0] if isinstance(found, tuple) else found  # (refs, manifest folders)
        wanted.update(prefix + ref.rel for ref in refs)
    folders = {rel.rpartition("/")[0] for rel in wanted}
    for folder in list(folders):
        while folder:
            folder = folder.rpartition("/")[0]
            folders.add(folder)
    for folder in folders:
        # Service names come from manifests (Gemfile, package.json ...) around the files.
        here = root / folder if folder else root
        wanted.update(f"{folder}/{m}" if folder else m for m in MANIFESTS if (here / m).is_file())
    for rel, data in git.base_files(root, sorted(wanted), base).items():
        if data is None:
            continue
        target = top / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for sub in subs:
        (top / sub).mkdir(parents=True, exist_ok=True)
