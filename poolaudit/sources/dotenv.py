"""The env-file source (`.env`, `.env.*`, `*.env`, `env.sample`): every assignment as an EnvDef,
pool variables (`DB_POOL_SIZE=10`) and pool parameters inside database URLs as settings.

The syntax is python-dotenv's: `KEY=value`, `export KEY=value`, spaces around `=`, single- or
double-quoted values (double quotes may span lines), ` # comments` after unquoted values.  Any
other non-blank, non-comment line makes the file malformed, as python-dotenv warns.  JSON
values of SPRING_APPLICATION_JSON and the like are read by env_json.
"""

from __future__ import annotations

import re

from poolaudit import catalog, envnames
from poolaudit.errors import SourceError
from poolaudit.model import EnvDef, Extraction, Span
from poolaudit.sources import _appkeys, env_json
from poolaudit.sources._lines import LineIndex, suppression
from poolaudit.sources._values import find_placeholder, parse_scalar, url_pool_params
from poolaudit.sources._written import interpret, make_setting

KIND = "env"
LITERALS: tuple[bytes, ...] = ()  # env files are tiny and define variables for the resolver

_ASSIGN = re.compile(
    r"[ \t]*(?:export[ \t]+)?(?P<key>[^=#\s'\"]+|'[^'\n]*'|\"[^\"\n]*\")[ \t]*=[ \t]*"
)
_BARE_NAME = re.compile(r"[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.]*[ \t]*(?:#.*)?\r?")
_DOUBLE = re.compile(r'"((?:\\.|[^"\\])*)"', re.DOTALL)
_SINGLE = re.compile(r"'((?:\\'|[^'])*)'", re.DOTALL)
_AFTER_QUOTE = re.compile(r"[ \t]*(#.*)?\r?")
_COMMENT = re.compile(r"\s+#")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "$": "$"}
# Words that name a setting's role; what is left of a variable's name identifies its pool.
_ROLE_WORDS = frozenset(
    [
        "pool",
        "pooling",  # DB_POOLING_MAX
        "default",  # PGBOUNCER_DEFAULT_POOL_SIZE
        "reserve",  # PGBOUNCER_RESERVE_POOL_SIZE
        "size",
        "max",
        "min",
        "maxsize",
        "minsize",
        "overflow",
        "timeout",
        "recycle",
        "pre",
        "ping",
        "conn",
        "conns",
        "connection",
        "connections",
        "limit",
        "idle",
        "acquire",
        "checkout",
        "age",
        "open",
        "lifetime",
        "maxpoolsize",
        "minpoolsize",
        "maximumpoolsize",
        "minimumidle",
        "connectiontimeout",
        "idletimeout",
        "maxlifetime",
        *("ms", "millis", "milliseconds", "seconds", "secs", "sec"),  # DATABASE_POOL_IDLE_TIMEOUT_MS
    ]
)


def extract(path: str, text: str) -> Extraction:
    found = Extraction()
    lines = LineIndex(text)
    pos = 1 if text.startswith("\ufeff") else 0
    size = len(text)
    while pos < size:
        eol = text.find("\n", pos)
        eol = size if eol < 0 else eol
        line = text[pos:eol]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            _suppress(found, path, lines.line(pos), stripped)
            pos = eol + 1
            continue
        match = _ASSIGN.match(text, pos)
        if match is None or match.end() > eol:
            if _BARE_NAME.fullmatch(line):
                pos = eol + 1  # `KEY` alone: no value here (python-dotenv reads it as unset)
                continue
            number = lines.line(pos)
            raise SourceError(f"line {number} is not a KEY=value assignment", number)
        pos = _assignment(found, path, text, lines, match)
    return found


