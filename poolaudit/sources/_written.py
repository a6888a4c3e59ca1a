"""What a value written in a config file means for a pool setting: a literal, the default of a
`${VAR:default}` indirection, or nothing resolvable; in canonical units, with the editable span;
and the Setting record the line-oriented sources build from it."""

from __future__ import annotations

from dataclasses import dataclass

from poolaudit.model import Origin, Provenance, Setting, Span, Value
from poolaudit.sources._lines import LineIndex
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
        parsed = literal(default, canonical, unit) if default and default.strip() else None
        if default is None or parsed is None:  # no default, or one that is not a value
            return Written(None, Provenance.UNRESOLVED, placeholder.var, _time_unit(canonical, unit), None, body)
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


def make_setting(
    path: str,
    lines: LineIndex,
    written: Written,
    *,
    kind: str,
    framework: str,
    key: str,
    canonical: str,
    raw: str,
    start: int,
    origin_base: int | None = None,
    environment: str = "any",
    pool: str = "",
    note: str | None = None,
) -> Setting:
    """The setting whose value text `raw` starts at `start`; `written.origin` is relative to
    `origin_base` (default: `start`), where the interpreted text begins."""
    line, column = lines.position(start)
    origin = None
    if written.origin is not None:
        base = start if origin_base is None else origin_base
        o_start, o_end = base + written.origin[0], base + written.origin[1]
        o_line, o_column = lines.position(o_start)
        origin = Origin(path, Span(o_start, o_end), o_line, o_column)
    return Setting(
        path=path,
        line=line,
        column=column,
        span=Span(start, start + len(raw)),
        kind=kind,
        framework=framework,
        key=key,
        canonical=canonical,
        raw=raw,
        value=written.value,
        provenance=written.provenance,
        written=written.written,
        origin=origin,
        env_var=written.env_var,
        unit=written.unit,
        environment=environment,
        pool=pool,
        note=note if note is not None else written.note,
    )
