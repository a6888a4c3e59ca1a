"""The concise format: one `path:line:col: CODE message` line per finding, for editors and hooks.

Nothing else is printed (no header, no summary), so that editors' problem matchers and
`grep` read every line; no findings means empty output.
"""

from __future__ import annotations

from poolaudit.model import Result
from poolaudit.report._facts import masked


def render(result: Result, *, color: bool = False, width: int | None = None) -> str:
    lines = [
        # A message is one line by contract; fold any stray newline so one finding stays one line.
        f"{f.path}:{f.line}:{f.column}: {f.code} {' '.join(masked(f.message).splitlines())}"
        for f in result.findings
    ]
    return "".join(line + "\n" for line in lines)
