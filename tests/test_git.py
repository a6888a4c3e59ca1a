"""The fix branch on real repositories: the person's checkout is untouched, the branch holds
exactly the fix, runs are idempotent, foreign work is left alone, and pushes carry a lease."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from poolaudit.errors import GitError
from poolaudit.git import (
    DEFAULT_BRANCH,
    BranchOutcome,
    base_files,
    commit_fix_branch,
    push,
    remote_head,
    repo_root,
)

# --- real repositories (helpers kept here: pytest runs with --import-mode=importlib) ----

def git(cwd: Path, *args: str, stdin: bytes | None = None) -> str:
    """Run git (the test environment is already cleaned by conftest) and return its stdout."""
    out = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    if out.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {out.stderr.decode()}")
    return out.stdout.decode("utf-8", "surrogateescape").strip()


def git_bytes(cwd: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True).stdout


def write(root: Path, files: dict[str, bytes | str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def init_repo(root: Path, files: dict[str, bytes | str] | None = None, *,
              commit: bool = True) -> Path:
    """A repository on `main`, with `files` committed in one commit (none if commit=False)."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "-c", "init.defaultBranch=main", "init", "-q")
    if files:
        write(root, files)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "--allow-empty", "-m", "initial")
    return root


def commit_all(root: Path, message: str) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD")


def sha(root: Path, rev: str) -> str | None:
    out = subprocess.run(["git", "rev-parse", "--verify", "--quiet", rev], cwd=root,
                         capture_output=True, check=False)
    return out.stdout.decode().strip() if out.returncode == 0 else None


