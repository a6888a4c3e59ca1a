"""Positions in Python source text: `ast` reports columns as UTF-8 byte offsets within a
line; settings carry character offsets into the decoded text, so every position goes through
`Code.offset`.  Also the spans a fix edits (a string's bare text) and where it inserts."""

from __future__ import annotations

import ast
import re
from bisect import bisect_right
from itertools import accumulate

from poolaudit.model import Insertion, Origin, Span

# The tokenizer's newlines: \r\n, lone \r and \n (not the extra ones str.splitlines knows).
_NEWLINE = re.compile(r"\r\n|\r|\n")
_STRING_PREFIX = re.compile(r"[rRuUbBfF]{0,2}")
RAW_LIMIT = 200  # a computed expression is shown, not copied whole


class Code:
    """A module's text with its line starts: `ast` positions -> character offsets."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        if "\r" in text:
            self.starts = [0]
            self.starts.extend(m.end() for m in _NEWLINE.finditer(text))
        else:  # the common case, in C: each line's length plus its newline, summed
            self.starts = list(accumulate([len(line) + 1 for line in text.split("\n")], initial=0))[:-1]
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
