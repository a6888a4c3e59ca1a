"""The README documents what the code does: rules, hooks, formats, exit codes, CLI options."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from poolaudit.report import FORMATS
from poolaudit.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_a_section(code: str) -> None:
    rule = RULES[code]
    assert f"### {code} {rule.NAME}\n" in README
    assert rule.SUMMARY in README


def test_every_hook_id_is_documented() -> None:
    for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()):
        assert f"id: {hook['id']}" in README


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_is_documented(fmt: str) -> None:
    assert f"| `{fmt}` |" in README


def test_quick_start_test_command_is_what_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    command = next(line for line in ci.splitlines() if "pytest" in line and not line.startswith("#"))
    assert command.strip() in README


@pytest.mark.parametrize("status", ["0", "1", "2", "3", "130"])
def test_exit_statuses_are_documented(status: str) -> None:
    assert re.search(rf"^\| {status} \|", README, re.M)


def test_every_audit_and_fix_option_is_documented() -> None:
    from typer.main import get_command

    from poolaudit.cli import app

    command = get_command(app)
    for name in ("audit", "fix"):
        sub = command.commands[name]  # type: ignore[attr-defined]
        for param in sub.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in README, f"{name} {opt}"
