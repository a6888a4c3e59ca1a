"""Pool settings written as configuration data in Python: Flask-SQLAlchemy's
`SQLALCHEMY_ENGINE_OPTIONS` and legacy `SQLALCHEMY_POOL_*` names, Django `DATABASES`,
engine-option dicts (`**ENGINE_OPTIONS`, `"sqlalchemy.pool_size"` keys), Tortoise
credentials, and pool parameters inside database URL strings.
"""

from __future__ import annotations

import ast
import re

from poolaudit import catalog
from poolaudit.model import Provenance, Span
from poolaudit.sources._values import URL_PARAMS, parse_number, url_pool_params
from poolaudit.sources.python_calls import ENGINE_KEYWORDS, PSYCOPG_POOL_KEYWORDS, QUEUEPOOL_KEYWORDS, Keywords, no_pool_class
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_values import Scope, Val, dotted

Items = list[tuple[str, ast.expr, ast.expr]]  # (key, key node, value node)

FLASK = "flask-sqlalchemy"
FLASK_LEGACY: dict[str, tuple[str, str | None]] = {
    "SQLALCHEMY_POOL_SIZE": ("max_size", None),
    "SQLALCHEMY_MAX_OVERFLOW": ("overflow", None),
    "SQLALCHEMY_POOL_TIMEOUT": ("acquire_timeout", "s"),
    "SQLALCHEMY_POOL_RECYCLE": ("recycle", "s"),
}
# Removed in Flask-SQLAlchemy 3.0; the lock file is not visible from here, so always said.
LEGACY_NOTE = "ignored by Flask-SQLAlchemy 3"
CONFIG_NAMES = {"SQLALCHEMY_ENGINE_OPTIONS", "SQLALCHEMY_BINDS", "DATABASES", "DATABASE_POOL_ARGS", *FLASK_LEGACY}
DJANGO_KEYS: Keywords = {"CONN_MAX_AGE": ("recycle", "s"), "CONN_HEALTH_CHECKS": ("pre_ping", None)}
_PREFIXED = re.compile(r"(.*sqlalchemy[^.]*\.)(" + "|".join(ENGINE_KEYWORDS) + r")")
_QUERY_PARAM = re.compile(r"(?<=[?&])([A-Za-z_][A-Za-z_]*)=(\x00\d+\x00|[^&#\s]*)")
_DB_SCHEMES = {
    "postgres", "postgresql", "pgsql", "psql", "mysql", "mariadb", "mssql", "sqlserver", "oracle",
    "cockroachdb", "mongodb", "redshift", "timescaledb", "asyncpg", "aiomysql", "aiopg", "psycopg",
    "psycopg2", "yugabytedb", "clickhouse",
}


def dict_items(m: Module, node: ast.expr | None, scope: Scope) -> Items | None:
    """The literal items of a dict expression (a literal, `dict(k=v)`, or a name bound once to
    one), skipping `**unknown` parts; None when it is not such a dict."""
    found = _items(m, node, scope)
    return None if found is None else found[0]


def _items(m: Module, node: ast.expr | None, scope: Scope) -> tuple[Items, bool] | None:
    """(items, complete): `complete` is False when some `**part` could not be read."""
    if isinstance(node, ast.Name):
        bound = _bound_once(node.id, scope)
        if bound is None:
            return None
        m.consumed.add(node.id)
        return _items(m, bound, scope)
    if isinstance(node, ast.Dict):
        items: Items = []
        complete = True
        for key, value in zip(node.keys, node.values):
            if key is None:  # {**other, ...}
                nested = _items(m, value, scope)
                if nested is None:
                    complete = False
                else:
                    items.extend(nested[0])
                    complete = complete and nested[1]
            elif isinstance(key, ast.Constant) and isinstance(key.value, str):
                items.append((key.value, key, value))
            else:
                complete = False
        return items, complete
    if isinstance(node, ast.Call) and dotted(node.func) == "dict" and not node.args:
        return [(k.arg, k, k.value) for k in node.keywords if k.arg], all(k.arg for k in node.keywords)
    return None


