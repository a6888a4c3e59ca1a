"""The policy of a folder inside a repository: the nearest policy file at or above it, up to
the repository's top (real git repositories in temporary folders)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit.policy import load

ROOT_POLICY = "pools:\n  environments:\n    production: {min_size: 2}\n"
SERVICE_POLICY = "[tool.poolaudit.pools.environments.production]\nmin_size = 40\n"


def _minimum(folder: Path) -> int | None:
    return load(None, folder).pools.environments["production"].min_size


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    repo = tmp_path / "mono"
    (repo / "services" / "payments" / "config").mkdir(parents=True)
    (repo / "services" / "ledger").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".poolaudit.yaml").write_text(ROOT_POLICY)
    return repo


def test_a_subfolder_uses_the_repository_policy(monorepo: Path) -> None:
    assert _minimum(monorepo) == 2
    assert _minimum(monorepo / "services" / "payments" / "config") == 2


def test_the_nearest_policy_wins(monorepo: Path) -> None:
    """A service keeps its own ([tool.poolaudit] in its pyproject.toml); its neighbours use the
    repository's."""
    (monorepo / "services" / "payments" / "pyproject.toml").write_text(SERVICE_POLICY)
    assert _minimum(monorepo / "services" / "payments" / "config") == 40
    assert _minimum(monorepo / "services" / "ledger") == 2


def test_nothing_above_a_folder_in_no_repository_is_its_policy(tmp_path: Path) -> None:
    (tmp_path / ".poolaudit.yaml").write_text(ROOT_POLICY)
    (tmp_path / "copy").mkdir()
    assert _minimum(tmp_path / "copy") == 10  # the shipped default


def _audit(cwd: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "POOLAUDIT_NO_CACHE"}
    env["POOLAUDIT_CACHE_DIR"] = str(cache)
    run = "import sys; sys.argv[0] = 'poolaudit'; from poolaudit.cli import main; main()"
    return subprocess.run([sys.executable, "-c", run, "audit", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_a_subfolder_audit_and_a_run_inside_a_service_use_it(monorepo: Path, tmp_path: Path) -> None:
    service = monorepo / "services" / "payments"
    (service / ".env.production").write_text("DB_POOL_SIZE=4\n")
    cache = tmp_path / "cache"
    assert _audit(monorepo, cache, "services/payments").returncode == 0  # 4 >= 2
    assert _audit(service, cache).returncode == 0
    # A policy created between the service and the top after a run: the snapshot is not used.
    (monorepo / "services" / ".poolaudit.toml").write_text("[pools.environments.production]\nmin_size = 8\n")
    run = _audit(service, cache)
    assert run.returncode == 1 and "policy minimum for production is 8" in run.stdout
