"""Proof that an edited text says what the fix meant and nothing else, before it is written.

The edited text is read again by the same source and by the file kind's own parser:
- the records the source finds (settings, env assignments, symbols) must be those of the
  original text, except that the targets of the edits now hold the new value;
- the parsed data (YAML nodes, TOML tables, env/properties/ini assignments, the Python AST)
  must equal the original's except for the edited values (and, for an insertion, the one
  added entry);
- only the lines holding an edit may differ.
Any difference is a reason to refuse the whole file; the reason says what differed.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any, Union

from poolaudit import sources
from poolaudit.errors import SourceError
from poolaudit.model import EnvDef, Extraction, Provenance, Setting, Symbol, Value
from poolaudit.splice import Edit, line_of, moved, split_lines


class VerifyError(Exception):
    """The edited text fails verification; the message is the reason, for the report."""


@dataclass(frozen=True)
class Expect:
    """What one edit is meant to do."""

    edit: Edit
    old: str  # the text the edit replaces ("" for an insertion)
    value: Value  # the new value in canonical units (seconds, connections)
    written: Value  # the new value as written in the file (milliseconds stay milliseconds)
    canonical: str = ""
    pool: str = ""
    keys: tuple[str, ...] = ()  # for an insertion: the words of the key it adds
    shown: str = ""  # the new value's text as written
    # (key, canonical, pool, line, column) of the settings in this file that take the new
    # value (as found before the edit): after the edit each must hold it
    targets: frozenset[tuple[str, str, str, int, int]] = frozenset()

    @property
    def insertion(self) -> bool:
        return self.edit.start == self.edit.end


def verify(kind: str, rel: str, before: str, after: str, expects: list[Expect], old: Extraction | None = None) -> None:
    """Raise VerifyError unless `after` is `before` with exactly the expected effects."""
    source = sources.get(kind)
    try:
        old = old if old is not None else source.extract(rel, before)
        new = source.extract(rel, after)
    except SourceError as exc:
        raise VerifyError(f"the edited file does not parse: {exc}") from None
    placed = moved([e.edit for e in expects])
    ranges = {edit: (start, end) for edit, start, end in placed}
    _lines(before, after, expects)
    _data(kind, before, after, expects)  # first: its reasons (alias, structure) are the plainer
    remap = _pool_lines(before, expects)
    old = Extraction([s.replace(pool=remap(s.pool)) for s in old.settings], old.env, old.symbols, old.suppressions)
    expects = [dataclasses.replace(e, pool=remap(e.pool)) for e in expects]
    _records(old, new, expects, ranges)


_AT_LINE = re.compile(r"@(\d+)\b")


def _pool_lines(before: str, expects: list[Expect]) -> Callable[[str], str]:
    """Pool ids may carry a line (`create_engine@12`); lines added by an insertion above move
    them, so the ids of the original text are moved the same way before comparing."""
    added = [(line_of(before, e.edit.start), len(split_lines(e.edit.text + "x")) - 1) for e in expects]
    added = [(line, count) for line, count in added if count]
    if not added:
        return lambda pool: pool

    def moved_id(pool: str) -> str:
        # An insertion at the end of line L (0-based) adds lines after L + 1 (1-based).
        return _AT_LINE.sub(lambda m: "@" + str(int(m[1]) + sum(n for line, n in added if line + 1 < int(m[1]))), pool)

    return moved_id


# ---------------------------------------------------------------- records the source finds


def _near(a: Value, b: Value) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9 * max(1.0, abs(float(a)))


def _shift(pos: int, edits: list[Edit], end: bool = False) -> int:
    """Where an offset outside every edit lands in the edited text (text inserted exactly at
    a span's end comes after the span, at its start before it)."""
    return pos + sum(len(e.text) - (e.end - e.start) for e in edits if e.end < pos or e.end == pos and not (end and e.start == e.end))


_POSITIONS = ("line", "column", "span", "origin", "insertion")
_VALUES = ("raw", "value", "written", "provenance", "note")


def _fields(record: object, skip: tuple[str, ...]) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name not in skip}  # type: ignore[arg-type]


def _span_of(record: Setting | EnvDef | Symbol) -> tuple[int, int] | None:
    if isinstance(record, Setting):
        where = record.origin.span if record.origin is not None and record.origin.path == record.path else None
        where = where or record.span
    else:
        where = record.span
    return (where.start, where.end) if where is not None else None


def _target(record: Setting | EnvDef | Symbol, ranges: dict[Edit, tuple[int, int]]) -> tuple[Edit | None, bool]:
    """The edit that changed this record (in the edited text), and whether the record's value
    is exactly the edit's new text (else the edit sits inside it: a URL, a placeholder)."""
    span = _span_of(record)
    if span is None:
        return None, False
    for edit, (start, end) in ranges.items():
        if start <= span[0] and span[1] <= end and (edit.start != edit.end or span[0] < span[1]):
            return edit, True
        if edit.start != edit.end and span[0] <= start and end <= span[1]:
            return edit, False
    return None, False


