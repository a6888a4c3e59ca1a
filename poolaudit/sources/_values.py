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
        compound = _go_duration(text)
        return (None, bare_unit) if compound is None else (compound, "duration")
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


_GO_DURATION = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h))+")
_GO_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h)")


def _go_duration(text: str) -> float | int | None:
    """Go's compound durations (`1h30m`, `2h45m`, `1m30s`: time.ParseDuration) in seconds."""
    text = text.strip()
    if not _GO_DURATION.fullmatch(text):
        return None
    seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in _GO_PART.findall(text))
    return int(seconds) if seconds == int(seconds) else seconds


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


# Pool parameters found in database URLs / DSNs / connection strings, by their spelling
# (lower case, spaces removed: `Max Pool Size`, `MaxPoolSize` and `maxPoolSize` are one key) ->
# canonical name.  Times are seconds unless URL_PARAM_UNITS says milliseconds.
URL_PARAMS: dict[str, str] = {
    "connection_limit": "max_size",  # Prisma
    "pool_timeout": "acquire_timeout",  # Prisma (seconds)
    "pool_max_conns": "max_size",  # pgx pgxpool
    "pool_min_conns": "min_idle",
    "pool_min_idle_conns": "min_idle",
    "pool_max_conn_lifetime": "recycle",  # Go durations (`1h30m`)
    "pool_max_conn_idle_time": "idle_timeout",
    "max_conns": "max_size",  # Ory (pop) DSNs: ?max_conns=20&max_idle_conns=4&max_conn_lifetime=30m
    "max_conn_lifetime": "recycle",
    "max_conn_idle_time": "idle_timeout",
    "maxpoolsize": "max_size",  # MongoDB; SqlClient/Npgsql/MySqlConnector `Max Pool Size`
    "minpoolsize": "min_idle",
    "maximumpoolsize": "max_size",  # Npgsql, MySqlConnector
    "minimumpoolsize": "min_idle",
    "maxidletimems": "idle_timeout",  # MongoDB (milliseconds)
    "waitqueuetimeoutms": "acquire_timeout",
    "connectionidlelifetime": "idle_timeout",  # Npgsql (seconds)
    "connectionidletimeout": "idle_timeout",  # MySqlConnector
    "connectionlifetime": "recycle",  # Npgsql, SqlClient, MySqlConnector
    "loadbalancetimeout": "recycle",  # SqlClient's other name for Connection Lifetime
    "max_size": "max_size",  # encode/databases
    "min_size": "min_idle",
    "maxsize": "max_size",  # Tortoise
    "minsize": "min_idle",
    "pool": "max_size",  # Rails DATABASE_URL ?pool=5
    "pool_size": "max_size",
    "max_connections": "max_size",  # Peewee pool URLs
    "stale_timeout": "recycle",
}
URL_PARAM_UNITS = {"maxidletimems": "ms", "waitqueuetimeoutms": "ms"}
_TIME_PARAMS = frozenset({"acquire_timeout", "idle_timeout", "recycle"})


def url_param(key: str) -> tuple[str, str | None] | None:
    """(canonical, bare unit of a time) of a URL/connection-string parameter, or None."""
    norm = key.lower().replace(" ", "")
    canonical = URL_PARAMS.get(norm)
    if canonical is None:
        return None
    return canonical, URL_PARAM_UNITS.get(norm, "s") if canonical in _TIME_PARAMS else None


_URL_PARAM = re.compile(r"(?:(?<=[?&;])|^)\s*([A-Za-z_][A-Za-z _]*?)\s*=\s*([^&;#\s\"']*)")


@dataclass(frozen=True, slots=True)
class UrlParam:
    key: str
    canonical: str
    raw: str
    start: int  # offset of the value
    end: int
    unit: str | None = None  # "s" / "ms": how a time written as a bare number counts


# libpq keyword/value DSNs (`host=db dbname=app pool_max_conns=10`): pgx reads its `pool_*`
# parameters there too; the other keywords are the driver's, never a pool's.
_DSN_PAIR = re.compile(r"(?:^|(?<=\s))(pool_[a-z_]+)[ \t]*=[ \t]*(?:'([^'\\]*)'|([^\s'\\]+))")
_DSN_KEYWORD = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|port)[ \t]*=")


def _param_value(raw: str, canonical: str, unit: str | None) -> bool:
    if canonical in _TIME_PARAMS:
        return parse_duration(raw, unit or "s")[0] is not None
    return parse_number(raw) is not None


def url_pool_params(text: str) -> list[UrlParam]:
    """Pool parameters in a URL query (`?pool_max_conns=10&...`), a `;`-separated
    connection string (`...;Max Pool Size=200`) or a keyword/value DSN (`host=db
    pool_max_conns=10`).  JDBC URLs carry none: the pool (Hikari, Agroal ...) is configured
    apart, and PgJDBC/Connector/J have no pool parameters."""
    if text.lstrip()[:5].lower() == "jdbc:":
        return []
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
        known = url_param(key)
        if known is None or not _param_value(match.group(2), *known):
            continue
        found.append(UrlParam(key, known[0], match.group(2), match.start(2), match.end(2), known[1]))
    return found


def _dsn_pool_params(text: str) -> list[UrlParam]:
    found = []
    for match in _DSN_PAIR.finditer(text):
        group = 2 if match.group(2) is not None else 3
        known = url_param(match.group(1))
        if known is None or not _param_value(match.group(group), *known):
            continue
        found.append(
            UrlParam(match.group(1), known[0], match.group(group), match.start(group), match.end(group), known[1])
        )
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
