"""The published pre-commit hooks, run by the real pre-commit program (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def test_every_hook_id_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    for hook in HOOKS:
        assert f"id: {hook['id']}" in readme, hook["id"]


@pytest.mark.parametrize(
    ("name", "matched"),
    [
        (".env", True),
        ("services/api/.env.production", True),
        ("deploy/prod.env", True),
        ("env.sample", True),
        ("src/main/resources/application.yml", True),
        ("config/settings.toml", True),
        ("app/db.py", True),
        ("application.properties", True),
        ("production.ini", True),
        ("setup.cfg", True),
        ("env.local", True),
        ("config/env.defaults", True),
        ("README.md", False),
        ("package.json", False),
        ("src/environment.ts", False),
    ],
)
def test_files_pattern_matches_every_kind_the_tool_reads(name: str, matched: bool) -> None:
    from poolaudit.discover import kind_of

    assert (kind_of(name.rsplit("/", 1)[-1]) is not None) is matched  # the table is the tool's own view
    for hook in HOOKS:
        assert bool(re.search(hook["files"], name)) is matched
        assert hook["require_serial"] is True
        assert "minimum_pre_commit_version" in hook


def test_importing_the_cli_does_not_import_heavy_modules() -> None:
    code = (
        "import sys, poolaudit.cli\n"
        "heavy = [m for m in ('git', 'rich', 'pydantic', 'ruamel', 'tomlkit', 'typer', 'yaml') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # One hook environment for the module: pre-commit installs poolaudit into it once.
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def service_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "svc"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("# svc\n")
    (repo / "pyproject.toml").write_text('[project]\nname = "svc"\nversion = "0.1.0"\n')
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "init")
    return repo


def _try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRE_COMMIT")}
    env["PRE_COMMIT_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_audit_hook_fails_on_undersized_and_passes_on_compliant(service_repo: Path, pre_commit_home: Path) -> None:
    env_file = service_repo / ".env.production"
    env_file.write_text("DATABASE_URL=postgresql://app:s3cret@db/app\nDB_POOL_SIZE=4\n")
    _git(service_repo, "add", ".env.production")
    failed = _try_repo(service_repo, "poolaudit", pre_commit_home)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert ".env.production:2:14: PA101" in failed.stdout
    assert "s3cret" not in failed.stdout

    env_file.write_text("DATABASE_URL=postgresql://app:s3cret@db/app\nDB_POOL_SIZE=20\n")
    _git(service_repo, "add", ".env.production")
    passed = _try_repo(service_repo, "poolaudit", pre_commit_home)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_fix_hook_rewrites_then_the_next_run_passes(service_repo: Path, pre_commit_home: Path) -> None:
    env_file = service_repo / ".env.production"
    env_file.write_text("export DB_POOL_SIZE=\"4\"  # raised after INC-12\n")
    _git(service_repo, "add", ".env.production")
    fixed = _try_repo(service_repo, "poolaudit-fix", pre_commit_home)
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert env_file.read_text() == "export DB_POOL_SIZE=\"10\"  # raised after INC-12\n"
    _git(service_repo, "add", ".env.production")
    again = _try_repo(service_repo, "poolaudit-fix", pre_commit_home)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_commit_of_unrelated_files_passes(service_repo: Path, pre_commit_home: Path) -> None:
    (service_repo / "README.md").write_text("# svc\n\nDB_POOL_SIZE=1 is documented here, not configured.\n")
    _git(service_repo, "add", "README.md")
    result = _try_repo(service_repo, "poolaudit", pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no files to check" in result.stdout.lower()
