"""Positions and records for the Python source: character spans from `ast` positions, and the
construction of `Setting` records (line, column, span, origin, insertion) from found values.

`ast` reports columns as UTF-8 byte offsets within a line; settings carry character offsets
into the decoded text, so every position goes through `Code.offset`.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from poolaudit.model import Insertion, Origin, Provenance, Setting, Span, Value
from poolaudit.sources.python_values import Evaluator, Scope, Val

# The tokenizer's newlines: \r\n, lone \r and \n (not the extra ones str.splitlines knows).
_NEWLINE = re.compile(r"\r\n|\r|\n")
_STRING_PREFIX = re.compile(r"[rRuUbBfF]{0,2}")
RAW_LIMIT = 200  # a computed expression is shown, not copied whole


class Code:
    """A module's text with its line starts: `ast` positions -> character offsets."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.starts = [0]
        self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        self._ascii = text.isascii()

    def offset(self, lineno: int, col: int) -> int:
        start = self.starts[lineno - 1]
        if self._ascii or col == 0:
            return start + col
        end = self.starts[lineno] if lineno < len(self.starts) else len(self.text)
        prefix = self.text[start:end].encode("utf-8", "surrogatepass")[:col]
        return start + len(prefix.decode("utf-8", "ignore"))

    def start(self, node: ast.AST) -> int:
        return self.offset(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> int:
        return self.offset(node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]

    def span(self, node: ast.AST) -> Span:
        return Span(self.start(node), self.end(node))

    def raw(self, node: ast.AST, limit: int = RAW_LIMIT) -> str:
        start, end = self.start(node), self.end(node)
        if end - start > limit:
            return self.text[start : start + limit - 1] + "…"
        return self.text[start:end]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def column(self, node: ast.AST) -> int:
        return self.line_col(self.start(node))[1]

    def inner_string(self, node: ast.Constant) -> Span | None:
        """The span of a string literal's text without prefix and quotes, when the text as
        written is exactly the value (no escapes, no implicit concatenation): what a fix edits."""
        start, end = self.start(node), self.end(node)
        raw = self.text[start:end]
        prefix = _STRING_PREFIX.match(raw)
        p = prefix.end() if prefix else 0
        quote = raw[p : p + 3] if raw[p : p + 3] in ('"""', "'''") else raw[p : p + 1]
        if quote not in ('"', "'", '"""', "'''") or not raw.endswith(quote) or len(raw) < p + 2 * len(quote):
            return None
        inner = Span(start + p + len(quote), end - len(quote))
        if self.text[inner.start : inner.end] != node.value:
            return None
        return inner

    def origin(self, span: Span | None) -> Origin | None:
        if span is None:
            return None
        line, column = self.line_col(span.start)
        return Origin(self.path, span, line, column)

    def insertion(self, call: ast.Call, keyword: str) -> Insertion | None:
        """Where `keyword=<value>` goes in `call`, in the call's own layout: after the last
        argument, on its own line (with the arguments' indentation) when the call puts one
        argument per line, else after `, `."""
        close = self.end(call) - 1
        if self.text[close : close + 1] != ")":
            return None
        parts: list[ast.AST] = [*call.args, *call.keywords]
        if not parts:
            return Insertion(self.path, close, keyword + "={value}")
        last = max(parts, key=self.end)
        last_end = self.end(last)
        if call.lineno == call.end_lineno:
            return Insertion(self.path, last_end, ", " + keyword + "={value}")
        last_start = self.start(last)
        line_start = self.starts[last.lineno - 1]  # type: ignore[attr-defined]
        indent = self.text[line_start:last_start]
        if indent.strip():
            return Insertion(self.path, last_end, ", " + keyword + "={value}")
        between = self.text[last_end:close]
        if between.lstrip(" \t").startswith(","):
            comma = last_end + between.index(",") + 1
            return Insertion(self.path, comma, "\n" + indent + keyword + "={value},")
        return Insertion(self.path, last_end, ",\n" + indent + keyword + "={value}")


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
        """A setting whose value is the expression `value_node`, evaluated in `scope`."""
        val = self.values.eval(value_node, scope)
        self.consumed.update(val.names)
        return self.out.emit(
            key=key, canonical=canonical, framework=framework, pool=pool, value_node=value_node,
            val=val, key_node=key_node, environment=environment, unit=unit, note=note,
        )
