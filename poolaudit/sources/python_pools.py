"""Settings of one call that creates a pool: its keyword arguments, `**options` dicts,
`poolclass`, and the library default that applies when the size is not passed at all."""

from __future__ import annotations

import ast

from poolaudit.sources import python_config
from poolaudit.sources.python_calls import PoolCall, identify, is_sqlite
from poolaudit.sources.python_emit import Module, bound_once
from poolaudit.sources.python_scopes import Scope, dotted


def call(m: Module, node: ast.Call, scope: Scope, env: str | None, container: str | None) -> None:
    for keyword in node.keywords:  # app.config.update(SQLALCHEMY_ENGINE_OPTIONS={...})
        if keyword.arg in python_config.CONFIG_NAMES:
            python_config.config_name(m, keyword.arg, keyword, keyword.value, scope, env, container)
    if isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault" and len(node.args) == 2:
        key = node.args[0]  # app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {...})
        if isinstance(key, ast.Constant) and key.value in python_config.CONFIG_NAMES:
            python_config.config_name(m, key.value, key, node.args[1], scope, env, container)
    name = dotted(node.func)
    if not name:
        return
    qualified = scope.qualify(name)
    found = identify(qualified)
    if found is None or (found.family in ("engine", "engine_from_config") and _not_sqlalchemy(name, qualified, scope)):
        return
    pool = f"{qualified.rsplit('.', 1)[-1].replace('()', '')}@{node.lineno}"
    if found.family == "flask":
        for keyword in node.keywords:
            if keyword.arg == "engine_options":
                python_config.options(m, keyword.value, scope, key="engine_options.", framework=found.framework,
                                      pool=pool, environment=env)
        return
    if _is_sqlite(m, node, found, scope):
        return  # no server: no pool worth auditing (test engines with StaticPool)
    present, complete = _arguments(m, node, found, scope, pool, env)
    _implicit(m, node, found, scope, pool, env, present, complete)


# Words of a module that may hand out SQLAlchemy's create_engine (sqlalchemy, sqlmodel, gino,
# a project's `db`/`database` module re-exporting it).
_ENGINE_MODULE_WORDS = ("sql", "alchemy", "db", "database", "data", "postgres", "pg", "gino", "orm", "store", "persist")


def _not_sqlalchemy(name: str, qualified: str, scope: Scope) -> bool:
    """`create_engine` that is not SQLAlchemy's: defined in this module (aiomysql's own, a game
    engine's), or imported from a package unrelated to databases (`from tts import create_engine`)."""
    head = name.split(".", 1)[0]
    if qualified == name:  # not imported: SQLAlchemy's unless this module defines the name itself
        current: Scope | None = scope
        while current is not None:
            if head in current.assigns:
                return None in current.assigns[head] and head not in current.imports
            current = current.parent
        return False
    module = qualified.rsplit(".", 1)[0].lower()
    return not any(word in module for word in _ENGINE_MODULE_WORDS)


def _url_node(node: ast.Call, found: PoolCall) -> ast.expr | None:
    for keyword in node.keywords:
        if keyword.arg and keyword.arg == found.url_keyword:
            return keyword.value
    if node.args and not found.positional and not isinstance(node.args[0], ast.Starred):
        return node.args[0]
    return None


def _is_sqlite(m: Module, node: ast.Call, found: PoolCall, scope: Scope) -> bool:
    url = _url_node(node, found)
    if url is None:
        return False
    if isinstance(url, ast.Name):  # uri = f"sqlite:///{tmp}"; create_engine(uri)
        url = bound_once(url.id, scope) or url
    while isinstance(url, ast.BinOp) and isinstance(url.op, ast.Add):  # "sqlite:///" + path
        url = url.left
    if isinstance(url, ast.JoinedStr):  # f"sqlite:///{path}"
        first = url.values[0] if url.values else None
        return isinstance(first, ast.Constant) and is_sqlite(str(first.value))
    if found.family == "engine_from_config":
        items = m.dict_items(url, scope) or []
        return any(key.endswith("url") and is_sqlite(m.values.eval(value, scope).text) for key, _, value in items)
    found_url = m.values.eval(url, scope)
    # A URL read from the environment is whatever the deployment sets: a SQLite default
    # (`os.getenv("DATABASE_URL", "sqlite:///db.sqlite3")`) is a developer's fallback.
    return found_url.env_var is None and is_sqlite(found_url.text)


def _arguments(m: Module, node: ast.Call, found: PoolCall, scope: Scope, pool: str,
               env: str | None) -> tuple[set[str], bool]:
    """Emit the call's pool settings; (keywords present, whether every argument was readable)."""
    present: set[str] = set()
    complete = not any(isinstance(a, ast.Starred) for a in node.args)

    def setting(keyword: str, value: ast.expr, key_node: ast.AST | None = None) -> None:
        canonical, unit = found.keywords[keyword]
        m.keyword(key=keyword, canonical=canonical, unit=unit, framework=found.framework, pool=pool,
                  value_node=value, scope=scope, key_node=key_node, environment=env)
        present.add(keyword)

    def options(value: ast.expr | None, key: str, prefix: str = "") -> bool:
        keys = python_config.options(m, value, scope, key=key, framework=found.framework, pool=pool,
                                     environment=env, keywords=found.keywords, prefix=prefix)
        present.update(keys or ())
        return keys is not None

    for index, keyword in enumerate(found.positional):  # ThreadedConnectionPool(1, 20, dsn)
        if index < len(node.args):
            setting(keyword, node.args[index])
    if found.family == "engine_from_config":
        config = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "configuration"), None)
        prefix_node = next((k.value for k in node.keywords if k.arg == "prefix"), None)
        prefix = "sqlalchemy."
        if prefix_node is not None:
            prefix = str(prefix_node.value) if isinstance(prefix_node, ast.Constant) else ""
        complete = bool(prefix) and options(config, "", prefix) and complete
    for kw in node.keywords:
        if kw.arg is None:  # **ENGINE_OPTIONS
            label = f"{dotted(kw.value)}." if isinstance(kw.value, ast.Name) else ""
            complete = options(kw.value, label) and complete
        elif kw.arg == "poolclass" and found.family in ("engine", "engine_from_config"):
            state = python_config.pool_class(m, kw.value, scope, key="poolclass", framework=found.framework,
                                             pool=pool, environment=env, key_node=kw)
            present.add("poolclass:" + state)
        elif kw.arg in ("pool", "creator_pool") and found.family == "engine":
            complete = False  # a pool built elsewhere
        elif kw.arg in found.keywords:
            setting(kw.arg, kw.value, kw)
    return present, complete


def _implicit(m: Module, node: ast.Call, found: PoolCall, scope: Scope, pool: str, env: str | None,
              present: set[str], complete: bool) -> None:
    """The library default, when the size is not passed and every argument could be read."""
    default = found.default
    if default is None or not complete or default.keyword in present:
        return
    if m.out.forced_environment == "test":
        return  # a test's engine is never deployed: an unwritten default there is no setting
    if "poolclass:off" in present or "poolclass:unknown" in present:
        return  # no pool, or a pool class we cannot name
    value, note = default.value, default.note
    if found.family == "psycopg_pool" and "min_size" in present:
        min_size = next(k.value for k in node.keywords if k.arg == "min_size")
        val = m.values.eval(min_size, scope)
        if not val.known:
            return
        value, note = val.value, "psycopg_pool default: max_size = min_size"
    m.out.emit_default(call=node, key=default.keyword, canonical=default.canonical, framework=found.framework,
                       pool=pool, value=value, note=note, environment=env)
