"""`fix --commit`: for each git repository, its files as committed at the base are exported
into a temporary folder, audited there and fixed without writing (poolaudit.fix); the new
contents are committed on a fix branch (git.commit_fix_branch), and with a remote the branch
is pushed with a lease on the remote head seen before.  The working tree is never touched.
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from poolaudit.edits import Change
from poolaudit.model import Finding


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
    # poolaudit.fix re-exports this module's names, so it is imported here, not above.
    from poolaudit import changelog, git
    from poolaudit.audit import audit
    from poolaudit.fix import apply, locate, plan

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
    from poolaudit.capacity.services import EXTRA_FILES
    from poolaudit.discover import MANIFESTS, discover

    wanted: set[str] = set()
    for sub in subs:
        prefix = f"{sub}/" if sub else ""
        wanted.update(prefix + ref.rel for ref in discover(root / sub if sub else root).refs)
    folders = {rel.rpartition("/")[0] for rel in wanted}
    for folder in list(folders):
        while folder:
            folder = folder.rpartition("/")[0]
            folders.add(folder)
    # Service names come from manifests (Gemfile, package.json ...) around the files, and the
    # capacity rules read worker counts from Dockerfiles, Procfiles and puma configs.
    around = (*MANIFESTS, *EXTRA_FILES)
    for folder in folders:
        here = root / folder if folder else root
        wanted.update(f"{folder}/{m}" if folder else m for m in around if (here / m).is_file())
    for rel, data in git.base_files(root, sorted(wanted), base).items():
        if data is None:
            continue
        target = top / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for sub in subs:
        (top / sub).mkdir(parents=True, exist_ok=True)
