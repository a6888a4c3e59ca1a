"""The TOML source: `[database] pool_size`-style tables of app configs, Rocket
`[default.databases.x]`, `[tool.NAME.database]` in pyproject.toml, and pool parameters inside
database URLs.

tomllib parses (and rejects malformed files with their line); `_tomlscan` finds where each value
is written, and every value reported is confirmed against tomllib's data.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from poolaudit import environments
from poolaudit.catalog import KeyInfo, normalize
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Origin, Provenance, Setting, Span
from poolaudit.sources import _appkeys
from poolaudit.sources._lines import LineIndex, suppression
from poolaudit.sources._tomlscan import Path, Scanner
from poolaudit.sources._values import url_pool_params
from poolaudit.sources._written import Written, interpret, literal

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef, import-not-found, unused-ignore]

KIND = "toml"
LITERALS: tuple[bytes, ...] = (
    b"pool",
    b"Pool",
    b"POOL",
    b"max",
    b"Max",
    b"MAX",
    b"min",
    b"Min",
    b"MIN",
    b"overflow",
    b"Overflow",
    b"OVERFLOW",
    b"cquire",
    b"CQUIRE",
    b"heckout",
    b"HECKOUT",
    b"recycle",
    b"RECYCLE",
    b"ping",
    b"Ping",
    b"PING",
    b"imit",
    b"IMIT",
    b"databases",
)

# Rocket profiles: `release` is what a release build (production) runs, `debug` a dev build.
_ROCKET_PROFILES = {
    "default": None,
    "global": None,
    "debug": "development",
    "release": "production",
}
_ROCKET_KEYS = {
    "timeout": KeyInfo(
        "acquire_timeout", "s"
    ),  # rocket_sync_db_pools: seconds to wait for a connection
    "idle_timeout": KeyInfo("idle_timeout", "s"),  # rocket_db_pools
    "connect_timeout": None,  # time to establish a new connection, not to acquire one
}
_LINE = re.compile(r"line (\d+)")
_WORD = re.compile(r"[A-Za-z]+")


def extract(path: str, text: str) -> Extraction:
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))  # offsets keep the BOM
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            match = _LINE.search(str(exc))
            line = int(match.group(1)) if match else text.count("\n") + (not text.endswith("\n"))
        raise SourceError(f"invalid TOML: {exc}", line) from None
    scanner = Scanner(text).run()
    found = Extraction()
    lines = LineIndex(text)
    for offset, comment in scanner.comments:
        record = suppression(path, lines.line(offset), comment)
        if record is not None:
            found.suppressions.append(record)
    name = path.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    rocket_file = name.lower() == "rocket.toml"
    for keys, start, end in scanner.scalars:
        found.settings.extend(
            _settings(path, text, lines, data, keys, start, end, stem, rocket_file)
        )
    return found


def _settings(
    path: str,
    text: str,
    lines: LineIndex,
    data: dict[str, Any],
    keys: Path,
    start: int,
    end: int,
    stem: str,
    rocket_file: bool,
) -> list[Setting]:
    names = [k for k in keys if isinstance(k, str)]
    if not names or isinstance(keys[-1], int):
        return []  # array elements are lists of things, never one pool's setting
    parents, leaf = names[:-1], names[-1]
    rocket = (
        len(names) == 4
        and normalize(names[1]) == "databases"
        and (rocket_file or names[0].lower() in _ROCKET_PROFILES)
    )
    if rocket and leaf.lower() in _ROCKET_KEYS:
        info = _ROCKET_KEYS[leaf.lower()]
        info = None if _appkeys.is_excluded(names[2:3]) else info
    else:
        info = _appkeys.classify(parents, leaf, (stem,))
    raw = text[start:end]
    value = _confirmed(data, keys, raw)
    if value is _MISSING:
        return []
    if info is not None and _names_other_service(data, keys[:-1]):
        return []
    environment = _environment(names, rocket)
    framework = "rocket" if rocket else "app-config"
    if info is None:
        if isinstance(value, str) and _appkeys.is_database_url(".".join(names), value):
            return _url_params(path, lines, keys, raw, start, value, framework, environment)
        return []
    written = _written(raw, value, info)
    if written is None:
        return []
    return [
        _setting(
            path,
            lines,
            keys,
            info.canonical,
            raw,
            start,
            written,
            framework,
            environment,
            _pool(keys),
        )
    ]


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
    quote = 3 if raw.startswith(('"""', "'''")) else 1
    inner = raw[quote:-quote]
    if inner != value:  # escapes or a trimmed first newline: the text cannot be edited in place
        written = interpret(value, info.canonical, info.unit)
        return written and Written(
            written.written, written.provenance, written.env_var, written.unit, None, written.note
        )
    written = interpret(inner, info.canonical, info.unit)
    if written is None or written.origin is None:
        return written
    shifted = (written.origin[0] + quote, written.origin[1] + quote)
    return Written(
        written.written, written.provenance, written.env_var, written.unit, shifted, written.note
    )


