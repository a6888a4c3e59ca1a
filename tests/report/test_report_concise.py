"""Concise lines for editors and hooks: `path:line:col: CODE message`, nothing else."""

from __future__ import annotations

from types import SimpleNamespace

from poolaudit.model import Finding, Result, Severity
from poolaudit.report import concise

GOLDEN = """\
config/application.yml:5:31: PA103 connection-timeout is 60 s; policy maximum for production is 30 s
config/application.yml:4:28: PA101 maximum-pool-size is 4; policy minimum for production is 10
ledger/.env.production:2:14: PA101 DB_POOL_SIZE is 12; policy minimum for production is 16
ledger/config/broken.yml:7:1: PA301 YAML does not parse: mapping values are not allowed here
"""


def test_golden_keeps_the_given_order(samples: SimpleNamespace) -> None:
    assert concise.render(samples.sample()) == GOLDEN


def test_no_findings_prints_nothing(samples: SimpleNamespace) -> None:
    assert concise.render(samples.empty()) == ""
    assert concise.render(Result()) == ""


def test_a_message_with_a_newline_stays_on_one_line() -> None:
    f = Finding("PA301", "file-not-parsed", Severity.INFO, "bad YAML:\n  in line 3", "a.yml", 3, 1)
    assert concise.render(Result(findings=[f])) == "a.yml:3:1: PA301 bad YAML:   in line 3\n"
