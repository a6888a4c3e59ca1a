"""Pool settings written as configuration data in Python: engine-option dicts
(`**ENGINE_OPTIONS`, `"sqlalchemy.pool_size"` keys, `{"database": {...}}`), Flask-SQLAlchemy's
`SQLALCHEMY_ENGINE_OPTIONS`, `SQLALCHEMY_BINDS` and legacy `SQLALCHEMY_POOL_*` names, the
names that lead to Django's `DATABASES`, and Tortoise credentials.
"""

from __future__ import annotations

import ast
import re

from poolaudit import catalog
from poolaudit.model import Provenance
from poolaudit.sources.python_calls import (
    ENGINE_KEYWORDS,
    PSYCOPG_POOL_KEYWORDS,
    QUEUEPOOL_KEYWORDS,
    Keywords,
    no_pool_class,
)
from poolaudit.sources.python_django import (
    DJANGO_KEYS,
    django,
    django_pool,
    misplaced_in_options,
    sqlite_alias,
)
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_scopes import Scope, dotted
from poolaudit.sources.python_values import Val

# Keys no other Python pool spells this way: a dict holding one is SQLAlchemy engine options.
_SQLALCHEMY_ONLY = {"max_overflow", "pool_recycle", "pool_pre_ping", "poolclass", "pool_timeout"}
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
_PREFIXED = re.compile(r"(.*sqlalchemy[^.]*\.)(" + "|".join(ENGINE_KEYWORDS) + r")")


def options(
    m: Module, node: ast.expr | None, scope: Scope, *, key: str, framework: str, pool: str,
    environment: str | None, keywords: Keywords = ENGINE_KEYWORDS, prefix: str = "",
) -> set[str] | None:
    """Engine keyword arguments given as a dict; the keywords present (`poolclass` as
    "poolclass:on", ":off" or ":unknown"), or None when the dict is not wholly known."""
    found = m.items(node, scope)
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
        for bind, _, bind_value in m.dict_items(value, scope) or []:
            options(m, bind_value, scope, key=f"{name}.{bind}.", framework=FLASK, pool=f"{pool}.{name}.{bind}",
                    environment=environment)
    elif name == "DATABASES":
        django(m, [], key_node, value, scope, environment)
    elif name == "DATABASE_POOL_ARGS":  # django-postgrespool2
        options(m, value, scope, key=f"{name}.", framework="django", pool=name, environment=environment,
                keywords=QUEUEPOOL_KEYWORDS)
    elif isinstance(key_node, ast.Name) and isinstance(value, (ast.Dict, ast.Call)):
        words = catalog.segment_words([name])
        if any(w in catalog.NOT_DB_WORDS for w in words):
            return  # REDIS_POOL_OPTIONS, HTTP_POOL_KWARGS

        def generic() -> None:
            # Engine kwargs by name (ENGINE_OPTIONS, DB_KWARGS) or by keys only SQLAlchemy uses.
            keys = {k for k, _, _ in m.dict_items(value, scope) or []}
            if "engine" in words or words & catalog.DB_WORDS or keys & _SQLALCHEMY_ONLY:
                options(m, value, scope, key=f"{name}.", framework="sqlalchemy", pool=name, environment=environment)

        m.later.append((name, generic))


def dict_literal(m: Module, node: ast.Dict, scope: Scope, environment: str | None, container: str | None) -> None:
    """Keys that mean something wherever the dict is: config names, `sqlalchemy.`-prefixed
    engine options, Tortoise connection credentials."""
    engine = None
    inside_options = id(node) in m.options_dicts
    for key, value in zip(node.keys, node.values):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        name = key.value
        if name == "OPTIONS" and isinstance(value, ast.Dict):
            m.options_dicts.add(id(value))  # visited after this dict: its Django keys are dead there
        if name in CONFIG_NAMES:
            config_name(m, name, key, value, scope, environment, container)
        elif name in DJANGO_KEYS and not sqlite_alias(node):  # an alias built elsewhere: `return {...}`
            canonical, unit = DJANGO_KEYS[name]
            note = misplaced_in_options(name) if inside_options else None
            m.keyword(key=name, canonical=canonical, unit=unit, framework="django", pool="django", value_node=value,
                      scope=scope, key_node=key, environment=environment, note=note)
        elif (match := _PREFIXED.fullmatch(name)) is not None:
            canonical, unit = ENGINE_KEYWORDS[match.group(2)]
            m.keyword(key=name, canonical=canonical, unit=unit, framework="sqlalchemy", pool=match.group(1).rstrip("."),
                      value_node=value, scope=scope, key_node=key, environment=environment)
        elif name == "pool" and _psycopg_pool_options(value) and _DJANGO_POSTGRES in m.code.text:
            # OPTIONS built apart from DATABASES: `options.update({"pool": {"max_size": ...}})`
            # (Paperless-ngx), merged into the alias later.  The DATABASES walk reports it first
            # when it is written in place.
            django_pool(m, "OPTIONS.pool", "DATABASES", key, value, scope, environment)
        elif name == "engine" and isinstance(value, ast.Constant) and str(value.value).startswith("tortoise."):
            engine = value.value
        elif isinstance(value, (ast.Dict, ast.Call)) and catalog.normalize(name) in _DB_KEYS:
            # {"database": {"pool_size": 10}}: an application's own config tree
            options(m, value, scope, key=f"{name}.", framework="app-config", pool=name, environment=environment)
    if engine is not None:
        credentials = next((v for k, v in zip(node.keys, node.values)
                            if isinstance(k, ast.Constant) and k.value == "credentials"), None)
        for name, key_node, item in m.dict_items(credentials, scope) or []:
            if name in ("minsize", "maxsize"):
                m.keyword(key=f"credentials.{name}", canonical="min_idle" if name == "minsize" else "max_size",
                          unit=None, framework="tortoise", pool=f"tortoise@{node.lineno}", value_node=item, scope=scope,
                          key_node=key_node, environment=environment)


_DJANGO_POSTGRES = "django.db.backends.postgresql"


def _psycopg_pool_options(value: ast.expr) -> bool:
    """`True`, or a dict literal of psycopg_pool keywords: what Django's OPTIONS["pool"] takes."""
    if isinstance(value, ast.Constant):
        return value.value is True
    return isinstance(value, ast.Dict) and any(
        isinstance(k, ast.Constant) and k.value in PSYCOPG_POOL_KEYWORDS for k in value.keys
    )


_DB_KEYS = {"database", "db", "sqlalchemy", "postgres", "postgresql", "mysql", "rdb", "orm", "primary", "replica"}
