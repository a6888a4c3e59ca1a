"""Every format in the registry renders, lazily, as a pure function; and none leaks a password."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import poolaudit.report
from poolaudit.model import Result
from poolaudit.report import FORMATS, render

REPORT_DIR = Path(poolaudit.report.__file__).parent
RESULTS = ["sample", "empty", "small", "secret"]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", RESULTS)
def test_every_format_renders(samples: SimpleNamespace, fmt: str, name: str) -> None:
    result = getattr(samples, name)()
    text = render(fmt, result)
    assert isinstance(text, str)
    assert text == render(fmt, result), "rendering twice gives the same text"
    assert text == "" or text.endswith("\n")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_renders_a_result_with_nothing(fmt: str) -> None:
    assert isinstance(render(fmt, Result()), str)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_result_with_findings_is_not_silent(samples: SimpleNamespace, fmt: str) -> None:
    assert "PA101" in render(fmt, samples.sample())


def test_formats_are_the_documented_names() -> None:
    assert list(FORMATS) == ["table", "concise", "json", "sarif", "github", "markdown"]


def test_unknown_format_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'; choose from table, concise"):
        render("xml", Result())


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("color", [False, True], ids=["plain", "color"])
def test_no_format_prints_a_password(samples: SimpleNamespace, fmt: str, color: bool) -> None:
    text = render(fmt, samples.secret(), color=color, width=400)
    assert "s3cr3t" not in text
    # Masking hides the password only: the person still sees which URL it is.
    assert "app:****@db" in text


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_table_imports_rich() -> None:
    importers = sorted(p.name for p in REPORT_DIR.glob("*.py") if "rich" in _imports(p))
    assert importers == ["table.py"]


def test_formats_are_imported_lazily() -> None:
    # A pre-commit run printing concise lines must not pay for rich or the other formats.
    code = (
        "import sys; from poolaudit.report import render; from poolaudit.model import Result; "
        "render('concise', Result()); "
        "print(sorted(m for m in sys.modules if m.startswith(('rich', 'poolaudit.report.'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['poolaudit.report._facts', 'poolaudit.report.concise']"
