"""Pool parameters inside database URL strings and f-strings (`...?max_size=20`,
`postgres+pool://...?max_connections=20`, `f"...?pool_max_conns={SIZE}"`); URLs of Redis,
AMQP or HTTP servers are not databases and are left alone."""

from __future__ import annotations

import ast
import re

from poolaudit.model import Provenance, Span
from poolaudit.sources._values import parse_duration, parse_number, url_param, url_pool_params
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_scopes import Scope
from poolaudit.sources.python_values import Val

_QUERY_PARAM = re.compile(r"(?<=[?&])([A-Za-z_][A-Za-z_]*)=(\x00\d+\x00|[^&#\s]*)")
_DB_SCHEMES = {
    "postgres", "postgresql", "pgsql", "psql", "mysql", "mariadb", "mssql", "sqlserver", "oracle",
    "cockroachdb", "mongodb", "redshift", "timescaledb", "asyncpg", "aiomysql", "aiopg", "psycopg",
    "psycopg2", "yugabytedb", "clickhouse",
}


def is_database_url(text: str) -> bool:
    scheme, sep, _ = text.strip().partition("://")
    if not sep:
        return False
    scheme = scheme.lower()
    return scheme.startswith("jdbc:") or scheme.split("+", 1)[0] in _DB_SCHEMES


def url_string(m: Module, node: ast.Constant, environment: str | None) -> None:
    """Pool parameters in a database URL literal (`...?max_size=20`, `postgres+pool://...`)."""
    text = node.value
    if not isinstance(text, str) or not is_database_url(text):  # the caller passes str constants only
        return
    inner = m.code.inner_string(node)
    for param in url_pool_params(text):
        number = parse_number(param.raw) if param.unit is None else parse_duration(param.raw, param.unit)[0]
        if inner is not None:
            span = Span(inner.start + param.start, inner.start + param.end)
            val = Val(Provenance.LITERAL, number, number, span)
        else:
            span = m.code.span(node)
            val = Val(Provenance.LITERAL, number, number, None)
        key = param.key.lower()
        m.out.emit_at(key=param.key, canonical=param.canonical, framework=_url_framework(text, key),
                      pool=f"url@{node.lineno}", span=span, raw=param.raw, val=val, environment=environment,
                      unit=param.unit,
                      note="SQLAlchemy passes URL parameters to the driver, not the pool" if key == "pool_size" else None)


def _url_framework(text: str, key: str) -> str:
    scheme = text.split("://", 1)[0].lower()
    if "+pool" in scheme or key == "max_connections":
        return "peewee"
    if key in ("minsize", "maxsize"):
        return "tortoise"
    if key in ("min_size", "max_size"):
        return "databases"
    if key.startswith("pool_m"):
        return "pgx"
    if scheme.startswith("mongodb"):
        return "mongodb"
    return "url"


def url_fstring(m: Module, node: ast.JoinedStr, scope: Scope, environment: str | None) -> None:
    """Pool parameters in an f-string URL: `f"postgresql://{host}/db?pool_max_conns={SIZE}"`."""
    text, expressions = "", {}
    for index, part in enumerate(node.values):
        if isinstance(part, ast.Constant):
            text += str(part.value)
        elif isinstance(part, ast.FormattedValue):
            token = f"\x00{index}\x00"
            expressions[token] = part.value
            text += token
    if "?" not in text or not is_database_url(text):
        return
    start = m.code.start(node)
    written = m.code.text[start : m.code.end(node)]
    for match in _QUERY_PARAM.finditer(text, text.index("?")):
        key, value = match.group(1), match.group(2)
        known = url_param(key)
        if known is None:
            continue
        canonical, unit = known
        framework, pool = _url_framework(text, key.lower()), f"url@{node.lineno}"
        if value in expressions:
            m.keyword(key=key, canonical=canonical, unit=unit, framework=framework, pool=pool,
                      value_node=expressions[value], scope=scope, environment=environment)
            continue
        number = parse_number(value) if unit is None else parse_duration(value, unit)[0]
        if number is None:
            continue
        pair = f"{key}={value}"
        if written.count(pair) == 1:
            at = start + written.index(pair) + len(key) + 1
            span = Span(at, at + len(value))
            val = Val(Provenance.LITERAL, number, number, span)
        else:  # written with escapes or twice: reported, but not editable
            span, val = m.code.span(node), Val(Provenance.LITERAL, number, number)
        m.out.emit_at(key=key, canonical=canonical, framework=framework, pool=pool, span=span, raw=value, val=val,
                      environment=environment, unit=unit)
