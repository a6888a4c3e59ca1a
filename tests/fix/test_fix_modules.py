"""The write side's names stay importable where callers import them from, after the split of
poolaudit.fix and poolaudit.verify into modules by responsibility."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("old", "home", "name"),
    [
        pytest.param("poolaudit.fix", "poolaudit.branches", "commit_branches", id="commit_branches"),
        pytest.param("poolaudit.fix", "poolaudit.branches", "RepoFix", id="RepoFix"),
        pytest.param("poolaudit.fix", "poolaudit.edits", "Change", id="Change"),
        pytest.param("poolaudit.verify", "poolaudit.verify", "Expect", id="Expect"),
        pytest.param("poolaudit.verify", "poolaudit.verify", "VerifyError", id="VerifyError"),
    ],
)
def test_moved_names_stay_importable_from_their_old_module(old: str, home: str, name: str) -> None:
    import importlib

    assert getattr(importlib.import_module(old), name) is getattr(importlib.import_module(home), name)


@pytest.mark.parametrize(
    "module",
    ["poolaudit.fix", "poolaudit.branches", "poolaudit.edits", "poolaudit.verify", "poolaudit.reread",
     "poolaudit.reparse", "poolaudit.changelog"],
)
def test_each_write_side_module_imports_first_on_its_own(module: str) -> None:
    # No import cycle: whichever module a caller imports first, it loads.
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, capture_output=True)