def snapshot(root: Path) -> dict[str, object]:
    """Everything `fix --commit` promises not to touch, as comparable values."""
    tree = {
        str(p.relative_to(root)): (str(p.readlink()) if p.is_symlink() else p.read_bytes(),
                                   p.lstat().st_mode, p.lstat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if ".git" not in p.relative_to(root).parts and (p.is_file() or p.is_symlink())
    }
    return {
        "files": tree,
        "status": git(root, "status", "--porcelain=v1", "--untracked-files=all"),
        "diff": git_bytes(root, "diff"),
        "cached": git_bytes(root, "diff", "--cached"),
        "stash": git(root, "stash", "list", "--format=%H %s"),
        "branch": subprocess.run(["git", "symbolic-ref", "-q", "HEAD"], cwd=root,
                                 capture_output=True, check=False).stdout,
        "head": sha(root, "HEAD"),
        # Every ref but the fix branches, which are the point of the exercise.
        "refs": [line for line in git(root, "for-each-ref", "--format=%(refname) %(objectname)",
                                      "refs/heads", "refs/tags", "refs/stash").splitlines()
                 if not line.startswith("refs/heads/poolaudit/")],
    }


BRANCH = DEFAULT_BRANCH
APP = "config/application.yml"
OLD = b"spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 5\n"
NEW = b"spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 20\n"
ENV = ".env"
MESSAGE = (
    "poolaudit: raise 2 undersized connection pool(s)\n\n"
    "config/application.yml spring.datasource.hikari.maximum-pool-size 5 -> 20\n\n"
    "Poolaudit-Fingerprint: aaaa1111\n"
    "Poolaudit-Fingerprint: bbbb2222\n"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init_repo(tmp_path / "svc", {APP: OLD, ENV: b"DB_POOL=5\n", "README.md": "# svc\n"})


def fix(root: Path, files: dict[str, bytes] | None = None, message: str = MESSAGE,
        **kw: str | None) -> BranchOutcome:
    return commit_fix_branch(root, {APP: NEW} if files is None else files, message,
                             **kw)  # type: ignore[arg-type]


def parents(root: Path, rev: str) -> list[str]:
    return git(root, "rev-list", "--parents", "-n", "1", rev).split()[1:]


def touched(root: Path, rev: str) -> list[str]:
    return git(root, "show", "--name-only", "--format=", rev).splitlines()


# --- the person's checkout ---------------------------------------------------------------

def test_checkout_with_staged_unstaged_untracked_and_stash_is_untouched(repo: Path) -> None:
    write(repo, {"README.md": "# svc\nstashed\n"})
    git(repo, "stash", "-q")
    write(repo, {ENV: b"DB_POOL=7\n"})
    git(repo, "add", ENV)  # staged
    write(repo, {APP: OLD + b"# my unstaged edit in the very file being fixed\n"})  # unstaged
    write(repo, {"notes.txt": "untracked\n", "new/dir/x.yml": "a: 1\n"})  # untracked
    before, index = snapshot(repo), (repo / ".git" / "index").read_bytes()

    outcome = fix(repo)

    assert (repo / ".git" / "index").read_bytes() == index
    assert snapshot(repo) == before
    assert outcome.status == "created"
    # What was committed is the given content, not the person's dirty file.
    assert git_bytes(repo, "show", f"{BRANCH}:{APP}") == NEW


def test_branch_commit_holds_exactly_the_fix(repo: Path) -> None:
    head = sha(repo, "HEAD")
    outcome = fix(repo, {APP: NEW, ENV: b"DB_POOL=20\n"})

    assert outcome.commit == sha(repo, BRANCH)
    assert outcome.repo == repo and outcome.branch == BRANCH and outcome.reason == ""
    assert sorted(touched(repo, BRANCH)) == [ENV, APP]
    assert git_bytes(repo, "show", f"{BRANCH}:{APP}") == NEW
    assert git_bytes(repo, "show", f"{BRANCH}:{ENV}") == b"DB_POOL=20\n"
    assert git_bytes(repo, "show", f"{BRANCH}:README.md") == b"# svc\n"
    assert parents(repo, BRANCH) == [head]
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH) == (
        "Test Author <author@example.com>|Test Committer <committer@example.com>")
    body = git(repo, "log", "-1", "--format=%B", BRANCH)
    tree = git(repo, "rev-parse", f"{BRANCH}^{{tree}}")
    assert body == MESSAGE.rstrip("\n") + f"\nPoolaudit-Tree: {tree}"
    assert outcome.changes == 2  # one per Poolaudit-Fingerprint trailer


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        pytest.param("subject only", "subject only\n\nPoolaudit-Tree: {t}", id="subject-only"),
        pytest.param("s\n\nbody line\n", "s\n\nbody line\n\nPoolaudit-Tree: {t}",
                     id="body-no-trailers"),
        pytest.param("s\n\nKey: v\n", "s\n\nKey: v\nPoolaudit-Tree: {t}", id="joins-trailer-block"),
        pytest.param("s\n\nPoolaudit-Tree: forged\n", "s\n\nPoolaudit-Tree: {t}",
                     id="replaces-forged-marker"),
        pytest.param("s\n\nurl postgresql://app:hunter2@db:5432/app\n",
                     "s\n\nurl postgresql://app:****@db:5432/app\n\nPoolaudit-Tree: {t}",
                     id="password-masked"),
    ],
)
def test_commit_message(repo: Path, message: str, expected: str) -> None:
    outcome = fix(repo, message=message)
    tree = git(repo, "rev-parse", f"{BRANCH}^{{tree}}")
    assert git(repo, "log", "-1", "--format=%B", BRANCH) == expected.format(t=tree)
    assert outcome.changes == 1  # no fingerprint trailers: counts files


def test_changes_counts_the_given_trailer_key(repo: Path) -> None:
    message = "s\n\nX-Fix: 1\nX-Fix: 2\nx-fix: 3\nPoolaudit-Fingerprint: 4\n"
    assert fix(repo, message=message, trailer_key="X-Fix").changes == 3


def test_empty_message_is_an_error(repo: Path) -> None:
    with pytest.raises(GitError, match="message is empty"):
        fix(repo, message="  \n")
    assert sha(repo, BRANCH) is None


def test_file_mode_is_kept(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "r", {"bin/start.sh": "#!/bin/sh\nPOOL=5\n", APP: OLD})
    (root / "bin/start.sh").chmod(0o755)
    commit_all(root, "executable")
    fix(root, {"bin/start.sh": b"#!/bin/sh\nPOOL=20\n", APP: NEW})
    modes = {line.split("\t")[1]: line.split()[0] for line in
             git(root, "ls-tree", "-r", BRANCH).splitlines()}
    assert modes["bin/start.sh"] == "100755"
    assert modes[APP] == "100644"


def test_crlf_bytes_are_committed_exactly(tmp_path: Path) -> None:
    # text=auto and autocrlf would normalise line endings through filters; the fix must not.
    crlf = b"DB_POOL=5\r\nOTHER=1\r\n"
    root = init_repo(tmp_path / "r", {"win.env": crlf, "plain.env": b"DB_POOL=5\n"})
    write(root, {".gitattributes": "* text=auto\n"})
    commit_all(root, "attrs")
    git(root, "config", "core.autocrlf", "true")
    new = {"win.env": b"DB_POOL=20\r\nOTHER=1\r\n", "plain.env": b"DB_POOL=20\n"}
    fix(root, new)
    for path, content in new.items():
        assert git_bytes(root, "cat-file", "blob", f"{BRANCH}:{path}") == content


