"""Recall and precision of the TOML, env and properties sources on the standard workload."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from poolaudit import sources
from poolaudit.discover import kind_of

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "make_monorepo.py"
KINDS = ("toml", "env", "properties")
IGNORED_DIRS = {"node_modules", ".venv", "__pycache__", ".git"}


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BENCH.exists():
        pytest.skip(f"benchmark generator not found at {BENCH}")
    out = tmp_path_factory.mktemp("mono") / "tree"
    subprocess.run(
        [sys.executable, str(BENCH), "--services", "40", "--seed", "1", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


def _extract_tree(root: Path) -> set[tuple[str, int, object]]:
    found = set()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in IGNORED_DIRS]
        for name in files:
            kind = kind_of(name)
            if kind not in KINDS or name == ".env.local":  # .env.local is gitignored
                continue
            rel = Path(folder, name).relative_to(root).as_posix()
            data = Path(folder, name).read_bytes()
            source = sources.get(kind)
            if source.LITERALS and not any(literal in data for literal in source.LITERALS):
                continue  # the prefilter is part of what is measured
            for setting in source.extract(rel, data.decode("utf-8-sig")).settings:
                found.add((setting.path, setting.line, setting.written))
    return found


def test_every_planted_setting_and_nothing_else(tree: Path) -> None:
    truth = json.loads((tree / ".truth.json").read_text())
    expected = {(e["path"], e["line"], e["value"]) for e in truth if e["format"] in KINDS}
    assert len(expected) > 50  # the workload plants enough to mean something
    found = _extract_tree(tree)
    assert sorted(expected - found) == [], "missed (recall < 1)"
    assert sorted(found - expected) == [], "reported but not planted (precision < 1)"
