"""Value syntax shared by every file kind: numbers, durations, `${VAR:default}` placeholders,
pool parameters inside database URLs, and masking of passwords in URLs.

Offsets returned here are relative to the text passed in; callers add the offset of that
text in its file to get a file span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from poolaudit.model import Value

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)")


def parse_number(text: str) -> int | float | None:
    """`"10"` -> 10, `"2.5"` -> 2.5, anything else -> None (no guessing)."""
    text = text.strip()
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return None


def parse_bool(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on", "1"):
        return True
    if lowered in ("false", "no", "off", "0"):
        return False
    return None


def parse_scalar(text: str) -> Value:
    number = parse_number(text)
    if number is not None:
        return number
    return parse_bool(text)


_DURATION = re.compile(
    r"(?i)\s*(?:PT)?([+-]?\d+(?:\.\d+)?)\s*(ms|millis|milliseconds?|s|secs?|seconds?|m|mins?|"
    r"minutes?|h|hours?|d|days?)?\s*"
)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str, bare_unit: str = "s") -> tuple[float | int | None, str]:
    """Parse `30s`, `500ms`, `PT5S`, `2M`, `1 minute`, or a bare number in `bare_unit`.

    Returns (seconds, unit-as-written): unit is "ms"/"s" for bare numbers in that unit and
    "duration" for numbers with a suffix, so a fix can write the new value the same way.
    """
    match = _DURATION.fullmatch(text)
    if not match:
        return None, bare_unit
    number, suffix = match.group(1), match.group(2)
    amount = float(number)
    if suffix is None:
        seconds = amount * _UNIT_SECONDS[bare_unit]
        unit = bare_unit
    else:
        key = suffix.lower()
        key = "ms" if key.startswith("m") and key not in ("m", "min", "mins", "minute", "minutes") else key[0]
        seconds = amount * _UNIT_SECONDS[key]
        unit = "duration"
    return (int(seconds) if seconds == int(seconds) else seconds), unit


@dataclass(frozen=True, slots=True)
class Placeholder:
    """`${VAR:default}` (Spring, Quarkus), `${VAR:-default}` / `${VAR-default}` (shell, compose)."""

    var: str
    default: str | None  # None: no default written
    default_start: int  # offset of the default text (or of the closing brace when absent)
    start: int
    end: int


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.\-]*)(?:(:-|:|-)([^}]*))?\}")


def find_placeholder(text: str) -> Placeholder | None:
    """The placeholder when `text` is (after trimming) one whole placeholder, else None."""
    stripped = text.strip()
    match = _PLACEHOLDER.fullmatch(stripped)
    if not match:
        return None
    lead = len(text) - len(text.lstrip())
    default = match.group(3)
    default_start = lead + (match.start(3) if default is not None else match.end() - 1)
    return Placeholder(match.group(1), default, default_start, lead, lead + match.end())


# Pool parameters found in database URLs / DSNs, by their spelling -> canonical name.
URL_PARAMS: dict[str, str] = {
    "connection_limit": "max_size",  # Prisma
    "pool_timeout": "acquire_timeout",  # Prisma (seconds)
    "pool_max_conns": "max_size",  # pgx
    "pool_min_conns": "min_idle",
    "maxpoolsize": "max_size",  # MongoDB, .NET
    "minpoolsize": "min_idle",
    "max pool size": "max_size",  # SqlClient, Npgsql
    "maximum pool size": "max_size",
    "min pool size": "min_idle",
    "minimum pool size": "min_idle",
    "max_size": "max_size",  # encode/databases
    "min_size": "min_idle",
    "maxsize": "max_size",  # Tortoise
    "minsize": "min_idle",
    "pool": "max_size",  # Rails DATABASE_URL ?pool=5
    "pool_size": "max_size",
    "max_connections": "max_size",  # Peewee pool URLs
}

_URL_PARAM = re.compile(r"(?:(?<=[?&;])|^)\s*([A-Za-z_][A-Za-z _]*?)\s*=\s*([^&;#\s\"']*)")


@dataclass(frozen=True, slots=True)
class UrlParam:
    key: str
    canonical: str
    raw: str
    start: int  # offset of the value
    end: int


# libpq keyword/value DSNs (`host=db dbname=app pool_max_conns=10`): pgx reads its `pool_*`
# parameters there too; the other keywords are the driver's, never a pool's.
_DSN_PAIR = re.compile(r"(?:^|(?<=\s))(pool_[a-z_]+)[ \t]*=[ \t]*(?:'([^'\\]*)'|([^\s'\\]+))")
_DSN_KEYWORD = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|port)[ \t]*=")


def url_pool_params(text: str) -> list[UrlParam]:
    """Pool parameters in a URL query (`?pool_max_conns=10&...`), a `;`-separated
    connection string (`...;Max Pool Size=200`) or a keyword/value DSN (`host=db
    pool_max_conns=10`)."""
    if "?" in text:
        body_start = text.index("?") + 1
    elif ";" in text and "=" in text:
        body_start = 0
    elif "pool_" in text and "://" not in text and _DSN_KEYWORD.search(text):
        return _dsn_pool_params(text)
    else:
        return []
    found = []
    for match in _URL_PARAM.finditer(text, body_start):
        key = match.group(1)
        canonical = URL_PARAMS.get(key.lower())
        if canonical is None or parse_number(match.group(2)) is None:
            continue
        found.append(UrlParam(key, canonical, match.group(2), match.start(2), match.end(2)))
    return found


def _dsn_pool_params(text: str) -> list[UrlParam]:
    found = []
    for match in _DSN_PAIR.finditer(text):
        group = 2 if match.group(2) is not None else 3
        canonical = URL_PARAMS.get(match.group(1))
        if canonical is None or parse_number(match.group(group)) is None:
            continue
        found.append(UrlParam(match.group(1), canonical, match.group(group), match.start(group), match.end(group)))
    return found


_URL_PASSWORD = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)(?P<user>[^:/?#@\s]*):(?P<pw>[^@/?#\s]+)@")
_KV_PASSWORD = re.compile(r"(?i)\b(password|passwd|pwd)\s*=\s*('[^']*'|\"[^\"]*\"|[^;&\s]+)")


def mask_secrets(text: str) -> str:
    """Replace the password of every URL (`scheme://user:pw@host`) and of `password=` pairs
    in DSNs and connection strings with `****`."""
    # Cheap tests first: every report masks every text it prints, and few hold a password.
    if "@" in text and "://" in text:
        text = _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:****@", text)
    if "=" in text and ("pass" in text.lower() or "pwd" in text.lower()):
        text = _KV_PASSWORD.sub(lambda m: f"{m.group(1)}=****", text)
    return text
