"""Fixture trees with the expected fixed tree beside them (fixtures/fix/<case>/before, after):
copy `before` to a temporary folder, run `poolaudit fix`, compare the whole tree with `after`,
byte for byte.  Then fix again: nothing changes.  The clean case comes out byte-identical."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit.cli import app

from .conftest import tree_bytes

CASES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "fix"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "before").is_dir())


def test_there_are_cases_and_a_clean_one() -> None:
    assert len(CASES) >= 5
    clean = CASES_DIR / "clean"
    assert tree_bytes(clean / "before") == tree_bytes(clean / "after")


@pytest.mark.parametrize("case", CASES)
def test_fix_turns_before_into_after(case: str, tmp_path: Path) -> None:
    work = tmp_path / case
    shutil.copytree(CASES_DIR / case / "before", work)
    expected = tree_bytes(CASES_DIR / case / "after")
    changes = expected != tree_bytes(work)
    runner = CliRunner()

    preview = runner.invoke(app, ["fix", "--diff", str(work)])
    assert tree_bytes(work) == tree_bytes(CASES_DIR / case / "before")  # --diff writes nothing
    assert bool(preview.stdout) == changes

    first = runner.invoke(app, ["fix", str(work)])
    assert first.exception is None or isinstance(first.exception, SystemExit), first.output
    assert tree_bytes(work) == expected
    assert first.exit_code == (1 if changes or "left " in first.stdout else 0)

    second = runner.invoke(app, ["fix", "--diff", str(work)])
    assert second.stdout == ""  # running fix twice changes nothing the second time
    assert tree_bytes(work) == expected
