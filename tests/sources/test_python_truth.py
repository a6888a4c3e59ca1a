"""The standard workload's Python settings: every planted one found at its path and line with
its written value and meaning, nothing else reported, and the prefilter loses none."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from poolaudit import environments
from poolaudit.sources import python

BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "make_monorepo.py"
IGNORED = {"node_modules", ".venv", "__pycache__"}  # gitignored by every generated service


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not BENCH.exists():
        pytest.skip(f"benchmark generator not found at {BENCH}")
    out = tmp_path_factory.mktemp("mono") / "tree"
    subprocess.run([sys.executable, str(BENCH), "--services", "40", "--seed", "1", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def python_files(root: Path) -> list[tuple[str, bytes]]:
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if not IGNORED & set(rel.parts[:-1]):
            found.append((rel.as_posix(), path.read_bytes()))
    return found


def truth(root: Path) -> list[dict[str, object]]:
    entries = json.loads((root / ".truth.json").read_text())
    return [e for e in entries if e["format"] == "python"]


def test_recall_and_precision_on_generated_services(tree: Path) -> None:
    planted = truth(tree)
    assert len(planted) > 50  # the workload really plants Python settings
    want = Counter((e["path"], e["line"], e["canonical"], e["value"]) for e in planted)
    got: Counter[tuple[object, ...]] = Counter()
    environments_found = {}
    for rel, data in python_files(tree):
        if not any(literal in data for literal in python.LITERALS):
            continue
        for s in python.extract(rel, data.decode()).settings:
            got[(s.path, s.line, s.canonical, s.written)] += 1
            environment = s.environment if s.environment != "any" else environments.from_path(s.path)
            environments_found[(s.path, s.line)] = environment
    assert sorted((want - got).elements()) == [], "missed"
    assert sorted((got - want).elements()) == [], "reported but not planted"
    for e in planted:
        assert (environments_found[(e["path"], e["line"])] == "test") == e["test_only"], e


def test_prefilter_keeps_every_file_with_a_planted_setting(tree: Path) -> None:
    planted_files = {e["path"] for e in truth(tree)}
    data = dict(python_files(tree))
    skipped = [p for p in planted_files if not any(lit in data[p] for lit in python.LITERALS)]
    assert skipped == []
    passing = sum(1 for d in data.values() if any(lit in d for lit in python.LITERALS))
    assert passing < len(data) / 4  # and it does keep most modules away from ast
