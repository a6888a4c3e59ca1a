"""Django's `DATABASES`: `CONN_MAX_AGE`, `CONN_HEALTH_CHECKS` and psycopg's pool under
`OPTIONS["pool"]` (`True` is a fixed pool of 4; `{}` silently turns pooling off; a pool dict
without `max_size` is fixed at `min_size`), django-db-geventpool's `OPTIONS["MAX_CONNS"]`, and
keys written where Django does not read them: `CONN_MAX_AGE` inside `OPTIONS`, `MAX_CONNS` /
`MIN_CONNS` in `OPTIONS` of a stock backend (which hands `OPTIONS` to the driver's connect call)."""

from __future__ import annotations

import ast

from poolaudit.model import Provenance
from poolaudit.sources.python_calls import PSYCOPG_POOL_KEYWORDS, Keywords
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_scopes import Scope
from poolaudit.sources.python_values import Val

DJANGO_KEYS: Keywords = {"CONN_MAX_AGE": ("recycle", "s"), "CONN_HEALTH_CHECKS": ("pre_ping", None)}
# django-db-geventpool's pool options; under a stock backend they are connect() arguments.
GEVENTPOOL_KEYS: Keywords = {"MAX_CONNS": ("max_size", None)}
STOCK_IGNORED: Keywords = {"MAX_CONNS": ("max_size", None), "MIN_CONNS": ("min_idle", None)}
_GEVENTPOOL = "django_db_geventpool"
_PSYCOPG_MIN_SIZE = 4  # psycopg_pool ConnectionPool(min_size=4, max_size=None -> min_size)


def django(m: Module, path: list[str], key_node: ast.AST, value: ast.expr, scope: Scope,
           environment: str | None, engine: str | None = None) -> None:
    """`DATABASES` and anything below it; `path` is the key path below DATABASES.  `engine` is
    the alias's literal ENGINE when known."""
    key = ".".join(["DATABASES", *path])
    pool = ".".join(["DATABASES", *path[:1]])
    depth = len(path)
    if depth <= 1:
        items = m.dict_items(value, scope) or []
        if depth == 1 and isinstance(value, ast.Dict) and sqlite_alias(value):
            return  # no server: no pool worth auditing
        if depth == 1:
            engine = next((e.value for n, _, e in items if n == "ENGINE" and isinstance(e, ast.Constant)
                           and isinstance(e.value, str)), None)
        for name, name_node, item in items:
            django(m, [*path, name], name_node, item, scope, environment, engine)
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
            django(m, [*path, name], name_node, item, scope, environment, engine)
    elif depth == 3 and path[1:] == ["OPTIONS", "pool"]:
        django_pool(m, key, pool, key_node, value, scope, environment)
    elif depth == 3 and path[1] == "OPTIONS":
        _option(m, path[2], key, pool, key_node, value, scope, environment, engine)
    elif depth == 4 and path[1:3] == ["OPTIONS", "pool"] and path[3] in PSYCOPG_POOL_KEYWORDS:
        canonical, unit = PSYCOPG_POOL_KEYWORDS[path[3]]
        m.keyword(key=key, canonical=canonical, unit=unit, framework="django", pool=pool, value_node=value,
                  scope=scope, key_node=key_node, environment=environment)


def misplaced_in_options(name: str) -> str:
    """The dead-setting note of a Django key (`CONN_MAX_AGE`) written inside `OPTIONS`."""
    return f"ignored inside OPTIONS (they go to the driver): Django reads {name} beside OPTIONS"


def _option(m: Module, name: str, key: str, pool: str, key_node: ast.AST, value: ast.expr, scope: Scope,
            environment: str | None, engine: str | None) -> None:
    """A key of `OPTIONS` other than `pool`."""
    backend = _backend(engine, m.code.text)
    note = None
    if name in DJANGO_KEYS:
        canonical, unit = DJANGO_KEYS[name]
        note = misplaced_in_options(name)
    elif backend == "geventpool" and name in GEVENTPOOL_KEYS:
        canonical, unit = GEVENTPOOL_KEYS[name]
    elif backend == "stock" and name in STOCK_IGNORED:
        canonical, unit = STOCK_IGNORED[name]
        note = f"ignored by stock Django backends (OPTIONS go to the driver): {name} is django-db-geventpool's"
    else:
        return
    m.keyword(key=key, canonical=canonical, unit=unit, framework="django", pool=pool, value_node=value,
              scope=scope, key_node=key_node, environment=environment, note=note)


def _backend(engine: str | None, text: str) -> str | None:
    """"geventpool", "stock" (a backend shipped with Django) or None (another or unknown one).
    An ENGINE not written in the alias (dj_database_url, set elsewhere) counts as geventpool's
    only when the module names that backend."""
    if engine is None:
        return "geventpool" if _GEVENTPOOL in text else None
    if engine.startswith(_GEVENTPOOL):
        return "geventpool"
    return "stock" if engine.startswith(("django.db.backends.", "django.contrib.gis.db.backends.")) else None


def django_pool(m: Module, key: str, pool: str, key_node: ast.AST, value: ast.expr, scope: Scope,
                 environment: str | None) -> None:
    if isinstance(value, ast.Constant) and value.value is True:
        val = Val(Provenance.LIBRARY_DEFAULT, _PSYCOPG_MIN_SIZE, _PSYCOPG_MIN_SIZE)
        m.out.emit(key=key, canonical="max_size", framework="django", pool=pool, value_node=value, val=val,
                   key_node=key_node, environment=environment,
                   note="psycopg_pool default: a fixed pool of 4 (min_size=4, max_size=min_size)")
        return
    found = m.items(value, scope)
    items, complete = found if found is not None else (None, False)
    if items == [] and complete:
        val = Val(Provenance.LITERAL, False, False)
        m.out.emit(key=key, canonical="pool_class", framework="django", pool=pool, value_node=value, val=val,
                   key_node=key_node, environment=environment, note='"pool": {} is falsy: Django opens no pool')
    min_size = None
    for name, name_node, item in items or []:
        if name in PSYCOPG_POOL_KEYWORDS:
            canonical, unit = PSYCOPG_POOL_KEYWORDS[name]
            setting = m.keyword(key=f"{key}.{name}", canonical=canonical, unit=unit, framework="django", pool=pool,
                                value_node=item, scope=scope, key_node=name_node, environment=environment)
            if name == "min_size" and setting is not None and setting.provenance is Provenance.LITERAL:
                min_size = setting.value
    if items and complete and not any(name == "max_size" for name, _, _ in items):
        # psycopg_pool: max_size=None means max_size = min_size (4 when that is not given either).
        if any(name == "min_size" for name, _, _ in items):
            if not isinstance(min_size, int) or isinstance(min_size, bool):
                return
            size, note = min_size, "psycopg_pool: max_size is not set, so it equals min_size (a fixed pool)"
        else:
            size, note = _PSYCOPG_MIN_SIZE, "psycopg_pool default: a fixed pool of 4 (min_size=4, max_size=min_size)"
        val = Val(Provenance.LIBRARY_DEFAULT, size, size)
        m.out.emit(key=f"{key}.max_size", canonical="max_size", framework="django", pool=pool, value_node=value,
                   val=val, key_node=key_node, environment=environment, note=note)


def sqlite_alias(node: ast.Dict) -> bool:
    """An alias with a literal sqlite ENGINE: no server, so no pool worth auditing."""
    return any(isinstance(k, ast.Constant) and k.value == "ENGINE" and isinstance(v, ast.Constant)
               and "sqlite" in str(v.value) for k, v in zip(node.keys, node.values))
