"""What a value written in a config file means for a pool setting: a literal, the default of a
`${VAR:default}` indirection, or nothing resolvable; in canonical units, with the editable span."""

from __future__ import annotations

from dataclasses import dataclass

from poolaudit.model import Provenance, Value
from poolaudit.sources._values import find_placeholder, parse_bool, parse_duration, parse_number

_TIMES = {"acquire_timeout", "idle_timeout", "max_lifetime", "recycle"}


@dataclass(frozen=True, slots=True)
class Written:
    written: Value  # in canonical units (seconds, connections)
    provenance: Provenance
    env_var: str | None
    unit: str | None  # "ms" / "s" / "duration" for times; None for sizes and flags
    origin: tuple[int, int] | None  # [start, end) of the editable text, relative to the text given
    note: str | None = None

    @property
    def value(self) -> Value:
        return None if self.provenance is Provenance.UNRESOLVED else self.written


def literal(text: str, canonical: str, unit: str | None) -> tuple[Value, str | None] | None:
    """(value in canonical units, unit as written) of a literal, or None when it is not one."""
    if canonical == "pre_ping":
        flag = parse_bool(text)
        return None if flag is None else (flag, None)
    if canonical == "pool_class":
        return None
    if canonical in _TIMES:
        seconds, written_unit = parse_duration(text, unit if unit in ("ms", "s") else "s")
        return None if seconds is None else (seconds, written_unit)
    number = parse_number(text)
    return None if number is None else (number, None)


def interpret(text: str, canonical: str, unit: str | None) -> Written | None:
    """Read `text` (a bare value, quotes already removed) as the value of a `canonical` setting.

    Returns None when the text is neither a literal of the right type nor a placeholder: such
    values (`auto`, `"${A}${B}"`) are not settings a rule could judge or a fix could edit.
    """
    body = text.strip()
    if not body:
        return None
    lead = len(text) - len(text.lstrip())
    placeholder = find_placeholder(text)
    if placeholder is not None:
        default = placeholder.default
        if default is None or not default.strip():
            return Written(
                None,
                Provenance.UNRESOLVED,
                placeholder.var,
                _time_unit(canonical, unit),
                None,
                body,
            )
        parsed = literal(default, canonical, unit)
        if parsed is None:
            return Written(
                None,
                Provenance.UNRESOLVED,
                placeholder.var,
                _time_unit(canonical, unit),
                None,
                body,
            )
        start = placeholder.default_start + len(default) - len(default.lstrip())
        return Written(
            parsed[0],
            Provenance.ENV_DEFAULT,
            placeholder.var,
            parsed[1],
            (start, start + len(default.strip())),
        )
    parsed = literal(body, canonical, unit)
    if parsed is None:
        return None
    return Written(parsed[0], Provenance.LITERAL, None, parsed[1], (lead, lead + len(body)))


def _time_unit(canonical: str, unit: str | None) -> str | None:
    return (unit or "s") if canonical in _TIMES else None
