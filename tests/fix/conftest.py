"""Helpers for the fix tests: build a small service tree, audit it with the shipped default
policy, and plan/apply the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import fix, policy
from poolaudit.audit import audit
from poolaudit.model import Result


def make_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


def audited(root: Path) -> tuple[Result, object]:
    loaded = policy.load(None, root)
    return audit([root], loaded), loaded


def run_fix(root: Path, *, write: bool) -> fix.FixReport:
    result, loaded = audited(root)
    return fix.apply(fix.plan(result, loaded), write=write)


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def service(tmp_path: Path) -> Path:
    """An empty service folder (named `svc`) to write files into."""
    root = tmp_path / "svc"
    root.mkdir()
    return root
