"""The TOML source: `[database] pool_size`-style tables of app configs, Rocket
`[default.databases.x]`, `[tool.NAME.database]` in pyproject.toml, and pool parameters inside
database URLs.

tomllib parses (and rejects malformed files with their line); `_tomlkeys` decides from its data
which keys may hold a setting (and reads tables of environment variables, fly.toml `[env]`);
`_tomlscan` finds where each value is written, and every value reported is confirmed against
tomllib's data.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from poolaudit import environments
from poolaudit.catalog import KeyInfo
from poolaudit.errors import SourceError
from poolaudit.model import EnvDef, Extraction, Provenance, Setting, Span
from poolaudit.sources import _appkeys, _tomlkeys
from poolaudit.sources._lines import LineIndex, suppression
from poolaudit.sources._tomlscan import MISSING, Path, Scanner, confirmed, dotted
from poolaudit.sources._values import parse_scalar, url_pool_params
from poolaudit.sources._written import Written, interpret, literal, make_setting

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef, import-not-found, unused-ignore]

KIND = "toml"
# Bytes that any pool spelling holds; a TOML file without one is not parsed.
_SPELLED = (
    "pool",
    "max",
    "min",
    "overflow",
    "recycle",
    "ping",
    "databases",
    "cquire",
    "heckout",
    "imit",
    "idle",  # [database] idle_timeout
    "lifetime",  # [database] connection_lifetime
)
LITERALS: tuple[bytes, ...] = tuple(
    variant.encode() for word in _SPELLED for variant in (word, word.capitalize(), word.upper())
)

_LINE = re.compile(r"line (\d+)")
_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class _File:
    path: str
    text: str
    lines: LineIndex
    data: dict[str, Any]
    stem: str
    rocket: bool  # the file is Rocket.toml


@dataclass(frozen=True)
class _Context:
    framework: str
    environment: str


def extract(path: str, text: str) -> Extraction:
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # offsets keep the BOM
    except tomllib.TOMLDecodeError as exc:
        last = max(1, text.count("\n") + (not text.endswith("\n")))
        line = getattr(exc, "lineno", None)
        if line is None:
            match = _LINE.search(str(exc))
            line = int(match.group(1)) if match else last
        # tomli (Python 3.10) places an error at the end of the document on the line after it.
        raise SourceError(f"invalid TOML: {exc}", min(line, last)) from None
    name = path.rsplit("/", 1)[-1]
    stem, rocket = name.rsplit(".", 1)[0], name.lower() == "rocket.toml"
    # Most TOML files (pyproject.toml above all) hold no pool key and no database URL: tomllib's
    # data tells so, and only files that may hold one pay for the position scanner.
    wanted = _tomlkeys.candidates(data, stem, rocket)
    variables = _tomlkeys.variables(data)
    found = Extraction()
    if not wanted and not variables and "poolaudit:" not in text:  # no setting, no suppression
        return found
    scanner = Scanner(text).run()
    lines = LineIndex(text)
    for offset, comment in scanner.comments:
        record = suppression(path, lines.line(offset), comment)
        if record is not None:
            found.suppressions.append(record)
    file = _File(path, text, lines, data, stem, rocket)
    for keys, start, end in scanner.scalars:
        if keys in wanted:  # any other scalar is ruled out by what `_candidates` checks
            found.settings.extend(_settings(file, keys, start, end))
        if keys in variables:
            found.env.append(_variable(file, keys, start, end))
    return found


def _variable(file: _File, keys: Path, start: int, end: int) -> EnvDef:
    raw = file.text[start:end]
    quote = _quote_len(raw)
    bare = (start + quote, end - quote)
    line, column = file.lines.position(bare[0])
    name = str(keys[-1])
    value = parse_scalar(file.text[bare[0] : bare[1]])
    return EnvDef(name, f"{name} = {raw}", value, file.path, line, column, Span(*bare))


def _settings(file: _File, keys: Path, start: int, end: int) -> list[Setting]:
    names = [k for k in keys if isinstance(k, str)]
    if not names or isinstance(keys[-1], int):
        return []  # array elements are lists of things, never one pool's setting
    if names[:2] == ["tool", "poolaudit"]:
        return []  # poolaudit's own policy (budgets, bounds), not a service's configuration
    info, rocket, _ = _tomlkeys.key_info(tuple(names), file.stem, file.rocket)
    raw = file.text[start:end]
    value = confirmed(file.data, keys, raw)
    if value is MISSING:
        return []
    if info is not None and _tomlkeys.names_other_service(file.data, keys[:-1]):
        return []
    context = _Context("rocket" if rocket else "app-config", _environment(names, rocket))
    if info is None:
        if not isinstance(value, str) or not _appkeys.is_database_url(".".join(names), value):
            return []
        return _url_params(file, keys, raw, start, value, context)
    written = _written(raw, value, info)
    if written is None:
        return []
    key, pool = dotted(keys), _pool(keys)
    return [
        make_setting(file.path, file.lines, written, key=key, canonical=info.canonical, raw=raw,
                     start=start, pool=pool, kind=KIND, framework=context.framework,
                     environment=context.environment)
    ]  # fmt: skip


def _written(raw: str, value: object, info: KeyInfo) -> Written | None:
    if isinstance(value, bool):
        if info.canonical != "pre_ping":
            return None
        return Written(value, Provenance.LITERAL, None, None, (0, len(raw)))
    if isinstance(value, (int, float)):
        parsed = literal(str(value), info.canonical, info.unit)
        if parsed is None:
            return None
        return Written(parsed[0], Provenance.LITERAL, None, parsed[1], (0, len(raw)))
    if not isinstance(value, str):
        return None
    quote = _quote_len(raw)
    inner = raw[quote:-quote]
    # Escapes or a trimmed first newline: the value is read, but its text cannot be edited.
    written = interpret(inner if inner == value else value, info.canonical, info.unit)
    if written is None or written.origin is None:
        return written
    shifted = (written.origin[0] + quote, written.origin[1] + quote) if inner == value else None
    return Written(written.written, written.provenance, written.env_var, written.unit, shifted)


def _url_params(
    file: _File, keys: Path, raw: str, start: int, value: str, context: _Context
) -> list[Setting]:
    quote = _quote_len(raw)
    if raw[quote:-quote] != value:
        return []
    found = []
    for param in url_pool_params(value):
        written = interpret(param.raw, param.canonical, param.unit)
        if written is not None:
            found.append(
                make_setting(file.path, file.lines, written, key=param.key,
                             canonical=param.canonical, raw=param.raw,
                             start=start + quote + param.start, pool=dotted(keys),
                             note=f"in {dotted(keys)}", kind=KIND, framework=context.framework,
                             environment=context.environment)
            )  # fmt: skip
    return found


def _environment(names: list[str], rocket: bool) -> str:
    if rocket and names[0].lower() in _tomlkeys.ROCKET_PROFILES:
        return _tomlkeys.ROCKET_PROFILES[names[0].lower()] or "any"
    # Environment tables (`[production.database]`, dynaconf's `[development]`) name one word.
    for name in names[:-1]:
        if _WORD.fullmatch(name):
            found = environments.from_name(name)
            if found:
                return found
    return "any"


def _pool(keys: Path) -> str:
    """The table a setting belongs to; a `pool` sub-table belongs to its parent's pool."""
    parents = keys[:-1]
    last = parents[-1] if parents else None
    if len(parents) > 1 and isinstance(last, str) and _appkeys.is_pool_block(last):
        parents = parents[:-1]
    return dotted(parents)


def _quote_len(raw: str) -> int:
    """The length of the quotes around a TOML value as written (0 for a bare number)."""
    return 3 if raw.startswith(('"""', "'''")) else 1 if raw[:1] in "\"'" else 0
