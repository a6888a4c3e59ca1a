"""Proof that an edited text says what the fix meant and nothing else, before it is written.

The edited text is read again by the same source and by the file kind's own parser:
- the records the source finds (settings, env assignments, symbols) must be those of the
  original text, except that the targets of the edits now hold the new value
  (poolaudit.reread);
- the parsed data (YAML nodes, TOML tables, env/properties/ini assignments, the Python AST,
  as poolaudit.reparse reads them) must equal the original's except for the edited values
  (and, for an insertion, the one added entry);
- only the lines holding an edit may differ.
Any difference is a reason to refuse the whole file; the reason says what differed.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from poolaudit import reread, sources
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Value
from poolaudit.reparse import Leaf, Node, Tree, Unparsed, parse_tree
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
    try:
        reread.check(old, new, expects, ranges)
    except reread.Mismatch as exc:
        raise VerifyError(str(exc)) from None


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
    stack: list[tuple[yaml.Node, yaml.Node | None]] = [(doc, None) for doc in docs if doc is not None]
    seen: set[int] = set()
    while stack:
        node, parent = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            inside = any(node.start_mark.index <= o <= node.end_mark.index for o in offsets)
            if inside and isinstance(parent, yaml.CollectionNode) and parent.flow_style:  # parents are collections
                kind = "flow mapping" if isinstance(parent, yaml.MappingNode) else "flow sequence"
                return f"cannot fix safely: {kind}"
            continue
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.extend((child, node) for child in children)
    return None

