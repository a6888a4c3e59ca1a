"""`poolaudit fix --commit` end to end on real git repositories in temporary folders: the
person's checkout is untouched, the branch holds exactly the expected diff and message, a
second run is up to date, a policy change updates it, `--push` reaches a bare remote."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit.cli import app

BRANCH = "poolaudit/raise-undersized-pools"
runner = CliRunner()


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return out.stdout


def make_repo(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_bytes(text.encode())
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def checkout_state(repo: Path) -> tuple[str, ...]:
    files = sorted(p for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    return (
        git(repo, "symbolic-ref", "HEAD"),
        git(repo, "rev-parse", "HEAD"),
        git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
        git(repo, "diff"),
        git(repo, "diff", "--cached"),
        git(repo, "stash", "list"),
        *(f"{p.relative_to(repo)}={p.read_bytes()!r}" for p in files),
    )


FILES = {
    ".env": "DB_POOL_SIZE=3\n",
    "config.toml": "[database]\npool_size = 4\npool_timeout = 30\n",
    "README.md": "# svc\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path / "svc", FILES)
    # The person's uncommitted work: an unstaged edit, a staged edit, an untracked file.
    (repo / ".env").write_bytes(b"DB_POOL_SIZE=3\nLOCAL_ONLY=1\n")
    (repo / "config.toml").write_bytes(b"[database]\npool_size = 4\npool_timeout = 30\n# staged\n")
    git(repo, "add", "config.toml")
    (repo / "notes.txt").write_bytes(b"untracked\n")
    return repo


def test_commit_builds_the_branch_from_the_base_and_leaves_the_checkout_alone(repo: Path, tmp_path: Path) -> None:
    before = checkout_state(repo)
    body = tmp_path / "pr.md"
    result = runner.invoke(app, ["fix", "--commit", "--pr-body", str(body), str(repo)])
    assert result.exit_code == 1, result.output
    assert checkout_state(repo) == before

    head = git(repo, "rev-parse", BRANCH).strip()
    assert git(repo, "rev-parse", f"{BRANCH}^").strip() == git(repo, "rev-parse", "main").strip()
    assert git(repo, "diff", "main", BRANCH) == (
        "diff --git a/.env b/.env\n"
        "index 4b9135b..19405c4 100644\n"
        "--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-DB_POOL_SIZE=3\n+DB_POOL_SIZE=10\n"
        "diff --git a/config.toml b/config.toml\n"
        "index cdd9f76..93141f6 100644\n"
        "--- a/config.toml\n+++ b/config.toml\n@@ -1,3 +1,3 @@\n [database]\n-pool_size = 4\n+pool_size = 10\n pool_timeout = 30\n"
    )
    message = git(repo, "log", "-1", "--format=%B", BRANCH)
    lines = message.splitlines()
    assert lines[0] == "poolaudit: raise 2 undersized connection pools"
    assert lines[1] == ""
    assert lines[2].startswith("- .env: DB_POOL_SIZE 3 → 10 (PA101 pool-undersized; environment: any): DB_POOL_SIZE is 3;")
    assert lines[3].startswith("- config.toml: database.pool_size 4 → 10 (PA101 pool-undersized; environment: any): ")
    assert "policy: HikariCP sizing formula" in lines[2]
    assert sum(1 for line in lines if line.startswith("Poolaudit-Fingerprint: ")) == 2
    assert git(repo, "log", "-1", "--format=%an <%ae>", BRANCH).strip() == "Test Author <author@example.com>"

    table = result.stdout.splitlines()
    assert table[0].split() == ["repository", "branch", "commit", "changes", "status"]
    assert table[1].split() == [str(repo), BRANCH, head[:12], "2", "created"]

    text = body.read_text()
    assert "| svc | any | `.env:1` | `DB_POOL_SIZE` | 3 | 10 | PA101 pool-undersized |" in text
    assert "### How to verify" in text and "### How to suppress" in text

    again = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert again.stdout.splitlines()[1].split()[-3:] == [head[:12], "2", "up to date"] or "up to date" in again.stdout
    assert git(repo, "rev-parse", BRANCH).strip() == head
    assert checkout_state(repo) == before


def test_a_policy_change_updates_the_branch(repo: Path, tmp_path: Path) -> None:
    runner.invoke(app, ["fix", "--commit", str(repo)])
    first = git(repo, "rev-parse", BRANCH).strip()
    policy = tmp_path / "policy.yaml"
    policy.write_text("pools:\n  environments:\n    production:\n      min_size: 4\n      recommended_size: 8\n")
    result = runner.invoke(app, ["fix", "--commit", "--policy", str(policy), str(repo)])
    assert "updated" in result.stdout, result.output
    second = git(repo, "rev-parse", BRANCH).strip()
    assert second != first
    assert git(repo, "rev-parse", f"{BRANCH}^").strip() == git(repo, "rev-parse", "main").strip()  # replaced, not stacked
    assert git(repo, "show", f"{BRANCH}:.env") == "DB_POOL_SIZE=8\n"
    assert git(repo, "diff", "--name-only", "main", BRANCH) == ".env\n"  # pool_size = 4 now meets the minimum


def test_nothing_to_fix_makes_no_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ok", {".env": "DB_POOL_SIZE=20\n"})
    result = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert result.exit_code == 0, result.output
    assert "nothing to fix" in result.stdout
    assert git(repo, "branch", "--list", BRANCH) == ""


def test_uncommitted_problems_are_not_committed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "ok", {".env": "DB_POOL_SIZE=20\n"})
    (repo / ".env").write_bytes(b"DB_POOL_SIZE=2\n")  # only in the working tree
    (repo / "config.toml").write_bytes(b"[database]\npool_size = 1\n")  # untracked
    result = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert "nothing to fix" in result.stdout, result.output
    assert git(repo, "branch", "--list", BRANCH) == ""
    assert (repo / ".env").read_bytes() == b"DB_POOL_SIZE=2\n"


def test_a_subfolder_of_a_monorepo_and_a_second_repository(tmp_path: Path) -> None:
    mono = make_repo(tmp_path / "mono", {"services/a/pyproject.toml": "[project]\nname='a'\n",
                                        "services/a/.env": "DB_POOL_SIZE=2\n",
                                        "services/b/.env": "DB_POOL_SIZE=1\n"})
    other = make_repo(tmp_path / "other", {"config.toml": "[database]\npool_size = 3\npool_timeout = 30\n"})
    result = runner.invoke(app, ["fix", "--commit", "--branch", "fix/pools", str(mono / "services" / "a"), str(other)])
    assert result.exit_code == 1, result.output
    assert git(mono, "diff", "--name-only", "main", "fix/pools") == "services/a/.env\n"
    assert git(other, "diff", "--name-only", "main", "fix/pools") == "config.toml\n"
    assert len(result.stdout.splitlines()) == 3


def test_push_creates_then_updates_the_remote_branch(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "origin", "main")
    first = runner.invoke(app, ["fix", "--commit", "--push", "origin", str(repo)])
    assert "(pushed)" in first.stdout, first.output
    assert git(remote, "rev-parse", BRANCH) == git(repo, "rev-parse", BRANCH)
    policy = tmp_path / "policy.yaml"
    policy.write_text("pools:\n  environments:\n    production:\n      min_size: 4\n      recommended_size: 8\n")
    second = runner.invoke(app, ["fix", "--commit", "--push", "origin", "--policy", str(policy), str(repo)])
    assert "updated" in second.stdout and "(pushed)" in second.stdout, second.output
    assert git(remote, "show", f"{BRANCH}:.env") == "DB_POOL_SIZE=8\n"
    assert sorted(git(remote, "for-each-ref", "--format=%(refname)").split()) == ["refs/heads/main", f"refs/heads/{BRANCH}"]


def test_missing_identity_is_a_clear_error(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    git(repo, "config", "--unset", "user.name") if "user.name" in git(repo, "config", "--list", "--local") else None
    result = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert result.exit_code == 2
    assert "git config user.email" in result.stdout or "--author" in result.stdout
    assert git(repo, "branch", "--list", BRANCH) == ""
    ok = runner.invoke(app, ["fix", "--commit", "--author", "Bot <bot@example.com>", str(repo)])
    assert "created" in ok.stdout, ok.output
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH).strip() == "Bot <bot@example.com>|Bot <bot@example.com>"


def test_a_folder_outside_git_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / ".env").write_bytes(b"DB_POOL_SIZE=2\n")
    result = runner.invoke(app, ["fix", "--commit", str(folder)])
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stdout
    assert (folder / ".env").read_bytes() == b"DB_POOL_SIZE=2\n"


def test_a_repository_without_commits_is_a_clear_outcome(tmp_path: Path) -> None:
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".env").write_bytes(b"DB_POOL_SIZE=2\n")
    result = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert result.exit_code == 2
    assert "no commits yet" in result.stdout
    assert (repo / ".env").read_bytes() == b"DB_POOL_SIZE=2\n"


def test_a_detached_head_stays_detached(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "svc", FILES)
    git(repo, "checkout", "-q", "--detach")
    head = git(repo, "rev-parse", "HEAD")
    result = runner.invoke(app, ["fix", "--commit", str(repo)])
    assert "created" in result.stdout, result.output
    assert git(repo, "rev-parse", "HEAD") == head
    assert subprocess.run(["git", "symbolic-ref", "-q", "HEAD"], cwd=repo).returncode == 1  # still detached
    assert git(repo, "rev-parse", f"{BRANCH}^") == head


def test_a_shallow_clone(tmp_path: Path) -> None:
    origin = make_repo(tmp_path / "origin", FILES)
    (origin / "README.md").write_bytes(b"# svc\nmore\n")
    git(origin, "commit", "-q", "-am", "second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True)
    result = runner.invoke(app, ["fix", "--commit", str(clone)])
    assert "created" in result.stdout, result.output
    assert git(clone, "show", f"{BRANCH}:.env") == "DB_POOL_SIZE=10\n"


def test_base_option_builds_from_another_commit(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "svc", FILES)
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / ".env").write_bytes(b"DB_POOL_SIZE=30\n")
    git(repo, "commit", "-q", "-am", "raise by hand")
    result = runner.invoke(app, ["fix", "--commit", "--base", first, str(repo)])
    assert "created" in result.stdout, result.output
    assert git(repo, "rev-parse", f"{BRANCH}^").strip() == first
    assert git(repo, "show", f"{BRANCH}:.env") == "DB_POOL_SIZE=10\n"  # from the base, not from HEAD
