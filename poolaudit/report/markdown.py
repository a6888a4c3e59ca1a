"""The Markdown format: a GitHub job summary or pull-request body listing every finding.

GitHub-flavoured Markdown: a heading, the counts, one table row per finding, the skipped
files folded away, the rules that fired and how to suppress one.  Text from scanned files is
masked and escaped so that no cell can break the table or inject markup.
"""

from __future__ import annotations

import re

from poolaudit.model import Result
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


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    summary = summarize(result)
    by_path = services_by_path(result)
    out = []
    if summary.findings:
        out.append(f"## poolaudit: {plural(summary.findings, 'finding')}")
    else:
        out.append("## poolaudit: no findings")
    out += ["", text(summary_sentence(summary)), ""]

    if result.findings:
        out.append(_row(["Severity", "Service", "Environment", "File", "Setting", "Value", "Bound",
                         "Rule", "Message"]))
        out.append(_row(["---"] * 9))
        for f in worst_first(result.findings):
            out.append(
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
            )
        out.append("")
    else:
        out += ["Every pool setting found is within the policy.", ""]

    if result.skipped:
        out += ["<details>", f"<summary>{plural(summary.skipped, 'file')} skipped</summary>", ""]
        out += [_row(["File", "Line", "Reason"]), _row(["---"] * 3)]
        for s in result.skipped:
            line = str(s.line) if s.line is not None else ""
            out.append(_row([code(s.path), line, text(masked(s.reason))]))
        out += ["", "</details>", ""]

    if result.findings:
        registry = rule_registry()
        examples = {}
        for f in result.findings:
            examples.setdefault(f.code, f)
        out += ["### Rules", ""]
        for rule_code in sorted(examples):
            rule = rule_info(rule_code, examples[rule_code], registry)
            out.append(f"- **{rule.code}** {text(rule.name)}: {text(rule.summary)}")
        first = min(examples)
        out += [
            "",
            "### Suppressing a finding",
            "",
            "Fix the value, or add a comment with the rule code and a reason on the setting's "
            "line or the line before it:",
            "",
            "```",
            "# " + SUPPRESS_HINT.format(code=first),
            "```",
            "",
            "`poolaudit explain CODE` prints a rule's documentation.",
            "",
        ]
    return "\n".join(out).rstrip("\n") + "\n"
