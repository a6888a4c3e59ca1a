"""The GitHub Actions format: one workflow command (`::error file=...::message`) per finding.

GitHub keeps only ten error and ten warning annotations per step, so the worst findings come
first; the Markdown job summary carries every finding.
"""

from __future__ import annotations

from poolaudit.model import Result
from poolaudit.report._facts import masked, severity, worst_first

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escaping of a command's message, as the Actions toolkit does (`escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escaping of a property value (`escapeProperty`): also `:` and `,`, which end a value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    lines = []
    for f in worst_first(result.findings):
        command = COMMANDS.get(severity(f), "warning")
        props = ",".join(
            f"{name}={escape_property(value)}"
            for name, value in (
                ("file", f.path),
                ("line", str(f.line)),
                ("col", str(f.column)),
                ("title", f"{f.code} {f.name}"),
            )
        )
        lines.append(f"::{command} {props}::{escape_data(masked(f.message))}")
    return "".join(line + "\n" for line in lines)
