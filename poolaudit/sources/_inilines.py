"""INI syntax with positions, by configparser's rules: `[section]` headers, `key = value` or
`key: value` options, `#`/`;` comment lines, and lines indented deeper than their option
continuing its value."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from poolaudit.errors import SourceError
from poolaudit.model import Suppression
from poolaudit.sources._lines import physical_lines, suppression

_SECTION = re.compile(r"\[(?P<header>.+)\]")
_OPTION = re.compile(r"(?P<key>.*?)\s*(?P<delimiter>[=:])\s*(?P<value>.*)$")
_TRAILING_COMMENT = re.compile(r"\s[;#](.*)$")


@dataclass(frozen=True, slots=True)
class Option:
    section: str
    key: str
    value: str  # the first line's value text, trailing whitespace removed
    start: int  # offset of the value in the file
    continued: bool = False  # the value goes on over indented lines


@dataclass
class Parsed:
    options: list[Option] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)  # lowercased names
    suppressions: list[Suppression] = field(default_factory=list)


def scan(path: str, text: str, strict: bool = True, preamble: bool = False) -> Parsed:
    """Options in file order.  `strict`: a line configparser rejects raises SourceError;
    otherwise it is skipped (for `.cfg` files that are not INI).  `preamble`: options before
    the first `[section]` belong to the unnamed global section "" (go-ini, PHP: Gitea's
    `app.ini` starts `APP_NAME = ...`, `RUN_MODE = prod` before `[server]`)."""
    parsed = Parsed()
    section: str | None = None
    current: Option | None = None
    current_indent = 0
    for number, (offset, content) in enumerate(physical_lines(text), start=1):
        if number == 1 and content.startswith("\ufeff"):
            content, offset = content[1:], offset + 1
        stripped = content.strip()
        if not stripped:
            continue
        indent = len(content) - len(content.lstrip())
        if stripped[0] in "#;":
            _suppress(parsed, path, number, stripped)
            continue
        if current is not None and indent > current_indent:
            if not current.continued:
                parsed.options[-1] = current = _continued(current)
            continue
        current = None
        header = _SECTION.match(stripped)
        if header is not None:
            section = header.group("header")
            parsed.sections.add(section.lower())
            continue
        option = _OPTION.match(content, indent)
        if option is None or not option.group("key"):
            if strict:
                raise SourceError(
                    f"line {number} is neither a [section], a key = value option nor a comment",
                    number,
                )
            continue
        if section is None and preamble:
            section = ""
        if section is None:
            if strict:
                raise SourceError(
                    f"line {number}: option before the first [section] header", number
                )
            continue
        value = option.group("value").rstrip()
        current = Option(section, option.group("key"), value, offset + option.start("value"))
        current_indent = indent
        parsed.options.append(current)
        comment = _TRAILING_COMMENT.search(value)
        if comment is not None:
            _suppress(parsed, path, number, comment.group(1))
    return parsed


def _continued(option: Option) -> Option:
    return Option(option.section, option.key, option.value, option.start, True)


def _suppress(parsed: Parsed, path: str, line: int, comment: str) -> None:
    record = suppression(path, line, comment)
    if record is not None:
        parsed.suppressions.append(record)