def _assignment(
    found: Extraction, path: str, text: str, lines: LineIndex, match: re.Match[str]
) -> int:
    """Record one assignment; return the offset where the next line starts."""
    name = match.group("key").strip("'\"")
    start = match.end()
    quote = text[start : start + 1]
    if quote in ('"', "'"):
        closed = (_DOUBLE if quote == '"' else _SINGLE).match(text, start)
        if closed is None:
            number = lines.line(start)
            raise SourceError(f"line {number}: unterminated {quote}-quoted value of {name}", number)
        end = closed.end()
        bare_start, bare_end = start + 1, end - 1
        eol = text.find("\n", end)
        eol = len(text) if eol < 0 else eol
        after = _AFTER_QUOTE.fullmatch(text, end, eol)
        if after is None:
            number = lines.line(end)
            raise SourceError(f"line {number}: text after the closing quote of {name}", number)
        _suppress(found, path, lines.line(end), after.group(1) or "")
        inner = text[bare_start:bare_end]
        value_text = _unescape(inner) if quote == '"' else inner.replace("\\'", "'")
    else:
        eol = text.find("\n", start)
        eol = len(text) if eol < 0 else eol
        rest = text[start:eol].rstrip("\r")
        comment = _COMMENT.search(rest)
        if comment is not None:
            _suppress(found, path, lines.line(start), rest[comment.end() - 1 :])
            rest = rest[: comment.start()]
        rest = rest.rstrip()
        bare_start, bare_end = start, start + len(rest)
        end = bare_end
        inner = value_text = rest
    raw = text[start:end]
    if env_json.holds_json(name, value_text):
        verbatim = bare_start if inner == value_text else None
        found.settings.extend(
            env_json.settings(path, text, name, value_text, verbatim, lines.position(bare_start), kind=KIND, key=name)
        )
    found.env.append(_envdef(path, lines, name, raw, inner, value_text, bare_start, bare_end))
    info = envnames.classify_env_var(name)
    written = interpret(inner, info.canonical, info.unit) if info is not None else None
    if info is not None and written is not None:
        found.settings.append(
            make_setting(path, lines, written, kind=KIND, framework=catalog.env_framework(info, "env"), key=name,
                         canonical=info.canonical, raw=raw, start=start, origin_base=bare_start,
                         pool=_pool(name))
        )  # fmt: skip
    if inner and _appkeys.is_database_url(name, value_text):
        for param in url_pool_params(inner):
            written = interpret(param.raw, param.canonical, param.unit)
            if written is not None:
                found.settings.append(
                    make_setting(path, lines, written, kind=KIND, framework="env", key=param.key,
                                 canonical=param.canonical, raw=param.raw,
                                 start=bare_start + param.start, pool=name, note=f"in {name}")
                )  # fmt: skip
    return eol + 1


def _envdef(
    path: str,
    lines: LineIndex,
    name: str,
    raw: str,
    inner: str,
    value_text: str,
    start: int,
    end: int,
) -> EnvDef:
    """`${VAR:-5}` sets the variable to 5 when VAR is unset: the default is the value, and its
    text is what a fix edits."""
    value = parse_scalar(value_text) if value_text.strip() else None
    placeholder = find_placeholder(inner)
    if placeholder is not None and placeholder.default is not None and placeholder.default.strip():
        default = placeholder.default
        begin = start + placeholder.default_start + len(default) - len(default.lstrip())
        value, start, end = parse_scalar(default), begin, begin + len(default.strip())
    line, column = lines.position(start)
    return EnvDef(name, raw, value, path, line, column, Span(start, end))


def _pool(name: str) -> str:
    """`DB_POOL_SIZE` and `DB_MAX_OVERFLOW` share pool "DB"; bare `POOL_SIZE` is pool "env"."""
    parts = name.split("_")
    while parts and parts[-1].lower() in _ROLE_WORDS:
        parts.pop()
    return "_".join(parts) or "env"


def _unescape(text: str) -> str:
    if "\\" not in text:
        return text
    return re.sub(
        r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), text, flags=re.DOTALL
    )


def _suppress(found: Extraction, path: str, line: int, comment: str) -> None:
    record = suppression(path, line, comment)
    if record is not None:
        found.suppressions.append(record)