def test_unusual_path_names(tmp_path: Path) -> None:
    names = ["konfig/größe.yml", "with space/app.yml", "-dash.yml", "star*.yml"]
    root = init_repo(tmp_path / "r", {name: OLD for name in names} | {"starX.yml": OLD})
    outcome = fix(root, {name: NEW for name in names})
    assert outcome.status == "created"
    for name in names:
        assert git_bytes(root, "show", f"{BRANCH}:{name}") == NEW
    # The '*' is a name, not a glob: its neighbour is not touched.
    assert git_bytes(root, "show", f"{BRANCH}:starX.yml") == OLD


# --- idempotence and foreign work ----------------------------------------------------------

def test_second_run_is_up_to_date(repo: Path) -> None:
    first = fix(repo)
    second = fix(repo)
    assert (second.status, second.commit, second.changes) == ("up to date", first.commit, 2)
    assert sha(repo, BRANCH) == first.commit


def test_different_fix_replaces_the_commit_on_the_base(repo: Path) -> None:
    base = sha(repo, "HEAD")
    first = fix(repo)
    second = fix(repo, {APP: NEW.replace(b"20", b"30")})
    assert second.status == "updated"
    assert second.commit not in (None, first.commit)
    assert parents(repo, BRANCH) == [base]  # replaced, not stacked
    assert git_bytes(repo, "show", f"{BRANCH}:{APP}") == NEW.replace(b"20", b"30")


def test_new_base_rebuilds_the_branch(repo: Path) -> None:
    fix(repo)
    write(repo, {"README.md": "# svc\nmore\n"})
    new_base = commit_all(repo, "main moved on")
    outcome = fix(repo)
    assert outcome.status == "updated"
    assert parents(repo, BRANCH) == [new_base]
    assert touched(repo, BRANCH) == [APP]


def test_message_only_change_is_up_to_date(repo: Path) -> None:
    first = fix(repo)
    assert fix(repo, message="other words").commit == first.commit


def _foreign_on_top(root: Path) -> None:
    tree = git(root, "rev-parse", "HEAD^{tree}")
    top = git(root, "commit-tree", tree, "-p", BRANCH, "-m", "human tweak")
    git(root, "update-ref", f"refs/heads/{BRANCH}", top)


def _amended(root: Path) -> None:
    # Keeps our message (and its marker) but not our tree.
    msg = git(root, "log", "-1", "--format=%B", BRANCH)
    tree = git(root, "rev-parse", "HEAD^{tree}")
    new = git(root, "commit-tree", tree, "-p", "HEAD", stdin=msg.encode())
    git(root, "update-ref", f"refs/heads/{BRANCH}", new)


def _merge_of_main(root: Path) -> None:
    msg = git(root, "log", "-1", "--format=%B", BRANCH)
    tree = git(root, "rev-parse", f"{BRANCH}^{{tree}}")
    new = git(root, "commit-tree", tree, "-p", BRANCH, "-p", "HEAD", stdin=msg.encode())
    git(root, "update-ref", f"refs/heads/{BRANCH}", new)


def _human_branch(root: Path) -> None:
    git(root, "update-ref", "-d", f"refs/heads/{BRANCH}")
    git(root, "branch", BRANCH, "HEAD")


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(_foreign_on_top, id="commit-on-top"),
        pytest.param(_amended, id="amended-keeps-marker"),
        pytest.param(_merge_of_main, id="merge-commit"),
        pytest.param(_human_branch, id="branch-made-by-a-person"),
    ],
)
def test_foreign_head_is_left_alone(repo: Path, spoil: Callable[[Path], None]) -> None:
    fix(repo)
    spoil(repo)
    head = sha(repo, BRANCH)
    outcome = fix(repo, {APP: NEW.replace(b"20", b"40")})
    assert outcome.status == "skipped"
    assert "not made by poolaudit" in outcome.reason
    assert outcome.commit == head == sha(repo, BRANCH)


