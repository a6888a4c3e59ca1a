"""Config files embedded in YAML as multi-line strings: a Kubernetes ConfigMap's `data` or a
Secret's `stringData` (`application.yml: |`), or any mapping key naming such a file (Helm
values `config: {application-prod.properties: |}`), read by the source of the embedded file's
own kind (YAML, `.properties`, `.env`) under the embedded file's name.

A literal block scalar (`|`) holds its text verbatim at a fixed indentation, so the source is
given the outer text with everything before the block blanked to spaces (newlines kept) and
nothing after it: every offset, line and column it reports is the outer file's own, so spans
and origins stay exact without any mapping (a missing key's insertion is not offered: fix's
verification sees the whole block as one changed value).  (Indentation does not change what
YAML, `.properties` or `.env` text means; YAML's `---` separators, indented in the block, are
moved to column 0 of their own blanked line.)  Whether the block really is verbatim is checked
by rebuilding its value from the lines; when it is not, or the string is folded (`>`), quoted
or plain (folding and escapes move text), its settings are read from the decoded value and
reported at the string's start without span or origin (not fixable), and its env assignments
and suppressions are dropped: their positions would point at the wrong text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from poolaudit import environments
from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Setting
from poolaudit.sources import yaml_tree as tree

# Names of embedded files read: `application.yml`, `application-prod.properties`, `app.env`,
# `.env`, `.env.production`, `config/database.yml` (a path: its last part counts).
_FILE = re.compile(r"[\w.-]*\.(?P<ext>ya?ml|properties|env)|\.env(?:[.-][\w.-]+)?", re.I)
_KINDS = {"yml": "yaml", "yaml": "yaml", "properties": "properties", "env": "env"}
_DOC_MARKER = re.compile(r"(---|\.\.\.)(?=\s|$)")


def file_kind(key: str) -> str | None:
    """The source kind of a file named by a mapping key, or None when the key names none."""
    match = _FILE.fullmatch(key.rsplit("/", 1)[-1])
    if match is None:
        return None
    ext = match.group("ext")
    return _KINDS[ext.lower()] if ext else "env"


def is_embedded(key: str, node: tree.Node) -> bool:
    """A block scalar, or a string of several lines, under a key naming a config file (the
    cheap tests first: most values are neither)."""
    if not isinstance(node, tree.ScalarNode) or not (node.style in ("|", ">") or "\n" in node.value):
        return False
    return file_kind(key) is not None


def extract(path: str, text: str, key: str, node: tree.ScalarNode, out: Extraction, *, where: str) -> None:
    """Add what the file embedded in `node` (under `key`) holds to `out`; `where` names the
    place for notes (`data.application.yml of ConfigMap/orders`)."""
    from poolaudit import sources  # the registry imports this module's callers

    kind = file_kind(key)
    if kind is None:
        return
    name = key.rsplit("/", 1)[-1]
    inner_path = f"{path.rsplit('/', 1)[0]}/{name}" if "/" in path else name
    body = _verbatim(text, node)
    try:
        if body is not None:
            start, end, indent = body
            inner = _blank(text[:start]) + _content(text[start:end], indent, kind)
            found = sources.get(kind).extract(inner_path, inner)
        else:
            found = sources.get(kind).extract(inner_path, node.value)
    except SourceError:
        return  # an embedded file that does not parse is not the manifest's error
    environment = environments.from_path(name)
    note = f"embedded in {where}"
    if body is None:
        note += " (a folded or quoted string: position approximate, not fixable)"
    for setting in found.settings:
        out.settings.append(_rebased(setting, path, note, environment, node if body is None else None))
    if body is None:
        return
    out.env.extend(replace(e, path=path) for e in found.env)
    if kind != "yaml":  # the YAML source finds `#` comments everywhere in the outer text
        lines = {s.line for s in out.suppressions}
        out.suppressions.extend(
            replace(s, path=path) for s in found.suppressions if s.line not in lines
        )


def _verbatim(text: str, node: tree.ScalarNode) -> tuple[int, int, int] | None:
    """(start, end, indentation) of a literal block's lines when they hold its value verbatim."""
    if node.style != "|":
        return None
    start = text.find("\n", node.start_mark.index, node.end_mark.index) + 1
    end = node.end_mark.index
    if start <= 0 or end <= start:
        return None
    lines = [line.removesuffix("\r") for line in text[start:end].split("\n")]
    written = [line for line in lines if line.strip()]
    if not written:
        return None
    value = node.value.rstrip()
    # The block's indentation: its least indented line's, or less when an indentation
    # indicator (`|2`) keeps leading spaces in the value.
    for indent in range(min(len(line) - len(line.lstrip(" ")) for line in written), 0, -1):
        if "\n".join(line[indent:] for line in lines).rstrip() == value:
            return start, end, indent
    return None  # not provably the same text


def _blank(prefix: str) -> str:
    return "\n".join(" " * len(line) for line in prefix.split("\n"))


def _content(body: str, indent: int, kind: str) -> str:
    """The block's lines as written; for YAML, document markers moved to column 0."""
    if kind != "yaml" or ("---" not in body and "..." not in body):
        return body
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if _DOC_MARKER.match(line, indent):
            ending = "\r" if line.endswith("\r") else ""
            lines[index] = line[indent : indent + 3].ljust(len(line) - len(ending)) + ending
    return "\n".join(lines)


def _rebased(
    setting: Setting, path: str, note: str, environment: str, approximate: tree.ScalarNode | None
) -> Setting:
    notes = "; ".join(n for n in (setting.note, note) if n)
    changes: dict[str, object] = {"path": path, "note": notes}
    if setting.environment == "any" and environment != "any":
        changes["environment"] = environment
    if approximate is not None:
        mark = approximate.start_mark
        changes.update(line=mark.line + 1, column=mark.column + 1, span=None, origin=None, insertion=None)
    else:
        if setting.origin is not None:
            changes["origin"] = replace(setting.origin, path=path)
        if setting.insertion is not None:
            # The insertion itself would be right, but fix's verification reads the block as
            # one value of the outer file, which an added key changes: not offered.
            changes["insertion"] = None
    return setting.replace(**changes)