def _bound_once(name: str, scope: Scope | None) -> ast.expr | None:
    while scope is not None:
        if name in scope.assigns:
            nodes = scope.assigns[name]
            if len(nodes) != 1 or name in scope.mutated:
                return None
            return nodes[0]
        scope = scope.parent
    return None


def options(
    m: Module, node: ast.expr | None, scope: Scope, *, key: str, framework: str, pool: str,
    environment: str | None, keywords: Keywords = ENGINE_KEYWORDS, prefix: str = "",
) -> set[str] | None:
    """Engine keyword arguments given as a dict; the keywords present (`poolclass` as
    "poolclass:on", ":off" or ":unknown"), or None when the dict is not wholly known."""
    found = _items(m, node, scope)
    if found is None:
        return None
    items, complete = found
    present = set()
    for name, key_node, value in items:
        if prefix:
            if not name.startswith(prefix):
                continue
            name = name[len(prefix) :]
        if name == "poolclass":
            present.add("poolclass:" + pool_class(m, value, scope, key=f"{key}{prefix}{name}", framework=framework,
                                                  pool=pool, environment=environment, key_node=key_node))
        elif name in keywords:
            canonical, unit = keywords[name]
            m.keyword(key=f"{key}{prefix}{name}", canonical=canonical, unit=unit, framework=framework, pool=pool,
                      value_node=value, scope=scope, key_node=key_node, environment=environment)
            present.add(name)
    return present if complete else None


def pool_class(m: Module, node: ast.expr, scope: Scope, *, key: str, framework: str, pool: str,
               environment: str | None, key_node: ast.AST | None = None) -> str:
    """`poolclass=NullPool`: a setting that says "no pooling".  Returns "off" for such a class,
    "on" for another named class, "unknown" for an expression."""
    name = dotted(node)
    if not name or "()" in name:
        return "unknown"
    off = no_pool_class(scope.qualify(name))
    if off is None:
        return "on"
    val = Val(Provenance.LITERAL, False, False)
    m.out.emit(key=key, canonical="pool_class", framework=framework, pool=pool, value_node=node, val=val,
               key_node=key_node, environment=environment, note=f"no pooling ({off})")
    return "off"


def config_name(m: Module, name: str, key_node: ast.AST, value: ast.expr, scope: Scope,
                environment: str | None, container: str | None) -> None:
    """A configuration name bound to a value: `NAME = ...`, `app.config["NAME"] = ...`,
    `config.update(NAME=...)`, `{"NAME": ...}`."""
    pool = container or "module"
    if name == "SQLALCHEMY_ENGINE_OPTIONS":
        options(m, value, scope, key=f"{name}.", framework=FLASK, pool=f"{pool}.{name}", environment=environment)
    elif name in FLASK_LEGACY:
        canonical, unit = FLASK_LEGACY[name]

        def legacy() -> None:
            m.keyword(key=name, canonical=canonical, unit=unit, framework=FLASK, pool=pool, value_node=value,
                      scope=scope, key_node=key_node, environment=environment, note=LEGACY_NOTE)

        if container is None and isinstance(key_node, ast.Name):
            m.later.append((name, legacy))  # a module constant a pool call reads is reported there
        else:
            legacy()
    elif name == "SQLALCHEMY_BINDS":
        for bind, _, bind_value in dict_items(m, value, scope) or []:
            options(m, bind_value, scope, key=f"{name}.{bind}.", framework=FLASK, pool=f"{pool}.{name}.{bind}",
                    environment=environment)
    elif name == "DATABASES":
        django(m, [], key_node, value, scope, environment)
    elif name == "DATABASE_POOL_ARGS":  # django-postgrespool2
        options(m, value, scope, key=f"{name}.", framework="django", pool=name, environment=environment,
                keywords=QUEUEPOOL_KEYWORDS)
    elif isinstance(key_node, ast.Name) and _options_name(name):
        def generic() -> None:
            options(m, value, scope, key=f"{name}.", framework="sqlalchemy", pool=name, environment=environment)

        if isinstance(value, (ast.Dict, ast.Call)):
            m.later.append((name, generic))


