"""Records of the Python source: `Setting`s built from found values (line, column, span,
origin, insertion), one per place and meaning, and the per-module context the parts share."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from poolaudit.model import Provenance, Setting, Span, Value
from poolaudit.sources._values import parse_scalar
from poolaudit.sources.python_code import Code
from poolaudit.sources.python_scopes import Scope, dotted
from poolaudit.sources.python_values import Evaluator, Val

Items = list[tuple[str, ast.AST, ast.expr]]  # a dict's (key, key node, value node)


class Emitter:
    """Collects the settings of one module; one record per (place, meaning)."""

    def __init__(self, code: Code, environment: str, migration_only: bool) -> None:
        self.code = code
        self.forced_environment = environment  # "test" for test code, else ""
        self.migration_only = migration_only
        self.settings: list[Setting] = []
        self._seen: set[tuple[int, str]] = set()

    def _environment(self, environment: str | None) -> str:
        return self.forced_environment or environment or "any"

    def emit(
        self,
        *,
        key: str,
        canonical: str,
        framework: str,
        pool: str,
        value_node: ast.AST,
        val: Val,
        key_node: ast.AST | None = None,
        environment: str | None = None,
        unit: str | None = None,
        note: str | None = None,
    ) -> Setting | None:
        code = self.code
        span = code.span(value_node)
        line, column = code.line_col(span.start)
        if key_node is not None and key_node.lineno != line:  # type: ignore[attr-defined]
            line, column = key_node.lineno, code.column(key_node)  # type: ignore[attr-defined]
        return self._add(
            Setting(
                path=code.path,
                line=line,
                column=column,
                span=span,
                kind="python",
                framework=framework,
                key=key,
                canonical=canonical,
                raw=code.raw(value_node),
                value=val.value,
                provenance=val.provenance,
                written=val.written,
                origin=code.origin(val.origin),
                env_var=val.env_var,
                unit=unit,
                environment=self._environment(environment),
                pool=pool,
                note=_join(note, val.note),
                ref=val.ref,
                migration_only=self.migration_only,
            )
        )

    def emit_at(
        self,
        *,
        key: str,
        canonical: str,
        framework: str,
        pool: str,
        span: Span,
        raw: str,
        val: Val,
        environment: str | None = None,
        unit: str | None = None,
        note: str | None = None,
    ) -> Setting | None:
        """A setting whose value is part of a larger literal (a URL parameter)."""
        line, column = self.code.line_col(span.start)
        return self._add(
            Setting(
                path=self.code.path, line=line, column=column, span=span, kind="python",
                framework=framework, key=key, canonical=canonical, raw=raw, value=val.value,
                provenance=val.provenance, written=val.written, origin=self.code.origin(val.origin),
                env_var=val.env_var, unit=unit, environment=self._environment(environment),
                pool=pool, note=_join(note, val.note), ref=val.ref, migration_only=self.migration_only,
            )
        )

    def emit_default(
        self,
        *,
        call: ast.Call,
        key: str,
        canonical: str,
        framework: str,
        pool: str,
        value: Value,
        note: str,
        environment: str | None = None,
        unit: str | None = None,
    ) -> Setting | None:
        """A setting not written at all: the library default applies; a fix inserts `key=`."""
        line, column = call.lineno, self.code.column(call)
        where = -1 - self.code.start(call)
        return self._add(
            Setting(
                path=self.code.path, line=line, column=column, span=None, kind="python",
                framework=framework, key=key, canonical=canonical, raw="", value=value,
                provenance=Provenance.LIBRARY_DEFAULT, written=value, unit=unit,
                environment=self._environment(environment), pool=pool, note=note,
                insertion=self.code.insertion(call, key), migration_only=self.migration_only,
            ),
            where,
        )

    def _add(self, setting: Setting, where: int | None = None) -> Setting | None:
        # One value reached by two routes (a dict passed to two calls) is one setting.
        mark = (setting.span.start if setting.span else where or 0, setting.canonical)
        if mark in self._seen:
            return None
        self._seen.add(mark)
        self.settings.append(setting)
        return setting


def _join(first: str | None, second: str | None) -> str | None:
    if first and second and first != second:
        return f"{first}; {second}"
    return first or second


@dataclass
class Module:
    """What the parts of the Python source share while reading one module."""

    code: Code
    values: Evaluator
    out: Emitter
    consumed: set[str] = field(default_factory=set)  # module names a pool setting read through
    later: list[tuple[str, Callable[[], None]]] = field(default_factory=list)  # unless consumed
    options_dicts: set[int] = field(default_factory=set)  # ids of dicts under a Django "OPTIONS" key

    def keyword(
        self,
        *,
        key: str,
        canonical: str,
        unit: str | None,
        framework: str,
        pool: str,
        value_node: ast.expr,
        scope: Scope,
        key_node: ast.AST | None = None,
        environment: str | None = None,
        note: str | None = None,
    ) -> Setting | None:
        """A setting whose value is the expression `value_node`, evaluated in `scope`; none when
        the value is the enclosing function's own parameter of the same name, or cannot be a
        number at all (a key table: `{"pool_size": ("max_size", "conns")}`)."""
        if isinstance(value_node, ast.Name) and self._passes_through(value_node.id, key, framework, scope):
            return None
        if _never_a_value(value_node):
            return None
        val = self.values.eval(value_node, scope)
        if not val.known and _constructed(value_node):
            return None  # `{"pool_size": KeyInfo("max_size")}`: an object, not a number
        self.consumed.update(val.names)
        return self.out.emit(
            key=key, canonical=canonical, framework=framework, pool=pool, value_node=value_node,
            val=val, key_node=key_node, environment=environment, unit=unit, note=note,
        )

    def _passes_through(self, name: str, key: str, framework: str, scope: Scope | None) -> bool:
        """`create_pool(minsize=minsize)` in `def create_pool_for(dsn, minsize)`: a function that
        passes on its own parameter of the same name, with no default, writes no value: it is
        chosen wherever the function is called (library wrappers, `{"CONN_MAX_AGE":
        conn_max_age}` in dj-database-url).  A default (`def make_engine(url, pool_size=5)`) is
        what runs when callers leave it out, the library's own value included: reported."""
        if name.lstrip("_").lower() != key.rsplit(".", 1)[-1].lower():
            return False
        while scope is not None:
            if name in scope.params:
                return scope.params[name] is None
            if name in scope.assigns:
                return False
            scope = scope.parent
        return False

    def dict_items(self, node: ast.expr | None, scope: Scope) -> Items | None:
        """The literal items of a dict expression (a literal, `dict(k=v)`, or a name bound once
        to one), skipping `**unknown` parts; None when it is not such a dict."""
        found = self.items(node, scope)
        return None if found is None else found[0]

    def items(self, node: ast.expr | None, scope: Scope) -> tuple[Items, bool] | None:
        """(items, complete): `complete` is False when some `**part` could not be read.
        Names read this way count as consumed."""
        if isinstance(node, ast.Name):
            bound = bound_once(node.id, scope)
            if bound is None:
                return None
            self.consumed.add(node.id)
            return self.items(bound, scope)
        if isinstance(node, ast.Dict):
            items: Items = []
            complete = True
            for key, value in zip(node.keys, node.values):
                if key is None:  # {**other, ...}
                    nested = self.items(value, scope)
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


def _never_a_value(node: ast.expr) -> bool:
    """Expressions no pool size, timeout or flag is written as: a collection of several items
    (one item is a trailing comma's tuple, `DB_POOL_SIZE = 100,`: reported as the bug it is),
    or a string that reads as no number, duration or flag (`"max_size"`)."""
    if isinstance(node, ast.Tuple):
        return len(node.elts) != 1
    if isinstance(node, (ast.List, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.Lambda)):
        return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return len(node.value) < 32 and parse_scalar(node.value) is None and node.value.isidentifier()
    return False


def _constructed(node: ast.expr) -> bool:
    """A call of a class (`KeyInfo(...)`, `Path(...)`): CamelCase callee."""
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func).rsplit(".", 1)[-1]
    return name[:1].isupper() and any(c.islower() for c in name)


def bound_once(name: str, scope: Scope | None) -> ast.expr | None:
    while scope is not None:
        if name in scope.assigns:
            nodes = scope.assigns[name]
            if len(nodes) != 1 or name in scope.mutated:
                return None
            return nodes[0]
        scope = scope.parent
    return None
