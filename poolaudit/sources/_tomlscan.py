"""Where each scalar of a TOML document is written: tomllib parses, this finds positions.

The scanner assumes text that tomllib already accepted, so it only has to follow the
structure: table headers `[a.b]` and `[[a]]`, dotted keys, inline tables, arrays, strings
of all four kinds and comments.  Each scalar is reported with its key path (array indexes
as ints) and its [start, end) offsets; comments with their offsets.
"""

from __future__ import annotations

import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef, import-not-found, unused-ignore]

Path = tuple[object, ...]  # str keys and int array indexes

_WS = re.compile(r"[ \t]*")
_WS_NL = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_SIMPLE_KEY = re.compile(r"[ \t]*([A-Za-z0-9_\-]+)[ \t]*")
_BLANK = re.compile(r"[ \t\r\n\ufeff]*")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{1,2}(?!"))?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{1,2}(?!'))?", re.DOTALL)
_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:\d{2})?"
)
_BARE_VALUE = re.compile(r"[^\s,\]\}#]+")
# The scalar patterns to try, in order, by the value's first character: a quoted pattern
# cannot match without its quote.
_UNQUOTED = (_DATETIME, _BARE_VALUE)
_SCALARS = {'"': (_ML_BASIC, _BASIC, *_UNQUOTED), "'": (_ML_LITERAL, _LITERAL, *_UNQUOTED)}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "e": "\x1b",
}


class Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.scalars: list[tuple[Path, int, int]] = []
        self.comments: list[tuple[int, str]] = []
        self._tables: dict[Path, int] = {}  # array-of-tables path -> index of its last element

    def run(self) -> Scanner:
        text, size = self.text, len(self.text)
        table: Path = ()
        while True:
            self._skip_blank()
            if self.pos >= size:
                return self
            if text.startswith("[[", self.pos):
                self.pos += 2
                keys = self._key()
                parent = self._resolve(keys[:-1])
                full = (*parent, keys[-1])
                index = self._tables.get(full, -1) + 1
                self._tables[full] = index
                table = (*full, index)
                self.pos = text.index("]]", self.pos) + 2
            elif text[self.pos] == "[":
                self.pos += 1
                table = self._resolve(self._key())
                self.pos = text.index("]", self.pos) + 1
            else:
                start = self.pos
                self._pair(table)
                if self.pos == start:  # cannot happen on text tomllib accepted; never loop
                    self.pos += 1

    # ------------------------------------------------------------------ structure
    def _resolve(self, keys: list[str]) -> Path:
        path: Path = ()
        for key in keys:
            path = (*path, key)
            if path in self._tables:
                path = (*path, self._tables[path])
        return path

    def _skip_blank(self) -> None:
        """Whitespace, newlines and comments (recorded)."""
        text = self.text
        while True:
            self.pos = _BLANK.match(text, self.pos).end()  # type: ignore[union-attr]
            if not text.startswith("#", self.pos):
                return
            end = text.find("\n", self.pos)
            end = len(text) if end < 0 else end
            self.comments.append((self.pos, text[self.pos : end]))
            self.pos = end

    def _key(self) -> list[str]:
        simple = _SIMPLE_KEY.match(self.text, self.pos)  # one bare key, not dotted: most keys
        if simple is not None and not self.text.startswith(".", simple.end()):
            self.pos = simple.end()
            return [simple.group(1)]
        keys = []
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
            char = self.text[self.pos : self.pos + 1]
            if char == '"':
                match = _BASIC.match(self.text, self.pos)
                keys.append(unescape(match.group()[1:-1]) if match else "")
            elif char == "'":
                match = _LITERAL.match(self.text, self.pos)
                keys.append(match.group()[1:-1] if match else "")
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                keys.append(match.group() if match else "")
            if match is None:
                return keys
            self.pos = _WS.match(self.text, match.end()).end()  # type: ignore[union-attr]
            if self.text.startswith(".", self.pos):
                self.pos += 1
                continue
            return keys

    def _pair(self, table: Path) -> None:
        keys = self._key()
        if not self.text.startswith("=", self.pos):
            return
        self.pos = _WS.match(self.text, self.pos + 1).end()  # type: ignore[union-attr]
        self._value((*table, *keys))

    def _value(self, path: Path) -> None:
        text = self.text
        char = text[self.pos : self.pos + 1]
        if char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip_blank()
                if self.pos >= len(text) or text[self.pos] == "]":
                    self.pos += 1
                    return
                start = self.pos
                self._value((*path, index))
                index += 1
                self._skip_blank()
                if text.startswith(",", self.pos) or self.pos == start:
                    self.pos += 1
        elif char == "{":
            self.pos += 1
            while True:
                self._skip_blank()
                if self.pos >= len(text) or text[self.pos] == "}":
                    self.pos += 1
                    return
                start = self.pos
                self._pair(path)
                self._skip_blank()
                if text.startswith(",", self.pos) or self.pos == start:
                    self.pos += 1
        else:
            for pattern in _SCALARS.get(char, _UNQUOTED):  # those that can match at this char
                match = pattern.match(text, self.pos)
                if match is not None:
                    self.scalars.append((path, match.start(), match.end()))
                    self.pos = match.end()
                    return


def unescape(body: str) -> str:
    """The text of a basic string's body (between the quotes)."""
    if "\\" not in body:
        return body

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, body)


MISSING = object()


def confirmed(data: dict[str, Any], keys: Path, raw: str) -> object:
    """tomllib's value at `keys`, when the scanned text `raw` holds that very value; else MISSING
    (a scanner slip never turns into a wrong setting)."""
    node: Any = data
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return MISSING
    scanned = _plain(raw)
    if scanned is MISSING:
        try:
            scanned = tomllib.loads("v = " + raw)["v"]
        except tomllib.TOMLDecodeError:
            return MISSING
    if scanned != node or type(scanned) is not type(node):
        return MISSING
    return node


_PLAIN_INT = re.compile(r"0|[1-9][0-9]*")
# A basic string without escapes: any character but quote, backslash and the control
# characters TOML forbids in one (all but tab).
_PLAIN_BASIC = re.compile(r'"[^"\\\x00-\x08\x0a-\x1f\x7f]*"')
_BOOLS: dict[str, object] = {"true": True, "false": False}


def _plain(raw: str) -> object:
    """What tomllib reads from `raw` when it is a plain decimal integer, a boolean or a basic
    string without escapes (most values; parsed directly); else MISSING."""
    if _PLAIN_INT.fullmatch(raw):
        return int(raw)
    if _PLAIN_BASIC.fullmatch(raw):
        return raw[1:-1]
    return _BOOLS.get(raw, MISSING)


def dotted(keys: Path) -> str:
    """`("tool", "x", "database", "pool_size")` -> "tool.x.database.pool_size"; `a[0].b`."""
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key}]"
            continue
        text = str(key)
        if not _BARE_KEY.fullmatch(text):
            text = '"' + text.replace('"', '\\"') + '"'
        out += ("." if out else "") + text
    return out