def _options_name(name: str) -> bool:
    """`ENGINE_OPTIONS`, `DB_ENGINE_KWARGS`, `database_pool_options`: engine kwargs by name."""
    words = catalog.segment_words([name])
    if any(w in catalog.NOT_DB_WORDS for w in words):
        return False
    return "engine" in words or "sqlalchemy" in words or bool(words & catalog.DB_WORDS)


def django(m: Module, path: list[str], key_node: ast.AST, value: ast.expr, scope: Scope,
           environment: str | None) -> None:
    """`DATABASES` and anything below it; `path` is the key path below DATABASES."""
    key = ".".join(["DATABASES", *path])
    pool = ".".join(["DATABASES", *path[:1]])
    depth = len(path)
    if depth <= 1:
        items = dict_items(m, value, scope) or []
        if depth == 1 and isinstance(value, ast.Dict) and _sqlite_alias(value):
            return  # no server: no pool worth auditing
        for name, name_node, item in items:
            django(m, [*path, name], name_node, item, scope, environment)
    elif depth == 2 and path[1] in DJANGO_KEYS:
        canonical, unit = DJANGO_KEYS[path[1]]
        if isinstance(value, ast.Constant) and value.value is None:
            val = Val(Provenance.LITERAL, None, None, note="None: connections are never closed")
            m.out.emit(key=key, canonical=canonical, framework="django", pool=pool, value_node=value, val=val,
                       key_node=key_node, environment=environment, unit=unit)
            return
        m.keyword(key=key, canonical=canonical, unit=unit, framework="django", pool=pool, value_node=value,
                  scope=scope, key_node=key_node, environment=environment)
    elif depth == 2 and path[1] == "OPTIONS":
        for name, name_node, item in dict_items(m, value, scope) or []:
            django(m, [*path, name], name_node, item, scope, environment)
    elif depth == 3 and path[1:] == ["OPTIONS", "pool"]:
        _django_pool(m, key, pool, key_node, value, scope, environment)
    elif depth == 4 and path[1:3] == ["OPTIONS", "pool"] and path[3] in PSYCOPG_POOL_KEYWORDS:
        canonical, unit = PSYCOPG_POOL_KEYWORDS[path[3]]
        m.keyword(key=key, canonical=canonical, unit=unit, framework="django", pool=pool, value_node=value,
                  scope=scope, key_node=key_node, environment=environment)


def _django_pool(m: Module, key: str, pool: str, key_node: ast.AST, value: ast.expr, scope: Scope,
                 environment: str | None) -> None:
    if isinstance(value, ast.Constant) and value.value is True:
        val = Val(Provenance.LIBRARY_DEFAULT, 4, 4)
        m.out.emit(key=key, canonical="max_size", framework="django", pool=pool, value_node=value, val=val,
                   key_node=key_node, environment=environment,
                   note="psycopg_pool default: a fixed pool of 4 (min_size=4, max_size=min_size)")
        return
    items = dict_items(m, value, scope)
    if items == []:
        val = Val(Provenance.LITERAL, False, False)
        m.out.emit(key=key, canonical="pool_class", framework="django", pool=pool, value_node=value, val=val,
                   key_node=key_node, environment=environment, note='"pool": {} is falsy: Django opens no pool')
    for name, name_node, item in items or []:
        if name in PSYCOPG_POOL_KEYWORDS:
            canonical, unit = PSYCOPG_POOL_KEYWORDS[name]
            m.keyword(key=f"{key}.{name}", canonical=canonical, unit=unit, framework="django", pool=pool,
                      value_node=item, scope=scope, key_node=name_node, environment=environment)


