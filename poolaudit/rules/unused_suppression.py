"""A `poolaudit: ignore[...]` comment that suppresses nothing.

A suppression outlives the problem it hid (the value was fixed, the rule code changed, the line
moved away) and then hides the next problem on that line.  Reported when a suppression matched
no finding on its own line or the next, and when it names a rule that does not exist.  Codes of
rules the policy does not run are not reported, nor suppressions beside settings that are not
checked (test environments).  Default severity: warning.

Comment-level rule: `check(suppression, unused, unknown) -> list[Finding]` with the codes that
matched nothing and the codes that name no rule.

Flagged:

    maximum-pool-size: 20      # poolaudit: ignore[PA101]     (20 meets the policy)

OK:

    maximum-pool-size: 4       # poolaudit: ignore[PA101] batch job, one connection in use
"""

from __future__ import annotations

from poolaudit.model import Finding, Severity, Suppression

CODE = "PA302"
NAME = "unused-suppression"
SEVERITY = Severity.WARNING
SUMMARY = "A poolaudit: ignore[...] comment suppresses nothing, or names an unknown rule."
SCOPE = "suppression"


def check(suppression: Suppression, unused: tuple[str, ...], unknown: tuple[str, ...]) -> list[Finding]:
    comment = f"poolaudit: ignore[{','.join(suppression.codes)}]" if suppression.codes else "poolaudit: ignore"
    parts = []
    if unknown:
        parts.append(f"unknown rule{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}")
    if unused:
        parts.append(f"{', '.join(unused)} matched no finding")
    elif not suppression.codes:
        parts.append("matched no finding")
    if not parts:
        return []
    message = f"{comment}: {'; '.join(parts)}"
    return [Finding(CODE, NAME, SEVERITY, message, suppression.path, suppression.line, 1)]
