"""Django's `DATABASES`: `CONN_MAX_AGE`, `CONN_HEALTH_CHECKS` and psycopg's pool under
`OPTIONS["pool"]` (`True` is a fixed pool of 4; `{}` silently turns pooling off)."""

from __future__ import annotations

import ast

from poolaudit.model import Provenance
from poolaudit.sources.python_calls import PSYCOPG_POOL_KEYWORDS, Keywords
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_scopes import Scope
from poolaudit.sources.python_values import Val

DJANGO_KEYS: Keywords = {"CONN_MAX_AGE": ("recycle", "s"), "CONN_HEALTH_CHECKS": ("pre_ping", None)}


def django(m: Module, path: list[str], key_node: ast.AST, value: ast.expr, scope: Scope,
           environment: str | None) -> None:
    """`DATABASES` and anything below it; `path` is the key path below DATABASES."""
    key = ".".join(["DATABASES", *path])
    pool = ".".join(["DATABASES", *path[:1]])
    depth = len(path)
    if depth <= 1:
        items = m.dict_items(value, scope) or []
        if depth == 1 and isinstance(value, ast.Dict) and sqlite_alias(value):
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
        for name, name_node, item in m.dict_items(value, scope) or []:
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
    items = m.dict_items(value, scope)
    if items == []:
        val = Val(Provenance.LITERAL, False, False)
        m.out.emit(key=key, canonical="pool_class", framework="django", pool=pool, value_node=value, val=val,
                   key_node=key_node, environment=environment, note='"pool": {} is falsy: Django opens no pool')
    for name, name_node, item in items or []:
        if name in PSYCOPG_POOL_KEYWORDS:
            canonical, unit = PSYCOPG_POOL_KEYWORDS[name]
            m.keyword(key=f"{key}.{name}", canonical=canonical, unit=unit, framework="django", pool=pool,
                      value_node=item, scope=scope, key_node=name_node, environment=environment)


def sqlite_alias(node: ast.Dict) -> bool:
    """An alias with a literal sqlite ENGINE: no server, so no pool worth auditing."""
    return any(isinstance(k, ast.Constant) and k.value == "ENGINE" and isinstance(v, ast.Constant)
               and "sqlite" in str(v.value) for k, v in zip(node.keys, node.values))
