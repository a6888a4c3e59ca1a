"""HikariCP's implicit pool size in Spring Boot YAML: a `spring.datasource.hikari` block that
sets no `maximum-pool-size` runs with HikariCP's default (10), reported as a library-default
setting with the insertion a fix uses to add the key at the block's indentation.

Only a block mapping written in place qualifies: a flow mapping (`hikari: {...}`), an empty
block, an anchored or aliased block (or one under an anchored/aliased parent) and a block with
a `<<` merge are left alone, because adding a line there would change, or not reach, other
places.  The size counts as set when any document of the file that applies with this one (the
same profile, or a document for every profile) sets it, in any spelling or nesting.
"""

from __future__ import annotations

from poolaudit.catalog import normalize
from poolaudit.model import Extraction, Insertion, Provenance, Setting
from poolaudit.sources import yaml_blocks
from poolaudit.sources import yaml_tree as tree

HIKARI_DEFAULT_POOL_SIZE = 10  # com.zaxxer.hikari.HikariConfig DEFAULT_POOL_SIZE
_BLOCK = ["spring", "datasource", "hikari"]
_POOL = "springdatasourcehikari"  # a setting's pool, normalized without dots
_SIZE = "maximumpoolsize"
NOTE = "HikariCP default"


def add_hikari_default(path: str, text: str, doc: tree.Node, out: Extraction, first: int, environment: str) -> None:
    """Add the library-default size for this document's hikari block, if it has none;
    `out.settings[first:]` are the settings this document produced, earlier ones came from
    earlier documents of the file.  A document that sets the size withdraws the defaults of
    earlier documents it applies to."""
    mine = {s.environment for s in out.settings[first:] if _written_size(s)}
    if mine:
        out.settings[:first] = [
            s for s in out.settings[:first]
            if not (_default_size(s) and ("any" in mine or s.environment in mine))
        ]
        return
    if any(_written_size(s) and s.environment in ("any", environment) for s in out.settings[:first]):
        return
    found = _block(text, doc)
    if found is None:
        return
    segments, key, block = found
    out.settings.append(
        Setting(
            path=path, line=key.start_mark.line + 1, column=key.start_mark.column + 1, span=None, kind="yaml",
            framework="spring", key=tree.join((*segments, _spelling(block))), canonical="max_size", raw="",
            value=HIKARI_DEFAULT_POOL_SIZE, provenance=Provenance.LIBRARY_DEFAULT, written=HIKARI_DEFAULT_POOL_SIZE,
            environment=environment, pool=".".join(_parts(segments)), note=NOTE,
            insertion=_insertion(path, text, block),
        )
    )


def _hikari_size(s: Setting) -> bool:
    return s.framework == "spring" and s.canonical == "max_size" and normalize(s.pool).replace(".", "") == _POOL


def _written_size(s: Setting) -> bool:
    return s.provenance is not Provenance.LIBRARY_DEFAULT and _hikari_size(s)


def _default_size(s: Setting) -> bool:
    return s.provenance is Provenance.LIBRARY_DEFAULT and _hikari_size(s)


def _parts(segments: tuple[str, ...]) -> list[str]:
    """Key parts as yaml_config splits them (on dots, quotes stripped): the pool as written."""
    return [p.strip().strip("\"'") for s in segments for p in s.split(".") if p.strip().strip("\"'")]


def _block(text: str, doc: tree.Node) -> tuple[tuple[str, ...], tree.ScalarNode, tree.MappingNode] | None:
    """The `spring.datasource.hikari` block mapping written in place (nested or partly dotted
    keys), with its key path and the key that holds it; None if there is none or it may not
    be edited, or if it sets the size."""
    stack: list[tuple[tree.Node, tuple[str, ...], list[str]]] = [(doc, (), [])]
    while stack:
        node, segments, names = stack.pop()
        if not isinstance(node, tree.MappingNode) or node.flow_style:
            continue
        for key, value in node.value:
            if not isinstance(key, tree.ScalarNode) or key.tag == tree.MERGE_TAG:
                continue
            path = [normalize(p) for p in _parts((key.value,))]
            if not path or path[0].startswith("%"):
                continue
            here = names + path
            if here != _BLOCK[: len(here)] or _shared(text, key, value):
                continue
            if here == _BLOCK:
                return _usable((*segments, key.value), key, value)
            stack.append((value, (*segments, key.value), here))
    return None


def _shared(text: str, key: tree.Node, value: tree.Node) -> bool:
    """An alias (its node is the anchor's, written before this key), or an anchored or tagged
    node (other places may alias it)."""
    start = value.start_mark.index
    return start < key.end_mark.index or text[start : start + 1] in ("&", "*", "!")


def _usable(
    segments: tuple[str, ...], key: tree.ScalarNode, block: tree.Node
) -> tuple[tuple[str, ...], tree.ScalarNode, tree.MappingNode] | None:
    if not isinstance(block, tree.MappingNode) or block.flow_style or not block.value:
        return None
    for child, _ in block.value:
        if child.tag == tree.MERGE_TAG or not isinstance(child, tree.ScalarNode):
            return None
        if normalize(child.value.split(".", 1)[0].strip("\"'")) == _SIZE:
            return None
    return segments, key, block


def _spelling(block: tree.MappingNode) -> str:
    """`maximum-pool-size` in the siblings' style: camelCase, snake_case, else kebab-case."""
    for child, _ in block.value:
        name = child.value
        if "-" in name:
            break
        if "_" in name:
            return "maximum_pool_size"
        if any(c.isupper() for c in name[1:]):
            return "maximumPoolSize"
    return "maximum-pool-size"


def _insertion(path: str, text: str, block: tree.MappingNode) -> Insertion | None:
    """After the block's last line (past a trailing comment), a new line at the children's
    indentation in the file's line ending; None where the end of the block cannot be told."""
    where = yaml_blocks.block_end(text, block)
    if where is None:
        return None
    end, indent, newline = where
    name = _spelling(block)
    return Insertion(path, end, newline + indent + name + ": {value}")
