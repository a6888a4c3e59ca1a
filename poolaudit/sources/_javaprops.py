"""Java `.properties` syntax with positions, as `java.util.Properties.load` reads it.

Logical lines join physical lines ending in an odd number of backslashes (the next line's
leading whitespace is dropped); `#` and `!` start comment lines (never continued); the key
ends at the first unescaped `=`, `:` or whitespace; escapes are `\\t \\n \\r \\f \\uXXXX` and
`\\c` for any other c.  Spring's `#---` / `!---` lines separate documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from poolaudit.errors import SourceError
from poolaudit.sources._lines import LineIndex, physical_lines

_WHITESPACE = " \t\f"
_ESCAPE = re.compile(r"\\(u(?:[0-9A-Fa-f]{4})?|.?)", re.DOTALL)
_SIMPLE = {"t": "\t", "n": "\n", "r": "\r", "f": "\f"}


@dataclass(frozen=True, slots=True)
class Entry:
    key: str  # unescaped
    value: str  # unescaped, trailing whitespace removed
    raw: str  # the value's text as written
    start: int  # [start, end) of the value in the file
    end: int
    document: int  # 0 for the first document, +1 after each `#---`
    plain: bool  # raw is the value itself (no escapes, no continuation): editable in place


@dataclass
class Parsed:
    entries: list[Entry]
    comments: list[tuple[int, str]]  # (offset, text from the comment character on)


def _odd_backslashes(text: str) -> bool:
    count = len(text) - len(text.rstrip("\\"))
    return count % 2 == 1


def parse(text: str, lines: LineIndex) -> Parsed:
    physical = physical_lines(text)
    entries: list[Entry] = []
    comments: list[tuple[int, str]] = []
    document = 0
    index = 0
    while index < len(physical):
        offset, content = physical[index]
        index += 1
        lead = len(content) - len(content.lstrip(_WHITESPACE + "\ufeff"))
        if lead == len(content):
            continue
        if content[lead] in "#!":
            if content.strip() in ("#---", "!---"):
                document += 1
            comments.append((offset + lead, content[lead:]))
            continue
        pieces = [(offset + lead, content[lead:])]
        while _odd_backslashes(pieces[-1][1]):
            pieces[-1] = (pieces[-1][0], pieces[-1][1][:-1])
            if index >= len(physical):
                break
            offset, content = physical[index]
            index += 1
            lead = len(content) - len(content.lstrip(_WHITESPACE))
            pieces.append((offset + lead, content[lead:]))
        entries.append(_entry(text, lines, pieces, document))
    return Parsed(entries, comments)


def _entry(text: str, lines: LineIndex, pieces: list[tuple[int, str]], document: int) -> Entry:
    logical = "".join(piece for _, piece in pieces)
    at = 0
    while at < len(logical):
        char = logical[at]
        if char == "\\":
            at += 2
            continue
        if char in "=:" or char in _WHITESPACE:
            break
        at += 1
    key_raw = logical[:at]
    while at < len(logical) and logical[at] in _WHITESPACE:
        at += 1
    if at < len(logical) and logical[at] in "=:":
        at += 1
    while at < len(logical) and logical[at] in _WHITESPACE:
        at += 1
    value_raw = logical[at:].rstrip(_WHITESPACE)
    start = _file_offset(pieces, at)
    end = _file_offset(pieces, at + len(value_raw) - 1) + 1 if value_raw else start
    key = _unescape(key_raw, lines, pieces[0][0])
    value = _unescape(value_raw, lines, start)
    raw = text[start:end]
    return Entry(key, value, raw, start, end, document, raw == value)


def _file_offset(pieces: list[tuple[int, str]], logical_index: int) -> int:
    for offset, piece in pieces:
        if logical_index < len(piece):
            return offset + logical_index
        logical_index -= len(piece)
    last_offset, last_piece = pieces[-1]
    return last_offset + len(last_piece) + logical_index


def _unescape(raw: str, lines: LineIndex, offset: int) -> str:
    if "\\" not in raw:
        return raw

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code.startswith("u"):
            if len(code) != 5:
                line = lines.line(offset)
                raise SourceError(f"line {line}: malformed \\uxxxx escape", line)
            return chr(int(code[1:], 16))
        return _SIMPLE.get(code, code)

    return _ESCAPE.sub(one, raw)