def dict_literal(m: Module, node: ast.Dict, scope: Scope, environment: str | None, container: str | None) -> None:
    """Keys that mean something wherever the dict is: config names, `sqlalchemy.`-prefixed
    engine options, Tortoise connection credentials."""
    engine = None
    for key, value in zip(node.keys, node.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        name = key.value
        if name in CONFIG_NAMES:
            config_name(m, name, key, value, scope, environment, container)
        elif name in DJANGO_KEYS and not _sqlite_alias(node):  # an alias built elsewhere: `return {...}`
            canonical, unit = DJANGO_KEYS[name]
            m.keyword(key=name, canonical=canonical, unit=unit, framework="django", pool="django", value_node=value,
                      scope=scope, key_node=key, environment=environment)
        elif (match := _PREFIXED.fullmatch(name)) is not None:
            canonical, unit = ENGINE_KEYWORDS[match.group(2)]
            m.keyword(key=name, canonical=canonical, unit=unit, framework="sqlalchemy", pool=match.group(1).rstrip("."),
                      value_node=value, scope=scope, key_node=key, environment=environment)
        elif name == "engine" and isinstance(value, ast.Constant) and str(value.value).startswith("tortoise."):
            engine = value.value
        elif isinstance(value, (ast.Dict, ast.Call)) and catalog.normalize(name) in _DB_KEYS:
            # {"database": {"pool_size": 10}}: an application's own config tree
            options(m, value, scope, key=f"{name}.", framework="app-config", pool=name, environment=environment)
    if engine is not None:
        credentials = next((v for k, v in zip(node.keys, node.values)
                            if isinstance(k, ast.Constant) and k.value == "credentials"), None)
        for name, key_node, item in dict_items(m, credentials, scope) or []:
            if name in ("minsize", "maxsize"):
                m.keyword(key=f"credentials.{name}", canonical="min_idle" if name == "minsize" else "max_size",
                          unit=None, framework="tortoise", pool=f"tortoise@{node.lineno}", value_node=item, scope=scope,
                          key_node=key_node, environment=environment)


_DB_KEYS = {"database", "db", "sqlalchemy", "postgres", "postgresql", "mysql", "rdb", "orm", "primary", "replica"}


def _sqlite_alias(node: ast.Dict) -> bool:
    return any(isinstance(k, ast.Constant) and k.value == "ENGINE" and isinstance(v, ast.Constant)
               and "sqlite" in str(v.value) for k, v in zip(node.keys, node.values))


def is_database_url(text: str) -> bool:
    scheme, sep, _ = text.strip().partition("://")
    if not sep:
        return False
    scheme = scheme.lower()
    return scheme.startswith("jdbc:") or scheme.split("+", 1)[0] in _DB_SCHEMES


def url_string(m: Module, node: ast.Constant, environment: str | None) -> None:
    """Pool parameters in a database URL literal (`...?max_size=20`, `postgres+pool://...`)."""
    text = node.value
    if not is_database_url(text):
        return
    inner = m.code.inner_string(node)
    for param in url_pool_params(text):
        number = parse_number(param.raw)
        if inner is not None:
            span = Span(inner.start + param.start, inner.start + param.end)
            val = Val(Provenance.LITERAL, number, number, span)
        else:
            span = m.code.span(node)
            val = Val(Provenance.LITERAL, number, number, None)
        key = param.key.lower()
        m.out.emit_at(key=param.key, canonical=param.canonical, framework=_url_framework(text, key),
                      pool=f"url@{node.lineno}", span=span, raw=param.raw, val=val, environment=environment,
                      unit="s" if param.canonical == "acquire_timeout" else None,
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
        canonical = URL_PARAMS.get(key.lower())
        if canonical is None:
            continue
        common = dict(key=key, canonical=canonical, framework=_url_framework(text, key.lower()),
                      pool=f"url@{node.lineno}", environment=environment,
                      unit="s" if canonical == "acquire_timeout" else None)
        if value in expressions:
            m.keyword(value_node=expressions[value], scope=scope, **common)  # type: ignore[arg-type]
            continue
        number = parse_number(value)
        if number is None:
            continue
        pair = f"{key}={value}"
        if written.count(pair) == 1:
            at = start + written.index(pair) + len(key) + 1
            span = Span(at, at + len(value))
            val = Val(Provenance.LITERAL, number, number, span)
        else:  # written with escapes or twice: reported, but not editable
            span, val = m.code.span(node), Val(Provenance.LITERAL, number, number)
        m.out.emit_at(span=span, raw=value, val=val, **common)  # type: ignore[arg-type]
