"""A file that may hold pool settings does not parse, so it was not checked.

A YAML, TOML, env, properties or Python file with a syntax error is skipped (the rest of the
scan goes on), and any pool setting in it goes unchecked.  The finding points at the line where
the parser stopped.  Files in skipped environments (test folders, which often hold broken files
on purpose) are not reported, nor templates (Helm) that are not YAML until rendered.
Default severity: warning.

File-level rule: `check(skipped: Skipped) -> list[Finding]`.

Flagged:

    spring:
      datasource:
       hikari:                 # PA301: does not parse (bad indentation)
          maximum-pool-size: 10

OK:

    spring:
      datasource:
        hikari:
          maximum-pool-size: 10
"""

from __future__ import annotations

from poolaudit.model import Finding, Severity, Skipped
from poolaudit.rules._finding import shown

CODE = "PA301"
NAME = "file-not-parsed"
SEVERITY = Severity.WARNING
SUMMARY = "A file that may hold pool settings does not parse; it was not checked."
SCOPE = "skipped"

# Skipped reasons that mean "the parser refused it" (see scan.py); binary or oversized
# files are listed as skipped but are not findings, and neither are templates (Helm's
# `templates/`), which are not YAML until rendered: skipping them is the right reading.
PARSE_ERRORS = ("does not parse",)
NOT_BROKEN = ("template",)


def check(skipped: Skipped) -> list[Finding]:
    reason = skipped.reason
    if not reason.startswith(PARSE_ERRORS) or any(word in reason.lower() for word in NOT_BROKEN):
        return []
    message = f"file not checked: {shown(skipped.reason, 160)}"
    return [Finding(CODE, NAME, SEVERITY, message, skipped.path, skipped.line or 1, 1)]
