"""Every format on the fixture repositories, through the real audit: what a user runs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from poolaudit.model import Result
from poolaudit.report import FORMATS, render

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURES = ROOT / "fixtures"
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
REPOS = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []
# Every password written in a fixture's database URLs: none may appear in any output.  (A
# password equal to its user name, `payments:payments@`, is shown as the service name anyway.)
PASSWORDS = sorted(
    {
        m.group(2)
        for path in FIXTURES.rglob("*")
        if path.is_file()
        for m in re.finditer(r"://([^\s:/@\"']+):([^\s@/\"']+)@", path.read_text(errors="replace"))
        if m.group(1) != m.group(2)
    }
    if FIXTURES.is_dir()
    else set()
)


def _audit(repo: str) -> Result:
    from poolaudit import policy
    from poolaudit.audit import audit

    path = FIXTURES / repo
    return audit([path], policy.load(None, path))


@pytest.fixture(scope="module", params=REPOS)
def audited(request: pytest.FixtureRequest) -> Result:
    return _audit(request.param)


def test_the_fixtures_have_passwords_to_hide() -> None:
    assert len(PASSWORDS) >= 3


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_password_in_any_format(audited: Result, fmt: str) -> None:
    text = render(fmt, audited, color=True, width=200)
    assert [p for p in PASSWORDS if p in text] == []


def test_concise_and_github_have_a_line_per_finding(audited: Result) -> None:
    assert len(render("concise", audited).splitlines()) == len(audited.findings)
    assert len(render("github", audited).splitlines()) == len(audited.findings)


def test_json_lists_every_setting_and_finding(audited: Result) -> None:
    doc = json.loads(render("json", audited))
    assert len(doc["settings"]) == len(audited.settings)
    assert [(f["path"], f["line"], f["code"]) for f in doc["findings"]] == [
        (f.path, f.line, f.code) for f in audited.findings
    ]


def test_sarif_is_valid_and_stable(audited: Result) -> None:
    log: dict[str, Any] = json.loads(render("sarif", audited))
    jsonschema.validators.validator_for(SCHEMA)(SCHEMA).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == len(audited.findings)
    assert render("sarif", audited) == render("sarif", audited)
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(hashes)) == len(hashes)


def test_markdown_and_table_show_every_finding(audited: Result) -> None:
    md = render("markdown", audited)
    table = render("table", audited, width=400)
    for f in audited.findings:
        assert f"`{f.path}:{f.line}`".replace("|", "\\|") in md
        assert f"{f.path}:{f.line}" in table


def test_payments_api_production_pool_of_5_is_flagged() -> None:
    result = _audit("payments-api")
    assert any(
        f.code == "PA101" and f.setting is not None and f.setting.value == 5
        for f in result.findings
    )
    assert "PA101" in render("github", result).split("\n", 1)[0]