def _url_params(
    path: str,
    lines: LineIndex,
    keys: Path,
    raw: str,
    start: int,
    value: str,
    framework: str,
    environment: str,
) -> list[Setting]:
    quote = 3 if raw.startswith(('"""', "'''")) else 1
    if raw[quote:-quote] != value:
        return []
    found = []
    for param in url_pool_params(value):
        written = interpret(param.raw, param.canonical, "s")
        if written is None:
            continue
        at = start + quote + param.start
        setting = _setting(
            path,
            lines,
            keys,
            param.canonical,
            param.raw,
            at,
            written,
            framework,
            environment,
            _key(keys),
        )
        found.append(setting.replace(key=param.key, note=f"in {_key(keys)}"))
    return found


def _setting(
    path: str,
    lines: LineIndex,
    keys: Path,
    canonical: str,
    raw: str,
    start: int,
    written: Written,
    framework: str,
    environment: str,
    pool: str,
) -> Setting:
    line, column = lines.position(start)
    origin = None
    if written.origin is not None:
        o_start, o_end = start + written.origin[0], start + written.origin[1]
        o_line, o_column = lines.position(o_start)
        origin = Origin(path, Span(o_start, o_end), o_line, o_column)
    return Setting(
        path=path,
        line=line,
        column=column,
        span=Span(start, start + len(raw)),
        kind=KIND,
        framework=framework,
        key=_key(keys),
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
        note=written.note,
    )


_MISSING = object()


def _confirmed(data: dict[str, Any], keys: Path, raw: str) -> object:
    """tomllib's value at `keys`, when the scanned text holds that very value; else _MISSING."""
    node: Any = data
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return _MISSING
    try:
        scanned = tomllib.loads("v = " + raw)["v"]
    except tomllib.TOMLDecodeError:
        return _MISSING
    if scanned != node or type(scanned) is not type(node):
        return _MISSING
    return node


def _names_other_service(data: dict[str, Any], table: Path) -> bool:
    """A table whose own `url` is a Redis/AMQP/HTTP URL holds that service's pool, whatever the
    table is called (`[default.databases.sessions] url = "redis://..."` in Rocket.toml)."""
    node: Any = data
    for key in table:
        node = node[key]
    if not isinstance(node, dict):
        return False
    for name in ("url", "uri", "dsn"):
        url = node.get(name)
        if isinstance(url, str) and "://" in url and not _appkeys.is_database_url("database", url):
            return True
    return False


def _environment(names: list[str], rocket: bool) -> str:
    if rocket:
        profile = names[0].lower()
        if profile in _ROCKET_PROFILES:
            return _ROCKET_PROFILES[profile] or "any"
    # Environment tables (`[production.database]`, dynaconf's `[development]`) name one word.
    for name in names[:-1]:
        if _WORD.fullmatch(name):
            found = environments.from_name(name)
            if found:
                return found
    return "any"


def _key(keys: Path) -> str:
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            text = str(key)
            part = (
                text
                if re.fullmatch(r"[A-Za-z0-9_\-]+", text)
                else '"' + text.replace('"', '\\"') + '"'
            )
            out += ("." if out else "") + part
    return out


def _pool(keys: Path) -> str:
    """The table a setting belongs to; a `pool` sub-table belongs to its parent's pool."""
    parents = keys[:-1]
    if (
        parents
        and isinstance(parents[-1], str)
        and _appkeys.is_pool_block(parents[-1])
        and len(parents) > 1
    ):
        parents = parents[:-1]
    return _key(parents)
