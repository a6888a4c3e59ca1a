"""GitHub workflow annotations: worst first, escaped as the Actions toolkit escapes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from poolaudit.model import Finding, Result, Severity
from poolaudit.report import github

GOLDEN = """\
::error file=config/application.yml,line=4,col=28,title=PA101 pool-undersized::maximum-pool-size is 4; policy minimum for production is 10
::error file=ledger/.env.production,line=2,col=14,title=PA101 pool-undersized::DB_POOL_SIZE is 12; policy minimum for production is 16
::warning file=config/application.yml,line=5,col=31,title=PA103 acquire-timeout::connection-timeout is 60 s; policy maximum for production is 30 s
::notice file=ledger/config/broken.yml,line=7,col=1,title=PA301 file-not-parsed::YAML does not parse: mapping values are not allowed here
"""


def test_golden_errors_first_then_warnings_then_notices(samples: SimpleNamespace) -> None:
    assert github.render(samples.sample()) == GOLDEN


def test_no_findings_prints_nothing(samples: SimpleNamespace) -> None:
    assert github.render(samples.empty()) == ""


def test_order_is_stable_within_a_severity() -> None:
    findings = [
        Finding(f"PA10{i}", "r", sev, f"m{i}", f"f{i}.yml", i + 1, 1)
        for i, sev in enumerate([Severity.INFO, Severity.ERROR, Severity.WARNING, Severity.ERROR])
    ]
    lines = github.render(Result(findings=findings)).splitlines()
    assert [line.split("::")[-1] for line in lines] == ["m1", "m3", "m2", "m0"]
    assert [line.split(" ")[0] for line in lines] == ["::error", "::error", "::warning", "::notice"]


@pytest.mark.parametrize(
    ("text", "data", "prop"),
    [
        pytest.param("plain", "plain", "plain", id="plain"),
        pytest.param("50%", "50%25", "50%25", id="percent"),
        pytest.param("a\nb", "a%0Ab", "a%0Ab", id="newline"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="crlf"),
        pytest.param("a:b", "a:b", "a%3Ab", id="colon-only-in-properties"),
        pytest.param("a,b", "a,b", "a%2Cb", id="comma-only-in-properties"),
        pytest.param("%0A", "%250A", "%250A", id="already-looks-escaped"),
    ],
)
def test_escaping(text: str, data: str, prop: str) -> None:
    assert github.escape_data(text) == data
    assert github.escape_property(text) == prop


def test_a_path_and_message_with_special_characters() -> None:
    f = Finding(
        "PA101", "pool-undersized", Severity.ERROR, "50% of 10:\nraise it", "deploy/a,b:c.yml", 3, 7
    )
    assert github.render(Result(findings=[f])) == (
        "::error file=deploy/a%2Cb%3Ac.yml,line=3,col=7,title=PA101 pool-undersized"
        "::50%25 of 10:%0Araise it\n"
    )