def _identity(record: Setting | EnvDef | Symbol, edits: list[Edit], moved_positions: bool) -> tuple[Any, ...]:
    span = _span_of(record)
    if span is not None and moved_positions:
        span = (_shift(span[0], edits), _shift(span[1], edits, end=True))
    name = record.key if isinstance(record, Setting) else record.name
    extra = (record.canonical, record.pool, record.environment) if isinstance(record, Setting) else ()
    return (type(record).__name__, name, *extra, span)


def _records(old: Extraction, new: Extraction, expects: list[Expect], ranges: dict[Edit, tuple[int, int]]) -> None:
    edits = [e.edit for e in expects]
    by_edit = {e.edit: e for e in expects}
    old_records: list[Setting | EnvDef | Symbol] = [*old.settings, *old.env, *old.symbols]
    new_records: list[Setting | EnvDef | Symbol] = [*new.settings, *new.env, *new.symbols]
    pending: dict[tuple[Any, ...], list[Setting | EnvDef | Symbol]] = {}
    for record in new_records:
        pending.setdefault(_identity(record, edits, False), []).append(record)
    reached: set[Edit] = set()
    for expect in expects:
        if expect.insertion:
            # What the added text defines: the new setting, and its env assignment if any.
            _take_inserted(pending, expect, ranges[expect.edit])
            reached.add(expect.edit)
    for record in old_records:
        if _replaced_default(record, expects):
            continue  # the library default the insertion replaces
        candidates = pending.get(_identity(record, edits, True))
        if not candidates:
            raise VerifyError(f"after the edit, {_name(record)} is no longer found where it was")
        match = candidates.pop(0)
        edit, exact = _target(match, ranges)
        skip = _POSITIONS + (_VALUES if edit is not None else ())
        if _fields(record, skip) != _fields(match, skip):
            raise VerifyError(f"the edit changes how {_name(record)} is read")
        aimed = [e for e in expects if isinstance(record, Setting) and _aim(record) in e.targets]
        for expect in aimed:
            _check_value(match, expect)
        if edit is None:
            if _fields(record, _POSITIONS) != _fields(match, _POSITIONS) and not aimed:
                raise VerifyError(f"the edit changes {_name(record)}, which it was not meant to")
            continue
        if exact:
            _check_value(match, by_edit[edit])
            reached.add(edit)
        elif not (_near(match.value, record.value) or _near(match.value, by_edit[edit].value)):
            raise VerifyError(f"the edit changes {_name(record)}, which it was not meant to")
    left = [r for group in pending.values() for r in group]
    if left:
        raise VerifyError(f"after the edit the file also defines {_name(left[0])}")
    missed = [e for e in expects if e.edit not in reached]
    if missed:
        raise VerifyError("after the edit no setting holds the new value")


def _aim(setting: Setting) -> tuple[str, str, str, int, int]:
    return (setting.key, setting.canonical, setting.pool, setting.line, setting.column)


def _replaced_default(record: Setting | EnvDef | Symbol, expects: list[Expect]) -> bool:
    if not isinstance(record, Setting) or record.provenance is not Provenance.LIBRARY_DEFAULT or record.insertion is None:
        return False
    offset = record.insertion.offset
    return any(e.insertion and e.edit.start == offset and e.canonical == record.canonical for e in expects)


def _take_inserted(pending: dict[tuple[Any, ...], list[Setting | EnvDef | Symbol]], expect: Expect, where: tuple[int, int]) -> None:
    found: list[Setting] = []
    for group in pending.values():
        for record in list(group):
            span = _span_of(record)
            if span is None or not (where[0] <= span[0] and span[1] <= where[1]):
                continue
            group.remove(record)
            if isinstance(record, Setting) and record.canonical == expect.canonical and record.pool == expect.pool:
                found.append(record)
    if len(found) != 1:
        raise VerifyError(f"the added text does not set {expect.canonical} for this pool")
    _check_value(found[0], expect)


def _check_value(record: Setting | EnvDef | Symbol, expect: Expect) -> None:
    held = [record.value] + ([record.written] if isinstance(record, Setting) else [])
    if not any(_near(v, expect.value) or _near(v, expect.written) for v in held):
        raise VerifyError(f"after the edit {_name(record)} reads {held[-1]!r}, not {expect.written!r}")


def _name(record: Setting | EnvDef | Symbol) -> str:
    return record.key if isinstance(record, Setting) else record.name


# ---------------------------------------------------------------- parsed data


