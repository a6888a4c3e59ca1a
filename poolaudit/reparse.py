"""Whole documents as each file kind's own parser reads them, for comparing data before and
after an edit: YAML nodes (composed, not constructed), TOML tables (tomllib), env and
properties assignments, ini sections (configparser) and the Python AST.

A document becomes a tree of Nodes (structure) and Leafs (scalars, with their offsets in the
text when the parser gives them), so that poolaudit.verify can tell which values an edit
changed and that nothing else did.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass
from typing import Any, Union

from poolaudit.splice import split_lines


@dataclass(frozen=True, slots=True)
class Leaf:
    tag: str  # the scalar's type: YAML tag, Python type name
    text: str  # its text, which an edit changes
    start: int = dataclasses.field(default=-1, compare=False)  # offsets in the text, when known
    end: int = dataclasses.field(default=-1, compare=False)
    alias: bool = dataclasses.field(default=False, compare=False)  # a YAML `*name` of a scalar


@dataclass(frozen=True, slots=True)
class Node:
    label: str
    children: tuple[Tree, ...]


Tree = Union[Leaf, Node]


class Unparsed(Exception):
    pass


def parse_tree(kind: str, text: str) -> Tree:
    """The file's parsed data as a tree of Nodes and Leafs; raises Unparsed."""
    parse = _PARSERS[kind]
    try:
        return parse(text)
    except Unparsed:
        raise
    except Exception as exc:  # yaml.YAMLError, TOMLDecodeError, SyntaxError, configparser.Error ...
        # Whatever stops the parser, the file cannot be proven unchanged: the caller refuses.
        raise Unparsed(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def _yaml(text: str) -> Tree:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    # Nodes, not constructed data: unknown tags (`!Ref`) compose fine, and an alias is the
    # very node it names, so an edit of an anchor shows wherever it is merged.
    docs = list(yaml.compose_all(text, Loader=loader))
    seen: set[int] = set()
    return Node("stream", tuple(_yaml_node(doc, set(), seen) for doc in docs if doc is not None))


def _yaml_node(node: Any, stack: set[int], seen: set[int], merged: bool = False) -> Tree:
    import yaml

    # An alias composes to the anchor's own node, so a node met twice is a `*name`.  A scalar
    # aliased on its own is reported as such; scalars inside an aliased mapping (Rails'
    # `<<: *default`) are the merge a fix means to change.
    again = id(node) in seen
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return Leaf(node.tag, node.value, node.start_mark.index, node.end_mark.index, again and not merged)
    if id(node) in stack:
        raise Unparsed("recursive alias")
    stack.add(id(node))
    merged = merged or again
    try:
        if isinstance(node, yaml.MappingNode):
            pairs = tuple(
                Node("pair", (_yaml_node(k, stack, seen, merged), _yaml_node(v, stack, seen, merged))) for k, v in node.value
            )
            return Node("map " + node.tag, pairs)
        return Node("seq " + node.tag, tuple(_yaml_node(item, stack, seen, merged) for item in node.value))
    finally:
        stack.discard(id(node))


def _toml(text: str) -> Tree:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]  # tomli is not installed in the 3.11 dev venv
    return _plain(tomllib.loads(text))


def _plain(data: Any) -> Tree:
    if isinstance(data, dict):
        return Node("table", tuple(Node("pair", (Leaf("str", k), _plain(v))) for k, v in data.items()))
    if isinstance(data, list):
        return Node("array", tuple(_plain(v) for v in data))
    return Leaf(type(data).__name__, str(data) if not isinstance(data, float) else repr(data))


def _python(text: str) -> Tree:
    import ast

    starts = [0]
    for line in split_lines(text):
        starts.append(starts[-1] + len(line))
    lines = split_lines(text)

    def offset(lineno: int, col: int) -> int:
        # ast columns count UTF-8 bytes; offsets here count characters.
        line = lines[lineno - 1] if lineno - 1 < len(lines) else ""
        return starts[lineno - 1] + len(line.encode("utf-8")[:col].decode("utf-8", "ignore"))

    def convert(node: Any) -> Tree:
        if isinstance(node, ast.Constant) and getattr(node, "end_lineno", None) is not None:
            start = offset(node.lineno, node.col_offset)
            end = offset(node.end_lineno, node.end_col_offset)  # type: ignore[arg-type]
            return Node("ast Constant", (Leaf(type(node.value).__name__, str(node.value), start, end),))
        if isinstance(node, ast.AST):
            fields = tuple(Node("field " + name, (convert(getattr(node, name, None)),)) for name in node._fields)
            return Node("ast " + type(node).__name__, fields)
        if isinstance(node, list):
            return Node("list", tuple(convert(item) for item in node))
        return Leaf(type(node).__name__, str(node))

    return convert(ast.parse(text))


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(.*?)\s*$")


def _env(text: str) -> Tree:
    pairs: list[Tree] = []
    offset = 0
    for line in split_lines(text):
        stripped = line.strip()
        match = _ENV_LINE.match(line.rstrip("\r\n"))
        if match:
            value = Leaf("str", match.group(2), offset + match.start(2), offset + match.end(2))
            pairs.append(Node("pair", (Leaf("key", match.group(1)), value)))
        elif stripped and not stripped.startswith("#"):
            pairs.append(Leaf("line", stripped))
        offset += len(line)
    return Node("env", tuple(pairs))


_PROP_KEY = re.compile(r"((?:\\.|[^\s=:\\])*)\s*[=:]?\s*")


def _properties(text: str) -> Tree:
    pairs: list[Tree] = []
    logical, first, offset = "", -1, 0
    for line in split_lines(text):
        body = line.rstrip("\r\n")
        start, offset = offset, offset + len(line)
        if not logical and (not body.strip() or body.lstrip().startswith(("#", "!"))):
            continue
        continued = (len(body) - len(body.rstrip("\\"))) % 2 == 1  # odd backslashes continue
        piece = body.lstrip() if logical else body
        if not logical:
            first = start
        logical += piece[:-1] if continued else piece
        if continued:
            continue
        lead = len(logical) - len(logical.lstrip())
        match = _PROP_KEY.match(logical, lead)
        assert match is not None  # the pattern matches every string
        single = first + len(logical) == start + len(body)  # no continuation: offsets hold
        value_start = first + match.end() if single else -1
        value = Leaf("str", logical[match.end() :], value_start, first + len(logical) if single else -1)
        pairs.append(Node("pair", (Leaf("key", match.group(1)), value)))
        logical = ""
    return Node("properties", tuple(pairs))


def _ini(text: str) -> Tree:
    import configparser

    parser = configparser.RawConfigParser(strict=False, allow_no_value=True, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys as written
    parser.read_string(text)
    sections = [Node("section", (Leaf("key", parser.default_section), _ini_items(parser.defaults().items())))]
    for name in parser.sections():
        own = parser._sections[name]  # type: ignore[attr-defined]  # without the DEFAULT items
        sections.append(Node("section", (Leaf("key", name), _ini_items(own.items()))))
    return Node("ini", tuple(sections))


def _ini_items(items: Any) -> Tree:
    return Node("map", tuple(Node("pair", (Leaf("key", k), Leaf("str", str(v)))) for k, v in items))


_PARSERS = {"yaml": _yaml, "toml": _toml, "python": _python, "env": _env, "properties": _properties, "ini": _ini}