def test_checked_out_branch_is_not_moved(repo: Path) -> None:
    fix(repo)
    git(repo, "switch", "-q", BRANCH)
    head, before = sha(repo, BRANCH), snapshot(repo)
    outcome = fix(repo, {APP: NEW.replace(b"20", b"40")}, base="main")
    assert (outcome.status, outcome.commit) == ("skipped", head)
    assert "checked out" in outcome.reason
    assert snapshot(repo) == before
    # Nothing to move: a person reviewing the branch in their checkout sees "up to date".
    assert fix(repo, base="main").status == "up to date"
    assert snapshot(repo) == before


def test_branch_checked_out_in_linked_worktree_is_not_moved(repo: Path, tmp_path: Path) -> None:
    fix(repo)
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"), BRANCH)
    head = sha(repo, BRANCH)
    outcome = fix(repo, {APP: NEW.replace(b"20", b"40")})
    assert (outcome.status, outcome.commit) == ("skipped", head)


# --- refusals ------------------------------------------------------------------------------

@pytest.fixture
def odd_repo(tmp_path: Path) -> Path:
    root = init_repo(tmp_path / "odd", {APP: OLD, "dir/inner.yml": OLD})
    (root / "link.yml").symlink_to(APP)
    (root / "linkdir").symlink_to("dir")
    commit_all(root, "links")
    # A submodule entry (gitlink) pointing at the first commit.
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{sha(root, 'HEAD~1')},vendored")
    git(root, "commit", "-q", "-m", "submodule")
    write(root, {"untracked.yml": OLD})
    return root


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        pytest.param("../outside.yml", "not a path inside", id="dotdot"),
        pytest.param("/etc/passwd", "not a path inside", id="absolute"),
        pytest.param("dir/../config/application.yml", "not a path inside", id="dotdot-inside"),
        pytest.param("./config/application.yml", "not a path inside", id="dot"),
        pytest.param("config//application.yml", "not a path inside", id="empty-part"),
        pytest.param(".git/config", "inside .git", id="git-dir"),
        pytest.param("sub/.GIT/hooks/x", "inside .git", id="git-dir-case"),
        pytest.param("link.yml", "symbolic link", id="symlink"),
        pytest.param("linkdir/inner.yml", "not a regular tracked file", id="through-symlinked-dir"),
        pytest.param("untracked.yml", "not a regular tracked file", id="untracked"),
        pytest.param("missing.yml", "not a regular tracked file", id="missing"),
        pytest.param("dir", "not a regular tracked file", id="directory"),
        pytest.param("vendored", "not a regular tracked file", id="submodule"),
    ],
)
def test_refused_paths_create_no_branch(odd_repo: Path, path: str, reason: str) -> None:
    outcome = fix(odd_repo, {APP: NEW, path: NEW})
    assert outcome.status == "skipped"
    assert reason in outcome.reason
    assert outcome.commit is None and sha(odd_repo, BRANCH) is None


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        pytest.param({}, "nothing to fix", id="no-files"),
        pytest.param({APP: OLD}, "already has this content", id="same-as-base"),
    ],
)
def test_nothing_to_commit_makes_no_branch(repo: Path, files: dict[str, bytes],
                                          reason: str) -> None:
    outcome = fix(repo, files)
    assert (outcome.status, outcome.commit) == ("skipped", None)
    assert reason in outcome.reason
    assert sha(repo, BRANCH) is None


@pytest.mark.parametrize(
    "branch",
    [
        pytest.param("bad..name", id="dotdot"),
        pytest.param("-x", id="option-like"),
        pytest.param("has space", id="space"),
        pytest.param("ends.lock", id="lock"),
    ],
)
def test_invalid_branch_name(repo: Path, branch: str) -> None:
    with pytest.raises(GitError, match="not a valid branch name"):
        fix(repo, branch=branch)


def test_custom_branch_and_base(repo: Path) -> None:
    first = sha(repo, "HEAD")
    write(repo, {"README.md": "later\n"})
    commit_all(repo, "later")
    outcome = fix(repo, branch="ops/pools", base="HEAD~1")
    assert outcome.status == "created" and outcome.branch == "ops/pools"
    assert parents(repo, "ops/pools") == [first]
    assert git_bytes(repo, "show", "ops/pools:README.md") == b"# svc\n"


@pytest.mark.parametrize("base", ["nope", "--all", "HEAD~5"])
def test_unknown_base(repo: Path, base: str) -> None:
    with pytest.raises(GitError, match="is not a commit"):
        fix(repo, base=base)


# --- edge repositories -----------------------------------------------------------------------

def test_repository_without_commits(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "empty", {APP: OLD}, commit=False)
    with pytest.raises(GitError, match="has no commits yet; commit first or pass --base"):
        fix(root)


