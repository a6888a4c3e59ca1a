"""No password from a database URL reaches the fix's output, diff, commit message or PR body."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from poolaudit.cli import app

SECRET = "pr0d-s3cret-9931"
runner = CliRunner()


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def test_password_masked_in_every_fix_output(tmp_path: Path) -> None:
    repo = tmp_path / "svc"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "pyproject.toml").write_text('[project]\nname = "svc"\n')
    (repo / ".env.production").write_text(
        f"DATABASE_URL=postgresql://app:{SECRET}@db:5432/app?sslmode=require&pool_max_conns=3\nDB_POOL_SIZE=4\n"
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "initial")

    preview = runner.invoke(app, ["fix", "--diff", str(repo)])
    assert preview.exit_code == 1, preview.output
    assert "pool_max_conns=10" in preview.output  # the diff shows the line, password masked
    assert SECRET not in preview.output

    body = tmp_path / "pr.md"
    committed = runner.invoke(app, ["fix", "--commit", "--pr-body", str(body), str(repo)])
    assert committed.exit_code == 1, committed.output
    message = _git(repo, "log", "-1", "--format=%B", "poolaudit/raise-undersized-pools")
    assert "pool_max_conns" in message and "DB_POOL_SIZE" in message
    for text in (committed.output, message, body.read_text()):
        assert SECRET not in text
    # The commit itself holds the file unmasked: only what poolaudit prints is masked.
    assert SECRET in _git(repo, "show", "poolaudit/raise-undersized-pools:.env.production")
