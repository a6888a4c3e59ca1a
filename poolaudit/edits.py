"""The edit for one place a fix changes: the value every finding there agrees on, spelled the
way the file already spells it (poolaudit.splice), checked against the text the audit read,
with what poolaudit.verify must find after it (Expect), and the Change a person reads for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from poolaudit import splice
from poolaudit.errors import FixError
from poolaudit.model import Finding, Origin, Setting, Value
from poolaudit.splice import Edit
from poolaudit.verify import Expect

if TYPE_CHECKING:
    from poolaudit.fix import FilePlan


@dataclass
class PlannedEdit:
    """One edit of a file and everything it answers for: findings, settings, expectations."""

    path: str  # the edited file, as the audit reports paths
    edit: Edit
    old: str  # the text replaced ("" for an insertion)
    new: str  # the new value as written
    value: Value  # the new value in canonical units
    line: int
    findings: list[Finding]
    settings: list[Setting]  # every setting whose effective value this edit changes
    expect: Expect
    note: str = ""  # where the edit went, when not where the value is written (`fix_shared`)


@dataclass(frozen=True)
class Change:
    """One edit, as a person reads it in the report, the commit message and the PR body."""

    path: str  # the edited file
    key: str
    old: str  # "" when the setting was added
    new: str
    code: str  # the rule(s): "PA101" or "PA101, PA103"
    environments: tuple[str, ...]
    reason: str  # the finding's message
    line: int = 0
    services: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    settings: tuple[tuple[str, int, str], ...] = ()  # (path, line, key) of every setting changed
    why: str = ""  # the policy's reason for the bound, when it gives one


def planned_edit(
    file_plan: FilePlan, key: tuple[object, ...], findings: list[Finding], by_origin: dict[Origin, list[Setting]]
) -> PlannedEdit:
    """The edit for one group of `plan` (`key`: ("edit", path, start, end) replaces the value at
    an origin, ("insert", path, offset, template, ...) adds a missing setting); FixError when
    it cannot be made safely."""
    first = findings[0].setting
    assert first is not None
    value = _agreed(findings)
    text = file_plan.snap.text
    if key[0] == "edit":
        start, end = int(str(key[2])), int(str(key[3]))
        if end > len(text):
            raise FixError("cannot fix safely: the file changed since it was audited")
        old = text[start:end]
        _still(old, text[end : end + 16], first)
        new = splice.spell(old, text[end : end + 16], first.unit, value)
        edit = Edit(start, end, new)
        origin = first.origin
        assert origin is not None
        affected = by_origin.get(origin) or [f.setting for f in findings if f.setting]
        if len({s.unit or "s" for s in affected}) > 1:
            raise FixError("cannot fix safely: one value is read in different units (seconds and milliseconds)")
        line = origin.line
        targets = frozenset(
            (s.key, s.canonical, s.pool, s.line, s.column) for s in affected if s.path == file_plan.path
        )
        expect = Expect(edit, old, value, splice.as_written(new), first.canonical, first.pool, (), new, targets)
    else:
        assert first.insertion is not None
        new = splice.spell("", "", first.unit, value, python=file_plan.kind == "python")
        inserted = first.insertion.template.replace("{value}", new)
        edit = Edit(first.insertion.offset, first.insertion.offset, inserted)
        affected = [f.setting for f in findings if f.setting]
        line = first.line
        keys = tuple(splice.words(first.insertion.template))
        expect = Expect(edit, "", value, splice.as_written(new), first.canonical, first.pool, keys, new)
        old = ""
    return PlannedEdit(file_plan.path, edit, old, new, value, line, findings, affected, expect)


def _agreed(findings: list[Finding]) -> Value:
    """The one value for settings that share a place: raised (or lowered) far enough for all."""
    values = [f.fix_to for f in findings]
    if len({f.setting.canonical for f in findings if f.setting}) > 1:
        raise FixError("cannot fix safely: one value feeds settings of different kinds")

    if all(isinstance(v, bool) for v in values):
        if len(set(values)) > 1:
            raise FixError("cannot fix safely: the settings sharing this value need different values")
        return values[0]
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    current = [_current(f.setting) for f in findings if f.setting]
    raise_ = [n for n, c in zip(numbers, current) if c is None or n >= c]
    if len(raise_) == len(numbers):
        return max(numbers)
    if not raise_:
        return min(numbers)
    raise FixError("cannot fix safely: the settings sharing this value need it both raised and lowered")


def _current(setting: Setting) -> Value:
    return setting.value if setting.value is not None else setting.written


def _still(old: str, after: str, setting: Setting) -> None:
    """The text at the origin still holds the audited value (else the file changed since)."""
    held = splice.read(old, after, setting.unit)
    if held is None:
        raise FixError(f"cannot fix safely: {old!r} is not a value this fix can rewrite")
    expected = {setting.written, setting.value} - {None}
    raw = splice.as_written(old)
    if expected and not any(splice.same(held, e) or splice.same(raw, e) for e in expected):
        raise FixError("cannot fix safely: the file changed since it was audited")


def as_change(planned: PlannedEdit, reasons: dict[int, str]) -> Change:
    """The edit as a person reads it (`reasons`: id(finding) -> the policy's reason)."""
    first = planned.findings[0]
    setting = first.setting
    assert setting is not None
    key = setting.key
    if setting.origin is not None and setting.origin.path != setting.path:
        key = setting.env_var or setting.ref or setting.key  # the edit is where the variable is set
    codes = sorted({f.code for f in planned.findings})
    environments = sorted({s.environment for s in planned.settings})
    return Change(
        path=planned.path,
        key=key,
        old=planned.old,
        new=planned.new,
        code=", ".join(codes),
        environments=tuple(environments),
        reason=f"{first.message}; {planned.note}" if planned.note else first.message,
        line=planned.line,
        services=tuple(sorted({s.service for s in planned.settings if s.service})),
        fingerprints=tuple(f.fingerprint for f in planned.findings if f.fingerprint),
        settings=tuple((s.path, s.line, s.key) for s in planned.settings),
        why=next((reasons[id(f)] for f in planned.findings if reasons.get(id(f))), ""),
    )
