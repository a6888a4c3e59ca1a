"""The Markdown format: a GitHub job summary or pull-request body listing every finding.

GitHub-flavoured Markdown: a heading, the counts, one table row per finding, the skipped
files folded away, the rules that fired and how to suppress one.  Text from scanned files is
masked and escaped so that no cell can break the table or inject markup.
"""

from __future__ import annotations

import re

from poolaudit.model import Finding, Result
from poolaudit.report._facts import (
    SUPPRESS_HINT,
    bound_cell,
    key_cell,
    masked,
    plural,
    rule_info,
    rule_registry,
    service_of,
    services_by_path,
    severity,
    summarize,
    summary_sentence,
    value_cell,
    worst_first,
)

# GitHub's step-summary limit is 1 MiB; rows stop well before it, leaving room for the rest.
MAX_BYTES = 900_000
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")


def text(value: str) -> str:
    """Plain text for a cell: one line, Markdown and HTML punctuation backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def code(value: str) -> str:
    """A code span for a cell: fenced past any backticks inside, pipes escaped (GFM tables
    split cells on `|` even inside code spans; `\\|` there renders as `|`)."""
    value = " ".join(value.split())
    if not value:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or value.startswith(" ") else ""
    return f"{fence}{pad}{value.replace('|', chr(92) + '|')}{pad}{fence}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


class _Budget:
    """Bytes left for table rows: GitHub refuses a step summary over 1 MiB, so a huge run
    lists what fits and says how many rows were left out (the JSON and SARIF have them all)."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, rows: list[str], noun: str) -> list[str]:
        for i, row in enumerate(rows):
            size = len(row.encode("utf-8")) + 1
            if size > self.left:
                note = (
                    f"... and {plural(len(rows) - i, noun)} more, left out to keep this summary "
                    "under GitHub's size limit; the JSON and SARIF outputs list all."
                )
                return [*rows[:i], "", note]
            self.left -= size
        return rows


def _findings(result: Result, budget: _Budget) -> list[str]:
    by_path = services_by_path(result)
    rows = [
        _row(
            [
                severity(f),
                text(service_of(f, by_path)),
                f.setting.environment if f.setting is not None else "",
                code(f"{f.path}:{f.line}"),
                code(key_cell(f)),
                text(masked(value_cell(f.setting))),
                text(bound_cell(f)),
                f"{f.code} {text(f.name)}",
                text(masked(f.message)),
            ]
        )
        for f in worst_first(result.findings)
    ]
    header = [
        _row(
            [
                "Severity",
                "Service",
                "Environment",
                "File",
                "Setting",
                "Value",
                "Bound",
                "Rule",
                "Message",
            ]
        ),
        _row(["---"] * 9),
    ]
    return [*header, *budget.take(rows, "finding"), ""]


def _skipped(result: Result, budget: _Budget) -> list[str]:
    rows = [
        _row([code(s.path), str(s.line) if s.line is not None else "", text(masked(s.reason))])
        for s in result.skipped
    ]
    return [
        "<details>",
        f"<summary>{plural(len(rows), 'file')} skipped</summary>",
        "",
        _row(["File", "Line", "Reason"]),
        _row(["---"] * 3),
        *budget.take(rows, "skipped file"),
        "",
        "</details>",
        "",
    ]


def _rules(result: Result) -> list[str]:
    registry = rule_registry()
    examples: dict[str, Finding] = {}
    for f in result.findings:
        examples.setdefault(f.code, f)
    out = ["### Rules", ""]
    for rule_code in sorted(examples):
        rule = rule_info(rule_code, examples[rule_code], registry)
        out.append(f"- **{rule.code}** {text(rule.name)}: {text(rule.summary)}")
    return [
        *out,
        "",
        "### Suppressing a finding",
        "",
        (
            "Fix the value, or add a comment with the rule code and a reason on the setting's "
            "line or the line before it:"
        ),
        "",
        "```",
        "# " + SUPPRESS_HINT.format(code=min(examples)),
        "```",
        "",
        "`poolaudit explain CODE` prints a rule's documentation.",
        "",
    ]


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    summary = summarize(result)
    budget = _Budget(MAX_BYTES)
    title = plural(summary.findings, "finding") if summary.findings else "no findings"
    out = [f"## poolaudit: {title}", "", text(summary_sentence(summary)), ""]
    if result.findings:
        out += _findings(result, budget)
    else:
        out += ["Every pool setting found is within the policy.", ""]
    if result.skipped:
        out += _skipped(result, budget)
    if result.findings:
        out += _rules(result)
    return "\n".join(out).rstrip("\n") + "\n"
