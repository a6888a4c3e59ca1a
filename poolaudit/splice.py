"""Text edits: replace character spans (or insert at an offset) in a file's decoded text, and
the text they write: a value spelled the way the file already spells it.

One mechanism for every file kind (lesson 1 of STYLE.md, after pre-commit's
`migrate_config.py` and pyupgrade): edits are applied right to left, so the offsets of the
edits still to apply stay valid and every byte outside an edit stays identical.  The whole
document is never re-serialised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from poolaudit.errors import FixError
from poolaudit.model import Value


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace text[start:end] with `text`; start == end inserts."""

    start: int
    end: int
    text: str


def normalise(edits: Iterable[Edit]) -> list[Edit]:
    """Edits sorted by position (insertions at one offset keep their given order), exact
    duplicates dropped; overlapping replacements raise FixError."""
    ordered = sorted(dict.fromkeys(edits), key=lambda e: (e.start, e.end))
    for before, after in zip(ordered, ordered[1:]):
        if after.start < before.end or (after.start == before.start and before.end > before.start):
            # Two replacements of overlapping text: the result would depend on the order,
            # so neither is applied.
            raise FixError(f"overlapping edits at offsets {before.start} and {after.start}")
    return ordered


def apply(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit applied (right to left)."""
    ordered = normalise(edits)
    for edit in ordered:
        if not 0 <= edit.start <= edit.end <= len(text):
            raise FixError(f"edit [{edit.start}, {edit.end}) is outside the text ({len(text)} characters)")
    pieces: list[str] = []
    cursor = len(text)
    for edit in reversed(ordered):
        pieces.append(text[edit.end : cursor])
        pieces.append(edit.text)
        cursor = edit.start
    pieces.append(text[:cursor])
    return "".join(reversed(pieces))


def moved(edits: Iterable[Edit]) -> list[tuple[Edit, int, int]]:
    """Each edit with the [start, end) its new text occupies in the edited text."""
    shift = 0
    placed = []
    for edit in normalise(edits):
        start = edit.start + shift
        placed.append((edit, start, start + len(edit.text)))
        shift += len(edit.text) - (edit.end - edit.start)
    return placed


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines with their endings kept; only LF, CRLF and CR end a line (as in YAML and git)."""
    return _LINE.findall(text)


def line_of(text: str, offset: int) -> int:
    """0-based index of the line holding a character offset (per split_lines)."""
    head = text[:offset]
    return head.count("\n") + head.count("\r") - head.count("\r\n")


# ---------------------------------------------------------------- spelling a value


_NUMBER = re.compile(r"(?i)(PT)?([+-]?(?:\d[\d_]*)?(?:\.\d*)?)([a-z]*)")
_SUFFIX = re.compile(r"[A-Za-z]+")
_SECONDS = {
    **dict.fromkeys(("ms", "milli", "millis", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
    **dict.fromkeys(("d", "day", "days"), 86400.0),
}
_BOOLS = {"true": "false", "yes": "no", "on": "off", "1": "0"}


def _parts(text: str) -> tuple[str, str, str] | None:
    match = _NUMBER.fullmatch(text.strip())
    if not match or not any(c.isdigit() for c in match.group(2)):
        return None
    return match.group(1) or "", match.group(2), match.group(3)


def _factor(suffix: str, after: str, unit: str | None) -> float | None:
    """Seconds per written unit: from the value's own suffix, the suffix just after the
    edited text (`${TIMEOUT:30}s`), or the setting's unit (Hikari milliseconds)."""
    if not suffix and unit == "duration":
        follow = _SUFFIX.match(after)
        suffix = follow.group(0) if follow else ""
    if suffix:
        return _SECONDS.get(suffix.lower())
    return 0.001 if unit == "ms" else 1.0


def as_written(text: str) -> Value:
    """The number (or boolean) in `text` as written, without unit conversion."""
    lowered = text.strip().strip("\"'").lower()
    if lowered in _BOOLS or lowered in _BOOLS.values():
        if lowered not in ("1", "0"):
            return lowered in _BOOLS
    parts = _parts(lowered)
    if parts is None:
        return None
    number = float(parts[1].replace("_", ""))
    return int(number) if number.is_integer() and "." not in parts[1] else number


def read(text: str, after: str, unit: str | None) -> Value:
    """The value written in `text`, in canonical units (seconds), or None."""
    written = as_written(text)
    if isinstance(written, bool) or written is None:
        return written
    parts = _parts(text)
    factor = _factor(parts[2] if parts else "", after, unit)
    if factor is None:
        return None
    seconds = written * factor
    return int(seconds) if float(seconds).is_integer() else seconds


def same(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def spell(old: str, after: str, unit: str | None, value: Value, *, python: bool = False) -> str:
    """`value` (canonical units) written in the style of `old`, the text it replaces:
    milliseconds stay milliseconds, `30s` stays a duration, `PT5S` ISO, ints stay ints,
    `1_000` keeps its underscores, `True`/`true`/`yes`/`on` keep their word and case."""
    if isinstance(value, bool):
        return _spell_bool(old, value, python)
    if value is None:
        raise FixError("cannot fix safely: no value to write")
    parts = _parts(old) if old else ("", "", "")
    if parts is None:
        raise FixError(f"cannot fix safely: {old!r} is not a number")
    prefix, digits, suffix = parts
    factor = _factor(suffix, after, unit)
    if factor is None:
        raise FixError(f"cannot fix safely: unknown unit {suffix!r}")
    number = value / factor
    if "." in digits or (not old and not float(number).is_integer()):
        text = repr(float(number))
    elif abs(number - round(number)) < 1e-9:
        whole = int(round(number))
        text = f"{whole:_}" if "_" in digits else str(whole)
    else:
        raise FixError(f"cannot fix safely: {number:g} is not a whole number of {suffix or unit or 'units'}")
    return f"{prefix}{text}{suffix}"


def _spell_bool(old: str, value: bool, python: bool) -> str:
    word = old.strip()
    lowered = word.lower()
    for yes, no in _BOOLS.items():
        if lowered in (yes, no):
            new = yes if value else no
            if word.isupper():
                return new.upper()
            return new.capitalize() if word[:1].isupper() else new
    if word:
        raise FixError(f"cannot fix safely: {old!r} is not a boolean")
    return ("True" if value else "False") if python else ("true" if value else "false")


_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def words(template: str) -> list[str]:
    """The names an insertion template adds (`, pool_size={value}` -> ["pool_size"])."""
    return _WORDS.findall(template.replace("{value}", " "))
