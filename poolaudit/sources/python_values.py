"""Values of Python expressions, worked out without running code: literals, constants of the
module, environment lookups with their defaults, names read from elsewhere, and arithmetic on
values that are known.

Names read from another module cannot be seen from one file.  They become UNRESOLVED values
whose `ref` is the attribute or constant NAME the expression reads, as code spells it:
`settings.db_pool_size` -> "db_pool_size", `get_settings().DB_POOL_SIZE` -> "DB_POOL_SIZE",
`config.POOL_SIZE` and `from .config import POOL_SIZE` -> "POOL_SIZE".  The resolver looks that
name up among the Symbols of the same service, which this source emits for every module
constant and every settings-class field it sees.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from poolaudit.model import Provenance, Span, Value
from poolaudit.sources._values import parse_scalar
from poolaudit.sources.python_envcalls import env_lookup, wrapped_lookup
from poolaudit.sources.python_pydantic import FIELD_CALLS, default_and_alias
from poolaudit.sources.python_scopes import Scope, dotted, own_class

if TYPE_CHECKING:
    from collections.abc import Callable

    from poolaudit.sources.python_code import Code

LITERAL, ENV_DEFAULT, UNRESOLVED = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
MAX_DEPTH = 40  # generated code can nest arithmetic deeply; past this, the value is unresolved
_CASTS = {"int", "float", "bool", "int_or_none", "float_or_none", "Decimal", "abs", "round", "ceil", "floor"}


@dataclass(frozen=True, slots=True)
class Val:
    """What an expression is known to hold, and where that value is written."""

    provenance: Provenance
    value: Value = None
    written: Value = None
    origin: Span | None = None  # the bare literal a fix would replace
    env_var: str | None = None
    ref: str | None = None
    note: str | None = None
    text: str | None = None  # the string, when the expression is a known string
    names: tuple[str, ...] = ()  # constants of this module the value was read through

    @property
    def known(self) -> bool:
        return self.value is not None and self.provenance is not UNRESOLVED


class Evaluator:
    def __init__(self, code: Code) -> None:
        self.code = code
        self._memo: dict[tuple[int, str], Val] = {}
        self._active: set[tuple[int, str]] = set()
        self._wrappers: dict[int, bool] = {}  # function node -> whether it reads its first parameter's variable

    def unknown(self, node: ast.AST, **fields: object) -> Val:
        fields.setdefault("note", self.code.raw(node))
        return Val(UNRESOLVED, **fields)  # type: ignore[arg-type]

    def eval(self, node: ast.AST, scope: Scope, depth: int = 0) -> Val:
        if depth > MAX_DEPTH:
            return self.unknown(node)
        if isinstance(node, ast.Constant):
            return self._constant(node)
        if isinstance(node, ast.Name):
            return self._name(node.id, scope, depth)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, scope, depth)
        if isinstance(node, ast.Call):
            return self._call(node, scope, depth)
        if isinstance(node, ast.Attribute):
            return self._attribute(node, scope, depth)
        if isinstance(node, ast.Subscript):
            return self._subscript(node, scope, depth)
        if isinstance(node, ast.BinOp):
            return self._computed(node, [node.left, node.right], scope, depth)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._or(node, scope, depth)
        if isinstance(node, ast.Tuple):
            return self.unknown(node, note="tuple")
        return self.unknown(node)

    def _constant(self, node: ast.Constant) -> Val:
        value = node.value
        if isinstance(value, bool) or isinstance(value, (int, float)):
            return Val(LITERAL, value, value, self.code.span(node))
        if isinstance(value, str):
            parsed = parse_scalar(value) if len(value) < 32 else None
            if parsed is None:
                return Val(UNRESOLVED, note=repr(value) if len(value) < 80 else "a string", text=value)
            return Val(LITERAL, parsed, parsed, self.code.inner_string(node), text=value)
        return self.unknown(node)

    def _unary(self, node: ast.UnaryOp, scope: Scope, depth: int) -> Val:
        if isinstance(node.operand, ast.Constant) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self._constant(node.operand)
            if isinstance(inner.value, (int, float)) and not isinstance(inner.value, bool):
                value = -inner.value if isinstance(node.op, ast.USub) else inner.value
                return Val(LITERAL, value, value, self.code.span(node))
        return self._computed(node, [node.operand], scope, depth)

    def _name(self, name: str, scope: Scope, depth: int) -> Val:
        current: Scope | None = scope
        while current is not None:
            if name in current.params:
                default = current.params[name]
                if default is None:
                    return Val(UNRESOLVED, note=f"parameter {name}")
                found = self.eval(default, current.parent or current, depth + 1)
                return replace(found, note=found.note or f"default of parameter {name}")
            if name in current.assigns:
                return self._bound(name, current, depth)
            if name in current.imports:
                origin = current.imports[name]
                return Val(UNRESOLVED, ref=origin.rsplit(".", 1)[-1], note=f"{name} imported from {origin.rsplit('.', 1)[0] or origin}")
            current = current.parent
            while current is not None and current.kind == "class" and scope.kind == "function":
                current = current.parent  # methods do not see class-level names
        return Val(UNRESOLVED, ref=name, note=name)

    def _bound(self, name: str, scope: Scope, depth: int) -> Val:
        key = (id(scope), name)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            return Val(UNRESOLVED, note=f"{name} refers to itself")
        self._active.add(key)
        try:
            found = self._bound_value(name, scope, depth)
        finally:
            self._active.discard(key)
        self._memo[key] = found
        return found

    def _bound_value(self, name: str, scope: Scope, depth: int) -> Val:
        nodes = scope.assigns[name]
        if name in scope.mutated or any(node is None for node in nodes):
            return Val(UNRESOLVED, note=f"{name} is changed at run time")
        vals = [self.eval(node, scope, depth + 1) for node in nodes if node is not None]
        if len({(v.value, v.text, v.provenance) for v in vals}) != 1:
            return Val(UNRESOLVED, note=f"{name} is assigned different values")
        found = vals[-1]
        if found.note == "tuple":  # DB_POOL_SIZE = 100,
            last = nodes[-1]
            assert last is not None  # nodes holding None returned above
            return replace(found, note=f"tuple: {name} = {self.code.raw(last)} (a trailing comma?)")
        if found.provenance is UNRESOLVED and found.text is None:
            return replace(found, note=f"{name} = {found.note}" if found.note else name, names=(name, *found.names))
        return replace(found, note=found.note or f"constant {name}", names=(name, *found.names))

    def _attribute(self, node: ast.Attribute, scope: Scope, depth: int) -> Val:
        if isinstance(node.value, ast.Name):
            owner = scope.class_scope(node.value.id) or own_class(node.value.id, node.attr, scope)
            if owner is not None and node.attr in owner.assigns:
                return self._bound(node.attr, owner, depth)
        return Val(UNRESOLVED, ref=node.attr, note=self.code.raw(node))

    def _subscript(self, node: ast.Subscript, scope: Scope, depth: int) -> Val:
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return self.unknown(node)
        base = scope.qualify(dotted(node.value))
        if base in ("os.environ", "environ") or base.endswith(".environ"):
            return Val(UNRESOLVED, env_var=key.value, note=self.code.raw(node))
        ref = key.value if key.value.isidentifier() else None
        return Val(UNRESOLVED, ref=ref, note=self.code.raw(node))

    def _call(self, node: ast.Call, scope: Scope, depth: int) -> Val:
        name = dotted(node.func)
        qualified = scope.qualify(name)
        last = qualified.rsplit(".", 1)[-1]
        if last in _CASTS and len(node.args) == 1 and not node.keywords:
            inner = self.eval(node.args[0], scope, depth + 1)
            if last == "int" and isinstance(inner.value, float) and inner.known:
                return replace(inner, value=int(inner.value), written=int(inner.value))
            if last in ("ceil", "floor", "round", "abs") and inner.known:
                return self._computed(node, [node.args[0]], scope, depth)
            if not inner.known and inner.names == ():
                return replace(inner, note=self.code.raw(node))
            return inner
        if last in FIELD_CALLS and not node.args[1:]:
            default = default_and_alias(node)[0]  # a class attribute `field(default_factory=...)`
            return self.eval(default, scope, depth + 1) if default is not None else self.unknown(node)
        lookup = env_lookup(node, qualified) or wrapped_lookup(node, name, scope, self._wrappers)
        if lookup is not None:
            return self._env_value(node, lookup[0], lookup[1], scope, depth)
        if last in ("max", "min") and node.args and not node.keywords:
            return self._computed(node, node.args, scope, depth)
        return self.unknown(node)

    def _env_value(self, node: ast.Call, var: str, default: ast.expr | None, scope: Scope, depth: int) -> Val:
        if default is None or (isinstance(default, ast.Constant) and default.value is None):
            return Val(UNRESOLVED, env_var=var, note=self.code.raw(node))
        found = self.eval(default, scope, depth + 1)
        if not found.known:
            return Val(UNRESOLVED, env_var=var, note=self.code.raw(node), text=found.text)
        return replace(found, provenance=ENV_DEFAULT, env_var=var, note=None)

    def _or(self, node: ast.BoolOp, scope: Scope, depth: int) -> Val:
        first = self.eval(node.values[0], scope, depth + 1)
        if first.env_var and first.provenance is UNRESOLVED and len(node.values) == 2:
            fallback = self.eval(node.values[1], scope, depth + 1)
            if fallback.known:
                return replace(fallback, provenance=ENV_DEFAULT, env_var=first.env_var, note=None)
        return self.unknown(node)

    def _computed(self, node: ast.expr, operands: list[ast.expr], scope: Scope, depth: int) -> Val:
        vals = [self.eval(operand, scope, depth + 1) for operand in operands]
        numbers = [v.value for v in vals]
        if not all(v.known and isinstance(n, (int, float)) for v, n in zip(vals, numbers)):
            ref = next((v.ref for v in vals if v.ref), None) if len(vals) == 1 else None
            return self.unknown(node, ref=ref)
        try:
            value = _apply(node, numbers)  # type: ignore[arg-type]
        except (ArithmeticError, ValueError, TypeError):
            value = None
        if value is None:
            return self.unknown(node)
        provenance = ENV_DEFAULT if any(v.provenance is ENV_DEFAULT for v in vals) else LITERAL
        names = tuple(n for v in vals for n in v.names)
        return Val(provenance, value, None, None, note=f"computed: {self.code.raw(node)}", names=names)


def _apply(node: ast.expr, numbers: list[float | int]) -> Value:
    if isinstance(node, ast.BinOp):
        a, b = numbers
        op = node.op
        if isinstance(op, ast.Pow) and (abs(b) > 64 or abs(a) > 1e6):
            return None
        table: dict[type[ast.operator], Callable[[], float | int]] = {
            ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b,
            ast.FloorDiv: lambda: a // b, ast.Div: lambda: a / b, ast.Mod: lambda: a % b,
            ast.Pow: lambda: a**b,
        }
        compute = table.get(type(op))
        return compute() if compute else None
    if isinstance(node, ast.UnaryOp):
        (a,) = numbers
        return -a if isinstance(node.op, ast.USub) else a if isinstance(node.op, ast.UAdd) else None
    if isinstance(node, ast.Call):
        name = dotted(node.func).rsplit(".", 1)[-1]
        functions: dict[str, Callable[..., float | int]] = {"max": max, "min": min, "abs": abs, "round": round, "ceil": math.ceil, "floor": math.floor}
        function = functions.get(name)
        if function is None:
            return None
        return function(*numbers) if name in ("max", "min") else function(numbers[0])
    return None

