"""Shared test fixtures: a clean git environment and a fixed terminal for CLI tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BENCH = ROOT.parent / "shared" / "bench" / "make_monorepo.py"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Each test its own scan cache: none in the user's home, none shared between tests.
    monkeypatch.setenv("POOLAUDIT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # Inherited GIT_* variables (from a hook or CI) would point git at another repository.
    for name in list(os.environ):
        if name.startswith("GIT_") or name in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Test Author")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "author@example.com")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Test Committer")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "committer@example.com")
    monkeypatch.setenv("COLUMNS", "160")
