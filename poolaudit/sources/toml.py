"""The TOML source: `[database] pool_size`-style tables of app configs, Rocket
`[default.databases.x]`, `[tool.NAME.database]` in pyproject.toml, and pool parameters inside
database URLs.

tomllib parses (and rejects malformed files with their line); `_tomlscan` finds where each value
is written, and every value reported is confirmed against tomllib's data.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from poolaudit import environments
from poolaudit.catalog import KeyInfo, classify_env_var, normalize
from poolaudit.errors import SourceError
from poolaudit.model import EnvDef, Extraction, Provenance, Setting, Span
from poolaudit.sources import _appkeys
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

# Rocket profiles: `release` is what a release build (production) runs, `debug` a dev build.
_ROCKET_PROFILES = {
    "default": None,
    "global": None,
    "debug": "development",
    "release": "production",
}
_ROCKET_KEYS = {
    "timeout": KeyInfo("acquire_timeout", "s"),  # rocket_sync_db_pools: wait for a connection
    "idle_timeout": KeyInfo("idle_timeout", "s"),  # rocket_db_pools
    # rocket_db_pools: "seconds to wait for a connection before timing out ... made or retrieved
    # from a pool" (contrib/db_pools config.rs); its sqlx pools take it as acquire_timeout and its
    # deadpool pools as the wait timeout.
    "connect_timeout": KeyInfo("acquire_timeout", "s"),
}
_LINE = re.compile(r"line (\d+)")
_WORD = re.compile(r"[A-Za-z]+")
# Tables of environment variables (fly.toml `[env]`): their keys are read as env var names.
_ENV_TABLES = frozenset({"env", "environment"})
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


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
    wanted = _candidates(data, stem, rocket)
    variables = _variables(data)
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


def _variables(data: dict[str, Any]) -> set[Path]:
    """The variables a table of environment variables sets (fly.toml `[env] DB_POOL_SIZE =
    "20"`): values for the placeholders of the service's other files, as an env file's are."""
    found: set[Path] = set()
    for table, node in data.items():
        if table.lower() in _ENV_TABLES and isinstance(node, dict):
            found.update((table, name) for name, value in node.items()
                         if _ENV_NAME.fullmatch(name) and isinstance(value, (str, int, float)))  # fmt: skip
    return found


def _variable(file: _File, keys: Path, start: int, end: int) -> EnvDef:
    raw = file.text[start:end]
    quote = 3 if raw.startswith(('"""', "'''")) else 1 if raw[:1] in "\"'" else 0
    bare = (start + quote, end - quote)
    line, column = file.lines.position(bare[0])
    name = str(keys[-1])
    return EnvDef(name, f"{name} = {raw}", parse_scalar(file.text[bare[0] : bare[1]]), file.path, line, column, Span(*bare))


def _candidates(data: dict[str, Any], stem: str, rocket: bool) -> set[Path]:
    """The key paths of scalars that may be reported: a pool key, or a string that is a database
    URL.  `_settings` returns nothing for every other scalar, so the scanner's other finds are
    skipped."""
    found: set[Path] = set()
    stack: list[tuple[Path, Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        for key, value in node.items() if isinstance(node, dict) else enumerate(node):
            if isinstance(value, (dict, list)):
                stack.append(((*path, key), value))
            elif isinstance(key, str):  # array elements are never settings
                keys = (*path, key)
                names = [k for k in keys if isinstance(k, str)]
                if names[:2] == ["tool", "poolaudit"]:
                    continue
                info, _, url_name = _key_info(tuple(names), stem, rocket)
                if info is not None:
                    found.add(keys)
                elif isinstance(value, str):
                    # Without a colon there is no scheme: the key's name alone decides (cached).
                    if ":" in value:
                        url_name = _appkeys.is_database_url(".".join(names), value)
                    if url_name:
                        found.add(keys)
    return found


# (names, stem, Rocket.toml?) -> _key_info's answer; the same keys recur in every service.
_KEY_INFO: dict[tuple[tuple[str, ...], str, bool], tuple[KeyInfo | None, bool, bool]] = {}


def _key_info(
    names: tuple[str, ...], stem: str, rocket_file: bool
) -> tuple[KeyInfo | None, bool, bool]:
    """The pool setting the key `names` holds (or None), whether it is a Rocket pool's, and
    whether a value without a URL scheme is a database URL by the key's name alone."""
    cached = _KEY_INFO.get((names, stem, rocket_file))
    if cached is not None:
        return cached
    rocket = (
        len(names) == 4
        and normalize(names[1]) == "databases"
        and (rocket_file or names[0].lower() in _ROCKET_PROFILES)
    )
    if len(names) == 2 and names[0].lower() in _ENV_TABLES and _ENV_NAME.fullmatch(names[1]):
        info = classify_env_var(names[1])  # fly.toml `[env] POOL_SIZE = "10"`: an env var's name
    elif rocket and names[-1].lower() in _ROCKET_KEYS:
        info = None if _appkeys.is_excluded(list(names[2:3])) else _ROCKET_KEYS[names[-1].lower()]
    else:
        info = _appkeys.classify(list(names[:-1]), names[-1], (stem,))
    if len(_KEY_INFO) >= 8192:  # a bound for huge monorepos; refilling is cheap
        _KEY_INFO.clear()
    url_name = _appkeys.is_database_url(".".join(names), "")
    _KEY_INFO[(names, stem, rocket_file)] = answer = (info, rocket, url_name)
    return answer


def _settings(file: _File, keys: Path, start: int, end: int) -> list[Setting]:
    names = [k for k in keys if isinstance(k, str)]
    if not names or isinstance(keys[-1], int):
        return []  # array elements are lists of things, never one pool's setting
    if names[:2] == ["tool", "poolaudit"]:
        return []  # poolaudit's own policy (budgets, bounds), not a service's configuration
    info, rocket, _ = _key_info(tuple(names), file.stem, file.rocket)
    raw = file.text[start:end]
    value = confirmed(file.data, keys, raw)
    if value is MISSING or (info is not None and _names_other_service(file.data, keys[:-1])):
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
    quote = 3 if raw.startswith(('"""', "'''")) else 1
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
    quote = 3 if raw.startswith(('"""', "'''")) else 1
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
        if isinstance(url, str) and "://" in url and not _appkeys.is_database_url("db", url):
            return True
    return False


def _environment(names: list[str], rocket: bool) -> str:
    if rocket and names[0].lower() in _ROCKET_PROFILES:
        return _ROCKET_PROFILES[names[0].lower()] or "any"
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
