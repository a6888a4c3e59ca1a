"""Two Python fixtures' audit output, asserted in every format (issue 3): a FastAPI service
with pydantic settings resolved by an env file, and a Flask service with config classes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from poolaudit.cli import app

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
runner = CliRunner()

FASTAPI = [
    ("app/db/session.py", 9, 15, "PA103", "no acquire timeout is set for this pool; policy for production requires one of at most 30 s (no environment named; production assumed)"),
    ("app/db/session.py", 16, 20, "PA101", "pool_size uses the library default 5; policy minimum for production is 10 (no environment named; production assumed)"),
    ("app/db/session.py", 16, 20, "PA103", "no acquire timeout is set for this pool; policy for production requires one of at most 30 s (no environment named; production assumed)"),
]
FLASK = [
    ("config.py", 30, 22, "PA101", "pool_size is 4; policy minimum for production is 10"),
    ("config.py", 32, 25, "PA104", "pool_timeout is 60 s; policy maximum for production is 30 s"),
    ("ledger/worker_config.py", 8, 28, "PA108", "SQLALCHEMY_POOL_SIZE has no effect: ignored by Flask-SQLAlchemy 3"),
    ("ledger/worker_config.py", 9, 31, "PA108", "SQLALCHEMY_MAX_OVERFLOW has no effect: ignored by Flask-SQLAlchemy 3"),
    ("ledger/worker_config.py", 10, 31, "PA108", "SQLALCHEMY_POOL_RECYCLE has no effect: ignored by Flask-SQLAlchemy 3"),
]
CASES = [pytest.param("fastapi-inventory", FASTAPI, id="fastapi"), pytest.param("flask-ledger", FLASK, id="flask")]


def _run(fixture: str, fmt: str) -> str:
    result = runner.invoke(app, ["audit", "--format", fmt, str(FIXTURES / fixture)])
    assert result.exit_code == 1, result.output
    return result.output


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_concise(fixture: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    assert _run(fixture, "concise") == "".join(f"{p}:{l}:{c}: {code} {m}\n" for p, l, c, code, m in expected)


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_json(fixture: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    data = json.loads(_run(fixture, "json"))
    assert data["version"] == 1
    assert [(f["path"], f["line"], f["column"], f["code"], f["message"]) for f in data["findings"]] == expected
    assert data["summary"]["findings"] == len(expected)


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_sarif(fixture: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    results = json.loads(_run(fixture, "sarif"))["runs"][0]["results"]
    got = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
            r["message"]["text"],
        )
        for r in results
    ]
    assert sorted(got) == sorted(expected)


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_github_worst_first(fixture: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    lines = _run(fixture, "github").splitlines()
    assert len(lines) == len(expected)
    levels = [line.split(" ", 1)[0] for line in lines]
    assert levels == sorted(levels, key=["::error", "::warning", "::notice"].index)
    for p, l, c, code, _ in expected:
        assert any(f"file={p},line={l},col={c},title={code} " in line for line in lines)


@pytest.mark.parametrize(("fixture", "expected"), CASES)
def test_markdown_and_table_name_every_finding(fixture: str, expected: list[tuple[str, int, int, str, str]]) -> None:
    markdown = _run(fixture, "markdown")
    table = _run(fixture, "table")
    for p, l, _, code, _ in expected:
        assert f"{p}:{l}" in markdown and code in markdown
        assert f"{p}:{l}" in table and code in table


def test_fastapi_settings_resolve_through_the_env_file() -> None:
    data = json.loads(_run("fastapi-inventory", "json"))
    engine = [s for s in data["settings"] if s["path"] == "app/db/session.py" and s["line"] == 9 and s["canonical"] == "max_size"]
    assert [(s["written"], s["value"], s["provenance"], s["env_file"]) for s in engine] == [(5, 20, "env-file", ".env")]
