"""Named values a module defines: its constants and the fields of its settings classes
(pydantic `BaseSettings` v1/v2, dataclasses, pydantic models, config classes).

Every one with a known value (or an environment variable) becomes a `Symbol`, so that
`settings.db_pool_size` in another module resolves.  A field of a settings class or dataclass
whose name is a pool setting's (`db_pool_size`, `POOL_SIZE`, `database_max_overflow`) is also
a setting itself: for `BaseSettings` its environment variable is `env_prefix` + the field name.
A model class an outer `BaseSettings` with `env_nested_delimiter` holds as a field is read
through the nested variable: `APP_` + `DATABASE` + `__` + `POOL_SIZE` (pydantic-settings).
"""

from __future__ import annotations

import ast
from dataclasses import replace

from poolaudit import catalog, environments, envnames
from poolaudit.model import Provenance, Symbol
from poolaudit.sources.python_emit import Module
from poolaudit.sources.python_pydantic import (
    MODEL_KINDS,
    Config,
    Route,
    annotation,
    default_and_alias,
    models,
    read_config,
    routes,
    validation_alias,
)
from poolaudit.sources.python_scopes import Scope, dotted
from poolaudit.sources.python_values import Val

_DATACLASS_DECORATORS = {"dataclass", "define", "frozen", "mutable", "attrs", "s", "pydantic_dataclass"}
_SKIP_FIELDS = {"model_config", "Config", "__slots__", "__tablename__"}


def module_symbols(m: Module, scope: Scope) -> list[Symbol]:
    """One symbol per assignment of a module-level name to a number, bool or env lookup."""
    symbols = []
    for name, nodes in scope.assigns.items():
        for node in nodes:
            if node is None or isinstance(node, (ast.Dict, ast.List, ast.Set, ast.JoinedStr, ast.Lambda)):
                continue
            symbol = _symbol(m, name, node, m.values.eval(node, scope), None, None)
            if symbol is not None:
                symbols.append(symbol)
    return symbols


def _symbol(m: Module, name: str, node: ast.AST, val: Val, env_var: str | None, container: str | None) -> Symbol | None:
    """A symbol for a number or bool, or for an unknown value read from a pool-like variable."""
    value = val.value if val.known and not isinstance(val.value, str) else None
    env_var = env_var or val.env_var
    if value is None and (env_var is None or _pool_name(env_var, name) is None):
        return None
    if val.origin is not None:
        line, column = m.code.line_col(val.origin.start)
    else:
        line, column = node.lineno, m.code.column(node)  # type: ignore[attr-defined]
    return Symbol(name, value, m.code.path, line, column, val.origin, env_var=env_var, container=container)


def class_fields(m: Module, module: Scope, body: list[ast.stmt]) -> list[Symbol]:
    """Symbols for the fields of every module-level class; settings for pool-named fields."""
    kinds: dict[str, str] = {}
    configs: dict[str, Config] = {}
    classes = _classes(body)
    for cls in classes:
        kinds[cls.name] = _kind(cls, kinds)
        configs[cls.name] = read_config(cls, configs)
    found = routes(classes, kinds, configs)
    symbols: list[Symbol] = []
    for cls in classes:
        scope = module.class_scope(cls.name) or Scope("class", module).bind(cls.body)
        environment = environments.from_name(cls.name)
        excluded = any(w in catalog.NOT_DB_WORDS for w in catalog.words(cls.name))
        for stmt in cls.body:
            symbols.extend(_field(m, stmt, cls.name, kinds, configs[cls.name].prefix, scope, environment, excluded,
                                  found.get(cls.name, [])))
    return symbols


def _classes(body: list[ast.stmt]) -> list[ast.ClassDef]:
    found = []
    for stmt in body:
        if isinstance(stmt, ast.ClassDef):
            found.append(stmt)
        elif isinstance(stmt, (ast.If, ast.Try)):
            found.extend(_classes([*stmt.body, *stmt.orelse]))
    return found


