"""What a person sees of a setting, checked against the text it came from (shared by the
source tests, each naming the fields it compares)."""

from __future__ import annotations

from poolaudit.model import Setting


def setting_facts(
    text: str, s: Setting, fields: tuple[str, ...], *, origin_here: bool = False, origin_position: bool = False
) -> tuple[object, ...]:
    """`fields` of `s` in order; "origin" is the text at the origin's span.  The span must hold
    `raw`; with `origin_here` the origin must be the setting's own file and line, and with
    `origin_position` its line and column must match its span (texts without a BOM)."""
    assert s.span is not None
    assert text[s.span.start : s.span.end] == s.raw
    origin = None
    if s.origin is not None:
        origin = text[s.origin.span.start : s.origin.span.end]
        if origin_position:
            line_start = text.rfind("\n", 0, s.origin.span.start) + 1
            assert (s.origin.line, s.origin.column) == (
                text.count("\n", 0, s.origin.span.start) + 1,
                s.origin.span.start - line_start + 1,
            )
        if origin_here:
            assert (s.origin.path, s.origin.line) == (s.path, s.line)
    return tuple(origin if name == "origin" else getattr(s, name) for name in fields)


# The fields most source tests compare, in the order their expected tuples list them.
CORE = ("line", "column", "raw", "key", "canonical", "written", "value", "provenance", "env_var", "unit")
