"""Rails `config/database.yml`: pool keys per environment section, multi-database nesting,
anchors inherited through `<<: *default`, ERB values, and `?pool=` in URLs.

How an inherited pool is reported.  A pool written once in `default: &default` is the pool
of every section that merges it, so it is reported once per place it takes effect:
`default.pool` itself (environment "any", the anchor as written: this is the line a person
reads and the benchmark's truth names) and `production.pool`, `development.pool`, ... for
each merging section that does not override it.  All of them share the anchor's line, span
and origin, so a fix of any edits the anchor once; each inherited one carries its section's
environment (so a policy judges production on its own) and the note "inherited from
default".  A section that writes its own `pool:` gets only that setting.
"""

from __future__ import annotations

from collections import defaultdict

from poolaudit import environments
from poolaudit.catalog import RAILS, normalize
from poolaudit.model import Extraction
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
    found = []  # (leaf, key info or None for URLs)
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
        out.settings.append(
            setting(
                path, text, place(leaf.node), written,
                key=key, canonical=info.canonical, framework=FRAMEWORK,
                environment=environment, pool=section, note=note,
            )
        )
