"""The terminal table: grouped by service, worst first, colour only when asked, fits the width."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from poolaudit.model import Finding, Result, Severity
from poolaudit.report import table

GOLDEN = """\
payments-api
file:line                  setting (env)                                 value             bound   verdict
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
config/application.yml:4   spring.datasource.hikari.maximum-pool-size    4 (env-default       10   PA101 pool-undersized
                           production                                    DB_POOL_SIZE)
config/application.yml:5   spring.datasource.hikari.connection-timeout   60 s (literal)     30 s   PA103 acquire-timeout
                           production

ledger
file:line                  setting (env)   value          bound   verdict
───────────────────────────────────────────────────────────────────────────────────────
ledger/.env.production:2   DB_POOL_SIZE    12 (literal)      16   PA101 pool-undersized
                           production

(no service)
file:line                    setting (env)   value                                         bound   verdict
────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────
ledger/config/broken.yml:7   (file)          YAML does not parse: mapping values are not           PA301 file-not-parsed
                                             allowed here

40 files scanned: 4 pool settings in 3 files of 2 services; 2 errors, 1 warning, 1 notice; 1 compliant; 2 files skipped
(YAML does not parse: 1, binary file: 1).
"""


def test_golden(samples: SimpleNamespace) -> None:
    assert table.render(samples.sample(), color=False, width=120) == GOLDEN


def test_no_findings_says_so_and_counts_compliant_settings(samples: SimpleNamespace) -> None:
    assert table.render(samples.empty(), width=120) == (
        "No findings.\n"
        "3 files scanned: 1 pool setting in 1 file of 1 service; 0 errors, 0 warnings, 0 notices; "
        "1 compliant.\n"
    )


def test_plain_output_has_no_escape_codes(samples: SimpleNamespace) -> None:
    assert "\x1b[" not in table.render(samples.sample(), color=False)


def test_colour_marks_the_verdict_by_severity(samples: SimpleNamespace) -> None:
    text = table.render(samples.sample(), color=True, width=120)
    assert "\x1b[1;31mPA101 pool-undersized\x1b[0m" in text  # error: bold red
    assert "\x1b[33mPA103 acquire-timeout\x1b[0m" in text  # warning: yellow
    assert "\x1b[36mPA301 file-not-parsed\x1b[0m" in text  # information: cyan


def test_environment_does_not_switch_colour_on(
    samples: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI decides colour from NO_COLOR and the terminal; the renderer obeys its parameter only.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "40")
    assert table.render(samples.sample(), color=False, width=120) == GOLDEN


def test_rich_markup_in_file_text_is_printed_as_is(samples: SimpleNamespace) -> None:
    s = samples.setting(key="DATABASES['default'][bold]OPTIONS[/bold]")
    f = Finding("PA101", "pool-undersized", Severity.ERROR, "m", s.path, s.line, s.column, s)
    assert "DATABASES['default'][bold]OPTIONS[/bold]" in table.render(Result([s], [f]), width=200)


@pytest.mark.parametrize("width", [200, 120, 100, 80, 60, 40])
def test_every_line_fits_the_width(samples: SimpleNamespace, width: int) -> None:
    text = table.render(samples.sample(), width=width)
    assert max(len(line) for line in text.splitlines()) <= width


@pytest.mark.parametrize("width", [200, 120, 100])
def test_keys_are_not_broken_when_the_width_allows(samples: SimpleNamespace, width: int) -> None:
    text = table.render(samples.sample(), width=width)
    assert re.search(r"spring\.datasource\.hikari\.maximum-pool-size\b", text) or width < 120


def test_services_appear_by_their_worst_finding_and_rows_worst_first(
    samples: SimpleNamespace,
) -> None:
    text = table.render(samples.sample(), width=200)
    titles = [
        line for line in text.splitlines() if line in ("payments-api", "ledger", "(no service)")
    ]
    assert titles == ["payments-api", "ledger", "(no service)"]
    assert text.index("maximum-pool-size") < text.index("connection-timeout")


@pytest.mark.parametrize(
    ("room", "wants", "expected"),
    [
        pytest.param(100, [10, 20, 30], [10, 20, 30], id="all-fit"),
        pytest.param(60, [30, 50, 10], [20, 30, 10], id="short-value-gives-its-room-away"),
        pytest.param(20, [30, 30, 30], [6, 9, 5], id="nothing-fits"),
    ],
)
def test_share(room: int, wants: list[int], expected: list[int]) -> None:
    assert table.share(room, wants, table.SHARES) == expected
