"""The Markdown job summary / PR body: every finding in a table that no cell can break."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from poolaudit.model import Finding, Result, Severity, Skipped
from poolaudit.report import markdown

GOLDEN = r"""
## poolaudit: 4 findings

40 files scanned: 4 pool settings in 3 files of 2 services; 2 errors, 1 warning, 1 notice; 1 compliant; 2 files skipped (YAML does not parse: 1, binary file: 1).

| Severity | Service | Environment | File | Setting | Value | Bound | Rule | Message |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| error | payments-api | production | `config/application.yml:4` | `spring.datasource.hikari.maximum-pool-size` | 4 (env-default DB\_POOL\_SIZE) | 10 | PA101 pool-undersized | maximum-pool-size is 4; policy minimum for production is 10 |
| error | ledger | production | `ledger/.env.production:2` | `DB_POOL_SIZE` | 12 (literal) | 16 | PA101 pool-undersized | DB\_POOL\_SIZE is 12; policy minimum for production is 16 |
| warning | payments-api | production | `config/application.yml:5` | `spring.datasource.hikari.connection-timeout` | 60 s (literal) | 30 s | PA103 acquire-timeout | connection-timeout is 60 s; policy maximum for production is 30 s |
| info |  |  | `ledger/config/broken.yml:7` |  |  |  | PA301 file-not-parsed | YAML does not parse: mapping values are not allowed here |

<details>
<summary>2 files skipped</summary>

| File | Line | Reason |
| --- | --- | --- |
| `ledger/config/broken.yml` | 7 | YAML does not parse: mapping values are not allowed here |
| `ledger/blob.env` |  | binary file |

</details>

### Rules

- **PA101** pool-undersized: A pool is smaller than the policy's minimum for its environment.
- **PA103** acquire-timeout: The acquire timeout is missing or longer than the policy allows.
- **PA301** file-not-parsed: File not parsed

### Suppressing a finding

Fix the value, or add a comment with the rule code and a reason on the setting's line or the line before it:

```
# poolaudit: ignore[PA101] reason
```

`poolaudit explain CODE` prints a rule's documentation.
""".removeprefix("\n")


def test_golden(samples: SimpleNamespace) -> None:
    assert markdown.render(samples.sample()) == GOLDEN


def test_no_findings(samples: SimpleNamespace) -> None:
    assert markdown.render(samples.empty()) == (
        "## poolaudit: no findings\n"
        "\n"
        "3 files scanned: 1 pool setting in 1 file of 1 service; 0 errors, 0 warnings, 0 notices; "
        "1 compliant.\n"
        "\n"
        "Every pool setting found is within the policy.\n"
    )


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        pytest.param("a|b", "a\\|b", id="pipe"),
        pytest.param("a_b*c", "a\\_b\\*c", id="emphasis"),
        pytest.param("<script>", "\\<script\\>", id="html"),
        pytest.param("[x](y)", "\\[x\\](y)", id="link"),
        pytest.param("a\nb", "a b", id="newline"),
        pytest.param("back\\slash", "back\\\\slash", id="backslash"),
    ],
)
def test_text_cells_are_escaped(raw: str, cell: str) -> None:
    assert markdown.text(raw) == cell


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        pytest.param("a.b", "`a.b`", id="plain"),
        pytest.param("a|b", "`a\\|b`", id="pipe"),
        pytest.param("a`b", "`` a`b ``", id="backtick"),
        pytest.param("", "", id="empty"),
    ],
)
def test_code_cells(raw: str, cell: str) -> None:
    assert markdown.code(raw) == cell


def _cells(row: str) -> int:
    """Cells of a GFM table row: split on pipes that are not escaped."""
    return len(row.replace("\\|", "").strip("|").split("|"))


def test_pipes_in_file_text_do_not_add_cells(samples: SimpleNamespace) -> None:
    s = samples.setting(key="a|b|c", raw="x | y", env_var="P|Q", path="odd|dir/app.yml")
    f = Finding(
        "PA101", "pool-undersized", Severity.ERROR, "x | y is | 4", s.path, 1, 1, s, expected=10
    )
    text = markdown.render(Result([s], [f], [Skipped("we|ird.yml", "bad | file")]))
    rows = [line for line in text.splitlines() if line.startswith("|")]
    assert {_cells(r) for r in rows[:3]} == {9}
    assert {_cells(r) for r in rows[3:]} == {3}


def test_skipped_files_are_folded_away(samples: SimpleNamespace) -> None:
    text = markdown.render(samples.sample())
    details = text[text.index("<details>") : text.index("</details>")]
    assert "<summary>2 files skipped</summary>" in details
    assert "| `ledger/blob.env` |  | binary file |" in details


def test_tells_how_to_suppress(samples: SimpleNamespace) -> None:
    assert "# poolaudit: ignore[PA101] reason" in markdown.render(samples.sample())


def test_a_huge_run_stays_under_githubs_summary_limit(samples: SimpleNamespace) -> None:
    s = samples.POOL
    findings = [
        Finding(
            "PA101",
            "pool-undersized",
            Severity.ERROR,
            f"maximum-pool-size is 4 ({i}); " + "x" * 200,
            s.path,
            i + 1,
            1,
            s,
            expected=10,
        )
        for i in range(10_000)
    ]
    text = markdown.render(
        Result([s], findings, [Skipped(f"{i}.bin", "binary file") for i in range(1000)])
    )
    assert len(text.encode("utf-8")) < 1024 * 1024
    assert re.search(r"\.\.\. and \d+ findings more, left out", text)
    assert "### Suppressing a finding" in text


def test_rows_that_fit_are_all_listed(
    samples: SimpleNamespace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown, "MAX_BYTES", 500)
    text = markdown.render(samples.sample())
    assert text.count("| error |") == 2
    assert (
        "... and 2 findings more, left out to keep this summary under GitHub's size limit" in text
    )
    assert "... and 2 skipped files more" in text