def _kind(cls: ast.ClassDef, kinds: dict[str, str]) -> str:
    for base in cls.bases:
        last = dotted(base).rsplit(".", 1)[-1]
        if last == "BaseSettings":
            return "settings"
        if last == "BaseModel":
            return "model"
        if last in kinds:
            return kinds[last]
    for decorator in cls.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted(target).rsplit(".", 1)[-1] in _DATACLASS_DECORATORS:
            return "dataclass"
    return "plain"


def _field(m: Module, stmt: ast.stmt, container: str, kinds: dict[str, str], prefix: str, scope: Scope,
           environment: str | None, excluded: bool, ways: list[Route]) -> list[Symbol]:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        name, target, value = stmt.target.id, stmt.target, stmt.value
    elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        name, target, value = stmt.targets[0].id, stmt.targets[0], stmt.value
    else:
        return []
    if name in _SKIP_FIELDS or name.startswith("__"):
        return []
    kind = kinds[container]
    if kind in MODEL_KINDS and models(annotation(stmt), kinds):
        return []  # `database: DatabaseSettings`: its fields are the settings, read below
    if _collection(annotation(stmt) if isinstance(stmt, ast.AnnAssign) else None):
        return []  # `pool_size: Tuple[int, int]`: a pooling window (image models), not connections
    default, alias = default_and_alias(value)
    env_var = (alias or prefix + name).upper() if kind == "settings" else None
    note = None
    nested = sorted({v for r in ways if (v := r.var(validation_alias(value) or name)) is not None})
    if len(nested) == 1:
        # The outer class's nested variable wins over a nested BaseSettings' own one.
        note = f"{container} reads {env_var} when {nested[0]} is unset" if env_var else None
        env_var = nested[0]
    elif nested:
        note = f"set by {' or '.join(nested)}"  # one class under two fields: which one is not known here
    if default is None or (env_var is None and isinstance(default, ast.Constant) and default.value is None):
        # No value (or `= None`) and no variable to set one: nothing is written here.
        if env_var is None or not isinstance(stmt, ast.AnnAssign) or value is not None:
            return []
        val = Val(Provenance.UNRESOLVED, note=f"{container}.{name} has no default")
    else:
        val = m.values.eval(default, scope)
    if env_var is not None:
        val = replace(val, provenance=Provenance.ENV_DEFAULT if val.known else Provenance.UNRESOLVED, env_var=env_var)
    symbol = _symbol(m, name, default or target, val, env_var, container)
    if kind != "plain" and not excluded:
        info = _pool_name(env_var, name)
        if info is not None:
            m.consumed.update(val.names)
            m.out.emit(
                key=name, canonical=info.canonical, framework="pydantic-settings" if env_var else "app-config",
                pool=container, value_node=default or target, val=val, key_node=target, environment=environment,
                unit=info.unit, note=note,
            )
    return [symbol] if symbol is not None else []


_COLLECTIONS = frozenset(
    {"tuple", "list", "dict", "set", "frozenset", "sequence", "mapping", "iterable", "collection"}
)


def _collection(node: ast.expr | None) -> bool:
    """An annotation naming a collection (`tuple[int, int]`, `Optional[List[int]]`, `"Tuple"`):
    no pool size, timeout or flag is one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | None
        return _collection(node.left) or _collection(node.right)
    if isinstance(node, ast.Subscript):
        outer = dotted(node.value).rsplit(".", 1)[-1]
        if outer in ("Optional", "Annotated"):
            inner = node.slice.elts[0] if isinstance(node.slice, ast.Tuple) and node.slice.elts else node.slice
            return _collection(inner)
        node = node.value
    return node is not None and dotted(node).rsplit(".", 1)[-1].lower() in _COLLECTIONS


def _pool_name(env_var: str | None, name: str) -> catalog.KeyInfo | None:
    """The pool setting a variable (or, failing that, a field called `name`) holds."""
    if env_var and any(w.lower() in catalog.NOT_DB_WORDS for w in env_var.split("_")):
        return None  # REDIS_POOL_SIZE: a Redis pool, whatever the field is called
    if env_var:
        env_var = "_".join(p for p in env_var.split("_") if p)  # APP_DATABASE__POOL__SIZE: words, not levels
    for candidate in (env_var, name.upper()):
        info = envnames.classify_env_var(candidate) if candidate else None
        if info is not None and info.framework is None:
            return info
    return None