def test_detached_head(repo: Path) -> None:
    git(repo, "switch", "-q", "--detach", "HEAD")
    head = sha(repo, "HEAD")
    outcome = fix(repo)
    assert outcome.status == "created" and parents(repo, BRANCH) == [head]
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "HEAD"  # still detached


def test_shallow_clone(repo: Path, tmp_path: Path) -> None:
    write(repo, {"README.md": "two\n"})
    commit_all(repo, "second")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository") == "true"
    outcome = fix(clone)
    assert outcome.status == "created"
    assert parents(clone, BRANCH) == [sha(repo, "main")]


def test_missing_identity(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
                 "GIT_COMMITTER_EMAIL", "EMAIL", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    with pytest.raises(GitError) as err:
        fix(repo)
    for hint in ("git config user.name", "--author", "GIT_AUTHOR_NAME"):
        assert hint in str(err.value)
    assert sha(repo, BRANCH) is None
    # --author is enough, for author and committer.
    outcome = fix(repo, author="Pool Bot <bot@example.com>")
    assert outcome.status == "created"
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH) == (
        "Pool Bot <bot@example.com>|Pool Bot <bot@example.com>")


def test_author_only_env_serves_as_committer(repo: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("GIT_COMMITTER_NAME")
    monkeypatch.delenv("GIT_COMMITTER_EMAIL")
    fix(repo)
    committer = git(repo, "log", "-1", "--format=%cn <%ce>", BRANCH)
    assert committer == "Test Author <author@example.com>"


@pytest.mark.parametrize("author", ["nobody", "Name only <>", "<a@b>", "A <a@b> trailing"])
def test_malformed_author(repo: Path, author: str) -> None:
    with pytest.raises(GitError, match="Name <email>"):
        fix(repo, author=author)


def test_inherited_git_variables_are_ignored(repo: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # As inside a hook of another repository: GIT_DIR and GIT_INDEX_FILE point elsewhere.
    other = init_repo(tmp_path / "other", {"x": "y\n"})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    monkeypatch.setenv("GIT_WORK_TREE", str(other))
    outcome = fix(repo)
    for name in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        monkeypatch.delenv(name)
    assert outcome.status == "created" and sha(repo, BRANCH) == outcome.commit
    assert sha(other, BRANCH) is None


def test_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    assert repo_root(tmp_path / "plain") is None
    with pytest.raises(GitError, match="not inside a git work tree"):
        fix(tmp_path / "plain")


def test_repo_root_and_subdirectories(repo: Path) -> None:
    assert repo_root(repo / "config") == repo
    assert repo_root(repo / APP) == repo
    with pytest.raises(GitError, match="not the top of its repository"):
        fix(repo / "config")


def test_base_files_reads_committed_bytes(odd_repo: Path) -> None:
    write(odd_repo, {APP: b"dirty\n"})
    got = base_files(odd_repo, [APP, "link.yml", "untracked.yml", "../x", "dir"])
    assert got == {APP: OLD, "link.yml": None, "untracked.yml": None, "../x": None, "dir": None}
    assert base_files(odd_repo, []) == {}


# --- push ------------------------------------------------------------------------------------

@pytest.fixture
def remote(repo: Path, tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "-c", "init.defaultBranch=main", "init", "-q", "--bare", str(bare))
    git(repo, "remote", "add", "origin", str(bare))
    git(repo, "push", "-q", "origin", "main")
    return bare


def remote_refs(bare: Path) -> dict[str, str]:
    lines = git(bare, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    return dict(line.split() for line in lines)


def test_push_creates_then_updates_the_remote_branch(repo: Path, remote: Path) -> None:
    git(repo, "tag", "v1")
    git(repo, "branch", "unrelated")
    git(repo, "config", "push.followTags", "true")
    ref = f"refs/heads/{BRANCH}"

    seen = remote_head(repo, "origin", BRANCH)
    assert seen is None
    first = fix(repo, reuse=seen)
    push(repo, "origin", BRANCH, seen)
    assert remote_refs(remote) == {"refs/heads/main": sha(repo, "main"), ref: first.commit}

    seen = remote_head(repo, "origin", BRANCH)
    assert seen == first.commit
    second = fix(repo, {APP: NEW.replace(b"20", b"30")}, reuse=seen)
    assert second.status == "updated"
    push(repo, "origin", BRANCH, seen)
    assert remote_refs(remote) == {"refs/heads/main": sha(repo, "main"), ref: second.commit}

    # Pushing what the remote already has is a no-op.
    push(repo, "origin", BRANCH, remote_head(repo, "origin", BRANCH))


def test_fresh_clone_reuses_identical_remote_commit(repo: Path, remote: Path,
                                                   tmp_path: Path) -> None:
    first = fix(repo)
    push(repo, "origin", BRANCH, None)
    clone = tmp_path / "ci"
    git(tmp_path, "clone", "-q", "--single-branch", str(remote), str(clone))
    assert sha(clone, BRANCH) is None

    seen = remote_head(clone, "origin", BRANCH)
    outcome = fix(clone, reuse=seen)
    assert (outcome.status, outcome.commit) == ("up to date", first.commit)
    push(clone, "origin", BRANCH, seen)
    assert remote_refs(remote)[f"refs/heads/{BRANCH}"] == first.commit


def test_push_refused_when_remote_moved(repo: Path, remote: Path, tmp_path: Path) -> None:
    fix(repo)
    push(repo, "origin", BRANCH, None)
    stale = remote_head(repo, "origin", BRANCH)
    # Someone else's poolaudit run replaced the remote branch meanwhile.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    seen_by_them = remote_head(other, "origin", BRANCH)
    theirs = fix(other, {APP: NEW.replace(b"20", b"50")}, reuse=seen_by_them)
    push(other, "origin", BRANCH, remote_head(other, "origin", BRANCH))

    fix(repo, {APP: NEW.replace(b"20", b"30")}, reuse=stale)
    with pytest.raises(GitError, match="stale info|moved"):
        push(repo, "origin", BRANCH, stale)
    assert remote_refs(remote)[f"refs/heads/{BRANCH}"] == theirs.commit


def test_push_refused_when_remote_branch_exists_but_was_not_seen(repo: Path, remote: Path,
                                                                 tmp_path: Path) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    theirs = fix(other)
    push(other, "origin", BRANCH, None)
    fix(repo, {APP: NEW.replace(b"20", b"30")})
    with pytest.raises(GitError, match="stale info"):
        push(repo, "origin", BRANCH, None)
    assert remote_refs(remote)[f"refs/heads/{BRANCH}"] == theirs.commit


def test_push_never_replaces_a_foreign_remote_head(repo: Path, remote: Path,
                                                  tmp_path: Path) -> None:
    fix(repo)
    push(repo, "origin", BRANCH, None)
    # A person pushes a commit on top of ours, from another clone.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", "-b", BRANCH, str(remote), str(other))
    write(other, {"README.md": "reviewer tweak\n"})
    human = commit_all(other, "reviewer tweak")
    git(other, "push", "-q", "origin", BRANCH)

    seen = remote_head(repo, "origin", BRANCH)
    assert seen == human
    fix(repo, {APP: NEW.replace(b"20", b"30")}, reuse=seen)
    with pytest.raises(GitError, match="not made by poolaudit"):
        push(repo, "origin", BRANCH, seen)
    assert remote_refs(remote)[f"refs/heads/{BRANCH}"] == human


def test_push_refuses_a_local_branch_not_made_by_poolaudit(repo: Path, remote: Path) -> None:
    git(repo, "branch", BRANCH)
    with pytest.raises(GitError, match="not a poolaudit fix branch"):
        push(repo, "origin", BRANCH, None)
    assert f"refs/heads/{BRANCH}" not in remote_refs(remote)


def test_push_error_masks_url_password(repo: Path) -> None:
    fix(repo)
    git(repo, "remote", "add", "secret", "http://bot:hunter2@127.0.0.1:9/nothing.git")
    with pytest.raises(GitError) as err:
        push(repo, "secret", BRANCH, None)
    assert "hunter2" not in str(err.value)


@pytest.mark.parametrize("remote_name", ["", "--upload-pack=touch pwned"])
def test_push_rejects_option_like_remote(repo: Path, remote_name: str) -> None:
    fix(repo)
    with pytest.raises(GitError, match="not a remote"):
        push(repo, remote_name, BRANCH, None)
    assert not (repo / "pwned").exists()


def test_push_from_shallow_clone(repo: Path, remote: Path, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{remote}", str(clone))
    outcome = fix(clone)
    push(clone, "origin", BRANCH, remote_head(clone, "origin", BRANCH))
    assert remote_refs(remote)[f"refs/heads/{BRANCH}"] == outcome.commit