def _data(kind: str, before: str, after: str, expects: list[Expect]) -> None:
    changes = [e for e in expects if not e.insertion]
    inserts = [(frozenset(e.keys), e.shown) for e in expects if e.insertion]
    try:
        old_tree: Tree | None = parse_tree(kind, before)
    except Unparsed:
        old_tree = None
    try:
        new_tree = parse_tree(kind, after)
    except Unparsed as exc:
        if old_tree is not None:
            raise VerifyError(f"the edited file no longer parses as {kind}: {exc}") from None
        return  # neither parses with the plain parser (ERB in YAML ...): the source decided
    if old_tree is None:
        raise VerifyError(f"the edit changes how the file parses as {kind}")
    changed: list[tuple[Leaf, Leaf]] = []
    problem = _compare(old_tree, new_tree, changed, inserts)
    if problem:
        raise VerifyError(problem)
    unplaced = 0
    for a, b in changed:
        fits = [e for e in changes if a.tag == b.tag and _replaced(a.text, e.old, e.edit.text, b.text)]
        if a.alias:
            raise VerifyError("alias: the value is a YAML anchor that other keys reuse (`*name`)")
        if a.start >= 0:
            # Positions known: the edit must lie inside this very value (an anchor's value
            # shows once per alias, each with the anchor's position).
            fits = [e for e in fits if a.start <= e.edit.start and e.edit.end <= a.end]
        else:
            unplaced += 1
        if not fits:
            return _changed(a, b)
    if unplaced > len(changes):
        raise VerifyError("the edit changes more values than it was meant to")


def _changed(a: Leaf, b: Leaf) -> None:
    raise VerifyError(f"the edit changes the value {a.text!r} to {b.text!r}, which it was not meant to")


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


def _compare(a: Tree, b: Tree, changed: list[tuple[Leaf, Leaf]], inserts: list[tuple[frozenset[str], str]]) -> str | None:
    """None when `b` has `a`'s structure, up to leaves (collected in `changed`) and allowed
    added entries; else what differs."""
    if a == b:
        return None
    if isinstance(a, Leaf) and isinstance(b, Leaf):
        changed.append((a, b))
        return None
    if not (isinstance(a, Node) and isinstance(b, Node) and a.label == b.label):
        return "the edit changes the structure of the parsed data"
    extra = len(b.children) - len(a.children)
    if extra < 0:
        return "the edit removes an entry from the parsed data"
    i = 0
    for child in b.children:
        if i < len(a.children):
            trial: list[tuple[Leaf, Leaf]] = []
            if _compare(a.children[i], child, trial, inserts) is None and (not extra or not trial):
                changed.extend(trial)
                i += 1
                continue
        if extra and _allowed_insert(child, inserts):
            extra -= 1
            continue
        if i < len(a.children):
            return _compare(a.children[i], child, changed, inserts) or "the edit changes the parsed data"
        return "the edit adds an entry it was not meant to add"
    return None if i == len(a.children) else "the edit changes the structure of the parsed data"


def _replaced(before: str, old: str, new: str, after: str) -> bool:
    start = before.find(old)
    while start >= 0:
        if before[:start] + new + before[start + len(old) :] == after:
            return True
        start = before.find(old, start + 1) if old else -1
    return False


def _leaves(tree: Tree) -> list[Leaf]:
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for child in tree.children for leaf in _leaves(child)]


def _allowed_insert(tree: Tree, inserts: list[tuple[frozenset[str], str]]) -> bool:
    texts = {leaf.text for leaf in _leaves(tree) if leaf.tag not in ("NoneType", "tag:yaml.org,2002:null")}
    return any(shown in texts and texts <= keys | {shown} for keys, shown in inserts)


# ---------------------------------------------------------------- lines


def _lines(before: str, after: str, expects: list[Expect]) -> None:
    old_lines, new_lines = split_lines(before), split_lines(after)
    touched: set[int] = set()
    for e in expects:
        first, last = line_of(before, e.edit.start), line_of(before, e.edit.end)
        touched.update(range(first, last + 1))
    head = 0
    while head < min(len(old_lines), len(new_lines)) and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_lines), len(new_lines)) - head
        and old_lines[len(old_lines) - 1 - tail] == new_lines[len(new_lines) - 1 - tail]
    ):
        tail += 1
    old_mid = old_lines[head : len(old_lines) - tail]
    new_mid = new_lines[head : len(new_lines) - tail]
    matcher = difflib.SequenceMatcher(None, old_mid, new_mid, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        lines = set(range(head + i1, head + i2)) if i2 > i1 else {head + i1 - 1, head + i1}
        if i2 > i1 and not lines <= touched or i2 == i1 and not lines & touched:
            raise VerifyError(f"the edit changes line {head + i1 + 1}, which holds no edited value")


def yaml_context(text: str, offsets: list[int]) -> str | None:
    """"cannot fix safely: flow mapping" when an edited YAML value sits in a flow collection
    (`{pool: 5}`, `[5]`): what a refused YAML edit most likely tripped over."""
    import yaml

    try:
        docs = list(yaml.compose_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except Exception:  # noqa: BLE001 - only a hint for a message
        return None
    stack = [(doc, None) for doc in docs if doc is not None]
    seen: set[int] = set()
    while stack:
        node, parent = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            inside = any(node.start_mark.index <= o <= node.end_mark.index for o in offsets)
            if inside and parent is not None and parent.flow_style:
                kind = "flow mapping" if isinstance(parent, yaml.MappingNode) else "flow sequence"
                return f"cannot fix safely: {kind}"
            continue
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.extend((child, node) for child in children)
    return None


# ---------------------------------------------------------------- each kind's own parser


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
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
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
