"""`poolaudit fix` as a user runs it: what it prints, what it writes, and its exit status."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from poolaudit.cli import app

from .conftest import make_tree, tree_bytes

runner = CliRunner()


def test_nothing_to_do_exits_0_and_writes_nothing(service: Path) -> None:
    make_tree(service, {".env": "DB_POOL_SIZE=20\n"})
    before = tree_bytes(service)
    result = runner.invoke(app, ["fix", str(service)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "poolaudit: 0 edit(s) in 0 file(s) written; 0 finding(s) left\n"
    assert tree_bytes(service) == before


def test_prints_each_change_and_exits_1(service: Path) -> None:
    make_tree(service, {".env": "DB_POOL_SIZE=3\n", "config.toml": "[database]\npool_size = 4\npool_timeout = 60\n"})
    result = runner.invoke(app, ["fix", str(service)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "fixed .env:1 DB_POOL_SIZE 3 -> 10 (PA101)",
        "fixed config.toml:2 database.pool_size 4 -> 10 (PA101)",
        "fixed config.toml:3 database.pool_timeout 60 -> 30 (PA104)",
        "poolaudit: 3 edit(s) in 2 file(s) written; 0 finding(s) left",
    ]
    assert (service / "config.toml").read_bytes() == b"[database]\npool_size = 10\npool_timeout = 30\n"


def test_exit_zero_even_if_changed(service: Path) -> None:
    make_tree(service, {".env": "DB_POOL_SIZE=3\n"})
    result = runner.invoke(app, ["fix", "--exit-zero-even-if-changed", str(service)])
    assert result.exit_code == 0
    assert (service / ".env").read_bytes() == b"DB_POOL_SIZE=10\n"


def test_violations_left_exit_1_even_with_exit_zero_even_if_changed(service: Path) -> None:
    path = make_tree(service, {".env": "DB_POOL_SIZE=3\n"}) / ".env"
    path.chmod(0o444)
    result = runner.invoke(app, ["fix", "--exit-zero-even-if-changed", str(service)])
    assert result.exit_code == 1
    assert "left  .env:1 PA101 pool-undersized: not written: read-only file" in result.stdout
    assert path.read_bytes() == b"DB_POOL_SIZE=3\n"


def test_diff_goes_to_stdout_and_the_account_to_stderr(service: Path) -> None:
    make_tree(service, {".env": "DB_POOL_SIZE=3\n"})
    result = runner.invoke(app, ["fix", "--diff", str(service)])
    assert result.exit_code == 1
    assert result.stdout == "--- a/.env\n+++ b/.env\n@@ -1 +1 @@\n-DB_POOL_SIZE=3\n+DB_POOL_SIZE=10\n"
    assert result.stderr.splitlines() == [
        "would fix .env:1 DB_POOL_SIZE 3 -> 10 (PA101)",
        "poolaudit: 1 edit(s) in 1 file(s) planned; 0 finding(s) left",
    ]
    assert (service / ".env").read_bytes() == b"DB_POOL_SIZE=3\n"


def test_diff_of_a_file_without_trailing_newline(service: Path) -> None:
    make_tree(service, {".env": "A=1\nDB_POOL_SIZE=3"})
    result = runner.invoke(app, ["fix", "--diff", str(service)])
    assert result.stdout == (
        "--- a/.env\n+++ b/.env\n@@ -1,2 +1,2 @@\n A=1\n-DB_POOL_SIZE=3\n\\ No newline at end of file\n"
        "+DB_POOL_SIZE=10\n\\ No newline at end of file\n"
    )


def test_pr_body_without_commit(service: Path, tmp_path: Path) -> None:
    make_tree(service, {".env": "DATABASE_URL=postgres://app:s3cret-pw@db/app?pool_max_conns=2\n"})
    body = tmp_path / "body.md"
    result = runner.invoke(app, ["fix", "--diff", "--pr-body", str(body), str(service)])
    assert result.exit_code == 1
    text = body.read_text()
    assert "| `.env:1` | `pool_max_conns` | 2 | 10 | PA101 pool-undersized |" in text
    assert "s3cret-pw" not in text and "s3cret-pw" not in result.stdout + result.stderr


def test_policy_option_is_used(service: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("pools:\n  environments:\n    production:\n      min_size: 4\n      recommended_size: 6\n")
    make_tree(service, {".env": "DB_POOL_SIZE=3\n"})
    result = runner.invoke(app, ["fix", "--policy", str(policy), str(service)])
    assert result.exit_code == 1, result.output
    assert (service / ".env").read_bytes() == b"DB_POOL_SIZE=6\n"


def test_commit_subject_counts_raised_pools_and_other_fixes() -> None:
    from poolaudit.changelog import subject
    from poolaudit.fix import Change

    def change(code: str) -> Change:
        return Change(".env", "X", "1", "2", code, ("any",), "why")

    assert subject([change("PA101")]) == "poolaudit: raise 1 undersized connection pool"
    assert subject([change("PA101"), change("PA101")]) == "poolaudit: raise 2 undersized connection pools"
    assert subject([change("PA101"), change("PA104")]) == (
        "poolaudit: raise 1 undersized connection pool and fix 1 other pool setting"
    )
    assert subject([change("PA104"), change("PA105")]) == "poolaudit: fix 2 connection-pool settings"


def test_diff_reports_a_read_only_file_instead_of_a_diff(service: Path) -> None:
    (make_tree(service, {".env": "DB_POOL_SIZE=3\n"}) / ".env").chmod(0o444)
    result = runner.invoke(app, ["fix", "--diff", str(service)])
    assert result.stdout == ""
    assert "left  .env:1 PA101 pool-undersized: not written: read-only file" in result.stderr
    assert result.exit_code == 1
