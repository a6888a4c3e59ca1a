"""Line bookkeeping shared by the line-oriented sources: offsets to (line, column), and the
`poolaudit: ignore[...]` suppression comments found in a comment's text."""

from __future__ import annotations

import re
from bisect import bisect_right

from poolaudit.model import Suppression

_NEWLINE = re.compile(r"\n")


class LineIndex:
    """Maps character offsets of one text to 1-based (line, column).

    Lines end at `\\n` (a `\\r` before it belongs to the line ending, never to a value).  A BOM
    at the very start is not counted as a column: editors do not show it.
    """

    __slots__ = ("bom", "starts")

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
        self.bom = 1 if text.startswith("\ufeff") else 0

    def line(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        if line == 1:
            start += self.bom
        return line, offset - start + 1


def physical_lines(text: str) -> list[tuple[int, str]]:
    """(offset, content) of every line, content without its `\\n` / `\\r\\n` ending."""
    lines = []
    offset = 0
    for chunk in text.split("\n"):
        content = chunk.removesuffix("\r")
        lines.append((offset, content))
        offset += len(chunk) + 1
    if lines and lines[-1][1] == "" and text.endswith("\n"):
        lines.pop()  # the empty "line" after a final newline
    return lines


_SUPPRESS = re.compile(r"poolaudit:\s*ignore\b(?:\[([^\]]*)\])?[\s:,\-]*(.*)")


def suppression(path: str, line: int, comment: str) -> Suppression | None:
    """The suppression a comment's text holds (`poolaudit: ignore[PA101,PA103] reason`), if any."""
    if "poolaudit" not in comment:
        return None
    match = _SUPPRESS.search(comment)
    if match is None:
        return None
    codes = tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())
    reason = match.group(2).strip() or None
    return Suppression(path, line, codes, reason)
