"""The YAML node tree as the YAML sources read it: composing with marks, merge keys, and a
walk over every scalar with its key path and where it was inherited from.

PyYAML's composer keeps `<<: *default` as a key tagged `merge` whose value is the anchored
node itself (one shared object), and an alias as that same object again.  Constructing would
flatten merges but lose positions, so this module resolves merges on the composed nodes:
explicit keys win over merged ones, earlier merge sources over later ones (YAML 1.1 merge
semantics), and a scalar reached through an alias or merge keeps the anchor's position.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import NamedTuple

import yaml

from poolaudit.errors import SourceError

try:
    _BASE: type = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: same nodes, slower
    _BASE = yaml.SafeLoader

MERGE_TAG = "tag:yaml.org,2002:merge"
NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


_PLAIN_TAGS = {"<<": MERGE_TAG, **dict.fromkeys(_NULLS, NULL_TAG)}
_COLLECTION_TAGS: dict[type, str] = {
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Loader(_BASE):  # type: ignore[misc]
    """Tags only what the sources read: merge keys (`<<`) and nulls.  The full resolver runs a
    Python-level regex match for every scalar (a third of composing a file) to tell ints,
    floats and booleans apart, and the sources interpret values from their text anyway.

    The composer calls three resolver methods for every node; with no path resolvers (none is
    ever registered on this loader) two of them do nothing, so C callables that take the same
    arguments and do nothing stand in for them, and `resolve` is two lookups (compose of the
    1000-service YAML files: 29 -> 26 us a file)."""

    descend_resolver = staticmethod(slice)  # (parent, index): ignored
    ascend_resolver = staticmethod(tuple)  # (): ignored

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN_TAGS.get(value, _STR_TAG) if implicit[0] else _STR_TAG
        return _COLLECTION_TAGS[kind]


_LOADER = _Loader
# A walk visits at most this many nodes through aliases: they can expand a small file
# exponentially ("billion laughs"); real configs reuse a few anchors a few times.
_ALIAS_BUDGET = 50_000

Node = yaml.Node
MappingNode = yaml.MappingNode
ScalarNode = yaml.ScalarNode
SequenceNode = yaml.SequenceNode


def compose(text: str) -> list[Node]:
    """Every document of `text` (empty documents dropped); SourceError with the line on error."""
    try:
        docs = [doc for doc in yaml.compose_all(text, Loader=_LOADER) if doc is not None]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise SourceError(f"YAML: {exc.problem or exc.context or 'does not parse'}", line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        raise SourceError(f"YAML: {exc.reason}", line) from None
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise SourceError(f"YAML: {exc}", None) from None
    if "<<" not in text and "!" not in text:
        # No key can be a merge: that takes a plain `<<` or a tag, and every tag starts with `!`.
        for doc in docs:
            doc.__dict__[_NO_MERGES] = True
    return docs


_NO_MERGES = "_poolaudit_no_merges"  # on a document root: `leaves` may read mappings as written


class Pair(NamedTuple):  # a tuple: one is made for every key of every mapping
    key: ScalarNode
    value: Node
    source: MappingNode | None  # the merged mapping this pair came from (None: written here)


_pair = functools.partial(tuple.__new__, Pair)  # Pair(key, value, None) without a Python call


def pairs(node: MappingNode) -> list[Pair]:
    """The mapping's effective key/value pairs with `<<` merges applied; scalar keys only.

    Kept on the node (the same answer every time: composed trees are never changed), as the
    readers ask for the pairs of one mapping many times (`get` of each key, walks)."""
    found: list[Pair] | None = node.__dict__.get(_PAIRS)
    if found is None:
        found = []
        for key, value in node.value:  # most mappings hold no `<<:`: the scalar keys as written
            if key.tag == MERGE_TAG:
                found = _pairs(node, {}, 0)
                break
            if isinstance(key, ScalarNode):
                found.append(_pair((key, value, None)))
        node.__dict__[_PAIRS] = found
    return found


_PAIRS = "_poolaudit_pairs"


def _pairs(node: MappingNode, memo: dict[int, list[Pair]], depth: int) -> list[Pair]:
    # `memo` (per call, so ids are of live nodes) keeps nested merges linear, not exponential.
    done = memo.get(id(node))
    if done is not None:
        return done
    explicit: list[Pair] = []
    merges: list[Node] = []
    for key, value in node.value:
        if key.tag == MERGE_TAG:
            merges.append(value)
        elif isinstance(key, ScalarNode):
            explicit.append(Pair(key, value, None))
    found = explicit
    if merges and depth <= 20:
        memo[id(node)] = explicit  # a merge cycle sees only the explicit keys
        taken = {p.key.value for p in explicit}
        for merge in merges:
            sources = merge.value if isinstance(merge, SequenceNode) else [merge]
            for source in sources:
                if not isinstance(source, MappingNode) or source is node:
                    continue
                for pair in _pairs(source, memo, depth + 1):
                    if pair.key.value not in taken:
                        taken.add(pair.key.value)
                        found.append(Pair(pair.key, pair.value, pair.source or source))
    memo[id(node)] = found
    return found


def get(node: Node | None, key: str) -> Node | None:
    if not isinstance(node, MappingNode):
        return None
    for pair in pairs(node):
        if pair.key.value == key:
            return pair.value
    return None


def scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def join(segments: tuple[str, ...]) -> str:
    """Key path as written: `spring.datasource.hikari.maximum-pool-size`, `env[0].value`."""
    out = ""
    for segment in segments:
        if segment.startswith("[") or not out:
            out += segment
        else:
            out += "." + segment
    return out


class Leaf(NamedTuple):
    """A scalar value with the keys leading to it (a tuple: one is made for every scalar)."""

    segments: tuple[str, ...]  # raw key texts ("[i]" for sequence items)
    node: ScalarNode
    parent: MappingNode | None  # the mapping holding the value (None in sequences)
    inherited: str | None  # key path of the anchor it was reached through, if any


# (node, segments, parent, inherited, alias chain): the chain stops alias cycles.
_Entry = tuple[Node, tuple[str, ...], MappingNode | None, str | None, tuple[int, ...]]


def leaves(root: Node) -> Iterator[Leaf]:
    """Every scalar under `root` in document order, aliases and merges expanded."""
    first_seen: dict[int, tuple[str, ...]] = {}  # node id -> key path where its anchor is written
    stack: list[_Entry] = [(root, (), None, None, ())]
    budget = _ALIAS_BUDGET
    as_written = root.__dict__.get(_NO_MERGES, False)  # every mapping's pairs are its own keys
    while stack:
        node, segments, parent, inherited, chain = stack.pop()
        if inherited is not None:
            budget -= 1
            if budget < 0:
                raise SourceError("YAML: aliases expand beyond what a configuration file needs", None)
        if isinstance(node, ScalarNode):
            yield Leaf(segments, node, parent, inherited)
            continue
        children: list[_Entry] = []  # made in order: the first path seen is the anchor's
        if isinstance(node, MappingNode):
            # Without merges, a mapping's pairs are its scalar keys as written: no Pair is made.
            for item in node.value if as_written else pairs(node):  # (key, value[, merged from])
                key, child = item[0], item[1]
                if not isinstance(key, ScalarNode):
                    continue
                path, source = (*segments, key.value), None if as_written else item[2]
                if source is None and id(child) not in first_seen:  # most nodes: no alias
                    first_seen[id(child)] = path
                    children.append((child, path, node, inherited, chain))
                    continue
                entry = _child(first_seen, child, path, node, inherited, chain, source)
                if entry is not None:
                    children.append(entry)
        elif isinstance(node, SequenceNode):
            for index, child in enumerate(node.value):
                path = (*segments, f"[{index}]")
                if id(child) not in first_seen:
                    first_seen[id(child)] = path
                    children.append((child, path, None, inherited, chain))
                else:
                    entry = _child(first_seen, child, path, None, inherited, chain, None)
                    if entry is not None:
                        children.append(entry)
        children.reverse()
        stack.extend(children)


def _child(
    first_seen: dict[int, tuple[str, ...]],
    node: Node,
    segments: tuple[str, ...],
    parent: MappingNode | None,
    inherited: str | None,
    chain: tuple[int, ...],
    source: MappingNode | None,
) -> _Entry | None:
    if source is not None and inherited is None:
        anchor = first_seen.get(id(source))  # None for an inline `<<: {...}`: written here
        inherited = join(anchor) if anchor is not None else None
    seen = first_seen.get(id(node))
    if seen is None:
        first_seen[id(node)] = segments
    elif not isinstance(node, ScalarNode):
        if id(node) in chain:
            return None
        chain = (*chain, id(node))
        inherited = inherited if inherited is not None else join(seen)
    elif inherited is None:
        inherited = join(seen)  # `pool: *size`: an alias of a scalar
    return (node, segments, parent, inherited, chain)
