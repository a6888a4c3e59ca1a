"""Rails `config/database.yml`: pool keys per environment section, multi-database nesting,
anchors inherited through `<<: *default`, ERB values, and `?pool=` in URLs.

How an inherited pool is reported.  A pool written once in `default: &default` is the pool
of every section that merges it, so it is reported once per place it takes effect:
`default.pool` itself (environment "any", the anchor as written: this is the line a person
reads and the benchmark's truth names) and `production.pool`, `development.pool`, ... for
each merging section that does not override it.  All of them share the anchor's line, span
and origin, so a fix of any edits the anchor once; each inherited one carries its section's
environment (so a policy judges production on its own) and the note "inherited from
default".  A section that writes its own `pool:` gets only that setting.  Each inherited
copy also carries an `insertion` at the end of its own section: where a fix adds an override
when the policy says not to change a value other environments share (`fix_shared: override`).
"""

from __future__ import annotations

from collections import defaultdict

from poolaudit import environments
from poolaudit.catalog import RAILS, KeyInfo, normalize
from poolaudit.model import Extraction, Insertion
from poolaudit.sources import yaml_blocks
from poolaudit.sources import yaml_tree as tree
from poolaudit.sources.yaml_values import place, read, setting, url_settings

FRAMEWORK = "rails"
_URL_KEYS = {"url", "databaseurl"}
_MARKERS = {"adapter", *RAILS}
_ENV_MARKERS = {*_MARKERS, "url", "database", "host"}


def looks_like_rails(doc: tree.Node) -> bool:
    """Sections (or multi-db entries) holding `adapter:` or a Rails pool key, or merging an
    anchor: a Python app's `database.yaml` with `database: {pool_size: 10}` is not Rails."""
    if not isinstance(doc, tree.MappingNode):
        return False
    for section in tree.pairs(doc):
        if isinstance(section.value, tree.ScalarNode) and "://" in section.value.value:
            return True  # `production: postgres://...`: a URL config
        if not isinstance(section.value, tree.MappingNode):
            continue
        inner = section.value
        if any(key.tag == tree.MERGE_TAG for key, _ in inner.value):
            return True
        # `production: {url: ...}` is Rails; `database: {url: ..., pool_size: 10}` is not.
        markers = _ENV_MARKERS if environments.from_name(section.key.value) else _MARKERS
        for pair in tree.pairs(inner):
            if normalize(pair.key.value) in markers:
                return True
            if isinstance(pair.value, tree.MappingNode):
                if any(normalize(p.key.value) in markers for p in tree.pairs(pair.value)):
                    return True
    return False


def extract(path: str, text: str, doc: tree.Node, out: Extraction) -> None:
    found: list[tuple[tree.Leaf, KeyInfo | None]] = []  # (leaf, key info or None for URLs)
    inheritors: dict[int, list[str]] = defaultdict(list)  # anchor value node -> sections using it
    for leaf in tree.leaves(doc):
        segments = leaf.segments
        if len(segments) == 1:
            found.append((leaf, None))  # `production: postgres://...?pool=5`
            continue
        if not 2 <= len(segments) <= 3 or any(s.startswith("[") for s in segments):
            continue
        name = normalize(segments[-1])
        info = RAILS.get(name)
        if info is None and name not in _URL_KEYS:
            continue
        found.append((leaf, info))
        if leaf.inherited is not None:
            inheritors[id(leaf.node)].append(tree.join(segments[:-1]))
    for leaf, info in found:
        segments = leaf.segments
        key = tree.join(segments)
        section = tree.join(segments[:-1]) or key
        environment = environments.from_name(segments[0]) or "any"
        notes = []
        if leaf.inherited is not None:
            notes.append(f"inherited from {leaf.inherited}")
        elif inheritors.get(id(leaf.node)):
            notes.append(f"anchor: inherited by {', '.join(inheritors[id(leaf.node)])}")
        note = "; ".join(notes) or None
        if info is None:
            params = url_settings(
                path, text, leaf.node, key=key, framework=FRAMEWORK, environment=environment, pool=section
            )
            out.settings.extend(p.replace(note=note) if note else p for p in params)
            continue
        written = read(text, leaf.node, info.canonical, info.unit, "plain")
        if written is None:
            continue
        found_setting = setting(
            path, text, place(leaf.node), written,
            key=key, canonical=info.canonical, framework=FRAMEWORK,
            environment=environment, pool=section, note=note,
        )
        if leaf.inherited is not None:
            where = _override_at(path, text, doc, leaf)
            found_setting = found_setting.replace(insertion=where) if where else found_setting
        out.settings.append(found_setting)


def _override_at(path: str, text: str, doc: tree.Node, leaf: tree.Leaf) -> Insertion | None:
    """Where the section that inherits `leaf` would get its own key: after the section's last
    line (past a trailing comment), at its keys' indentation, in the file's line ending; None
    where the section is not a block mapping written in place (an alias, a flow mapping) or
    its end cannot be told."""
    section: tree.Node | None = doc
    for segment in leaf.segments[:-1]:
        if not isinstance(section, tree.MappingNode):
            return None
        pair = next(((k, v) for k, v in section.value if isinstance(k, tree.ScalarNode) and k.value == segment), None)
        if pair is None or pair[1].start_mark.index < pair[0].end_mark.index:
            return None  # reached through a merge or an alias: not this section's own text
        section = pair[1]
    if not isinstance(section, tree.MappingNode) or section.flow_style or not section.value:
        return None
    if section is not leaf.parent or any(v is leaf.node for _, v in section.value):
        return None
    where = yaml_blocks.block_end(text, section, after_merge=True)
    if where is None:
        return None
    end, indent, newline = where
    name = leaf.segments[-1]  # the key as the anchor writes it: `pool`, `max_connections`
    return Insertion(path, end, newline + indent + name + ": {value}")
