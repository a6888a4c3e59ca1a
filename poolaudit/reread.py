"""The records the same source finds in the edited text, compared with the original's: every
setting, env assignment and symbol must be found again, read the same way, where it was (moved
only by the edits before it); only the edits' targets may hold a new value, and each must hold
the one it was meant to; an insertion adds exactly the setting it was meant to add.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from poolaudit.model import EnvDef, Extraction, Provenance, Setting, Symbol, Value
from poolaudit.splice import Edit

if TYPE_CHECKING:
    from poolaudit.verify import Expect


class Mismatch(Exception):
    """The records differ in a way the edits do not explain; the message says how."""


def _near(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9 * max(1.0, abs(float(a)))


def _shift(pos: int, edits: list[Edit], end: bool = False) -> int:
    """Where an offset outside every edit lands in the edited text (text inserted exactly at
    a span's end comes after the span, at its start before it)."""
    return pos + sum(len(e.text) - (e.end - e.start) for e in edits if e.end < pos or e.end == pos and not (end and e.start == e.end))


_POSITIONS = ("line", "column", "span", "origin", "insertion")
_VALUES = ("raw", "value", "written", "provenance", "note")


def _fields(record: object, skip: tuple[str, ...]) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in skip}  # type: ignore[arg-type]


def _span_of(record: Setting | EnvDef | Symbol) -> tuple[int, int] | None:
    if isinstance(record, Setting):
        where = record.origin.span if record.origin is not None and record.origin.path == record.path else None
        where = where or record.span
    else:
        where = record.span
    return (where.start, where.end) if where is not None else None


def _target(record: Setting | EnvDef | Symbol, ranges: dict[Edit, tuple[int, int]]) -> tuple[Edit | None, bool]:
    """The edit that changed this record (in the edited text), and whether the record's value
    is exactly the edit's new text (else the edit sits inside it: a URL, a placeholder)."""
    span = _span_of(record)
    if span is None:
        return None, False
    for edit, (start, end) in ranges.items():
        if start <= span[0] and span[1] <= end and (edit.start != edit.end or span[0] < span[1]):
            return edit, True
        if edit.start != edit.end and span[0] <= start and end <= span[1]:
            return edit, False
    return None, False


def _identity(record: Setting | EnvDef | Symbol, edits: list[Edit], moved_positions: bool) -> tuple[Any, ...]:
    span = _span_of(record)
    if span is not None and moved_positions:
        span = (_shift(span[0], edits), _shift(span[1], edits, end=True))
    name = record.key if isinstance(record, Setting) else record.name
    extra = (record.canonical, record.pool, record.environment) if isinstance(record, Setting) else ()
    return (type(record).__name__, name, *extra, span)


def check(old: Extraction, new: Extraction, expects: list[Expect], ranges: dict[Edit, tuple[int, int]]) -> None:
    """Raise Mismatch unless `new` holds `old`'s records changed only as `expects` say
    (`ranges`: where each edit's new text lies in the edited text)."""
    edits = [e.edit for e in expects]
    by_edit = {e.edit: e for e in expects}
    old_records: list[Setting | EnvDef | Symbol] = [*old.settings, *old.env, *old.symbols]
    new_records: list[Setting | EnvDef | Symbol] = [*new.settings, *new.env, *new.symbols]
    pending: dict[tuple[Any, ...], list[Setting | EnvDef | Symbol]] = {}
    for record in new_records:
        pending.setdefault(_identity(record, edits, False), []).append(record)
    reached: set[Edit] = set()
    for expect in expects:
        if expect.insertion:
            # What the added text defines: the new setting, and its env assignment if any.
            _take_inserted(pending, expect, ranges[expect.edit])
            reached.add(expect.edit)
    replaced = [r for r in old.settings if _replaced_default(r, expects)]
    # The records sharing a replaced inherited value (a Rails anchor and its other inheritors)
    # stay, but the anchor's note lists who inherits it, and the override took one off.
    shared = {r.origin for r in replaced if r.origin is not None and r.provenance is not Provenance.LIBRARY_DEFAULT}
    for record in old_records:
        if record in replaced:
            continue  # the library default (or inherited value) the insertion replaces
        candidates = pending.get(_identity(record, edits, True))
        if not candidates:
            raise Mismatch(f"after the edit, {_name(record)} is no longer found where it was")
        match = candidates.pop(0)
        edit, exact = _target(match, ranges)
        skip = _POSITIONS + (_VALUES if edit is not None else ())
        if isinstance(record, Setting) and record.origin in shared:
            skip += ("note",)
        if _fields(record, skip) != _fields(match, skip):
            raise Mismatch(f"the edit changes how {_name(record)} is read")
        aimed = [e for e in expects if isinstance(record, Setting) and _aim(record) in e.targets]
        for expect in aimed:
            _check_value(match, expect)
        if edit is None:
            if _fields(record, skip) != _fields(match, skip) and not aimed:
                raise Mismatch(f"the edit changes {_name(record)}, which it was not meant to")
            continue
        if exact:
            _check_value(match, by_edit[edit])
            reached.add(edit)
        elif not (_near(match.value, record.value) or _near(match.value, by_edit[edit].value)):
            raise Mismatch(f"the edit changes {_name(record)}, which it was not meant to")
    left = [r for group in pending.values() for r in group]
    if left:
        raise Mismatch(f"after the edit the file also defines {_name(left[0])}")
    missed = [e for e in expects if e.edit not in reached]
    if missed:
        raise Mismatch("after the edit no setting holds the new value")


def _aim(setting: Setting) -> tuple[str, str, str, int, int]:
    return (setting.key, setting.canonical, setting.pool, setting.line, setting.column)


def _replaced_default(record: Setting | EnvDef | Symbol, expects: list[Expect]) -> bool:
    """The setting an insertion takes the place of: a library default, or a value inherited
    from an anchor that the inserted key now overrides (`fix_shared: override`)."""
    if not isinstance(record, Setting) or record.insertion is None:
        return False
    offset = record.insertion.offset
    return any(
        e.insertion and e.edit.start == offset and e.canonical == record.canonical and e.pool == record.pool
        for e in expects
    )


def _take_inserted(pending: dict[tuple[Any, ...], list[Setting | EnvDef | Symbol]], expect: Expect, where: tuple[int, int]) -> None:
    found: list[Setting] = []
    for group in pending.values():
        for record in list(group):
            span = _span_of(record)
            if span is None or not (where[0] <= span[0] and span[1] <= where[1]):
                continue
            group.remove(record)
            if isinstance(record, Setting) and record.canonical == expect.canonical and record.pool == expect.pool:
                found.append(record)
    if len(found) != 1:
        raise Mismatch(f"the added text does not set {expect.canonical} for this pool")
    _check_value(found[0], expect)


def _check_value(record: Setting | EnvDef | Symbol, expect: Expect) -> None:
    held = [record.value] + ([record.written] if isinstance(record, Setting) else [])
    if not any(_near(v, expect.value) or _near(v, expect.written) for v in held):
        raise Mismatch(f"after the edit {_name(record)} reads {held[-1]!r}, not {expect.written!r}")


def _name(record: Setting | EnvDef | Symbol) -> str:
    return record.key if isinstance(record, Setting) else record.name
