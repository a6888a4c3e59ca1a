"""The line of a field in a policy file's text, so that a PolicyError can point at it.

The data were read without positions (a plain YAML load, tomllib), so the line is looked up
again only when there is an error to report.
"""

from __future__ import annotations

import re
from typing import Any


def yaml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` that the YAML text holds (PyYAML compose marks)."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


_TOML_HEADER = re.compile(r"\s*(\[\[?)([^\]]+)\]")
_TOML_KEY = re.compile(r"\s*((?:[\w-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[\w-]+|\"[^\"]*\"|'[^']*'))*)\s*=")
_TOML_PART = re.compile(r"\"([^\"]*)\"|'([^']*)'|([\w-]+)")


def toml_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the deepest key of `loc` in TOML text: tomllib keeps no positions, so the
    table headers and keys are followed by a text search."""
    target = [str(part) for part in loc]
    best, best_depth = None, 0
    table: list[str] = []
    arrays: dict[tuple[str, ...], int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        header = _TOML_HEADER.match(line)
        key = None if header else _TOML_KEY.match(line)
        if header:
            table = [a or b or c for a, b, c in _TOML_PART.findall(header.group(2))]
            if header.group(1) == "[[":
                index = arrays[tuple(table)] = arrays.get(tuple(table), -1) + 1
                table = [*table, str(index)]
            path = table
        elif key:
            path = table + [a or b or c for a, b, c in _TOML_PART.findall(key.group(1))]
        else:
            continue
        depth = 0
        for mine, wanted in zip(path, target):
            if mine != wanted:
                break
            depth += 1
        if depth > best_depth:
            best, best_depth = number, depth
    return best
