"""Where a new key goes in a YAML block mapping, for the insertions a fix makes (a Rails
section's `pool:` after `<<: *default`, a Hikari block's missing `connection-timeout`)."""

from __future__ import annotations

import re

from poolaudit.sources.yaml_tree import MappingNode, ScalarNode, SequenceNode

# `<<: *default` (and an optional comment) as the rest of a merge key's line.
_MERGE_REST = re.compile(r"[ \t]*:[ \t]*\*[^\s#]+[ \t]*(#[^\r\n]*)?(?=\r?\n|$)")


def block_end(text: str, block: MappingNode, *, after_merge: bool = False) -> tuple[int, str, str] | None:
    """Where a new key of a block mapping goes: the offset at the end of its last line (past a
    trailing comment, before the line ending), its keys' indentation and the file's line
    ending.  None where that cannot be told: tab indentation, a block scalar or an empty block
    collection last, or a last value that is an alias (its marks are the anchor's), except a
    `<<: *default` merge line when `after_merge`."""
    first = block.value[0][0]
    indent = text[first.start_mark.index - first.start_mark.column : first.start_mark.index]
    if indent.strip(" "):
        return None
    floor, last = block.value[-1]
    while True:  # block collections' end marks lie at the next token: descend to the last value
        if last.start_mark.index < floor.start_mark.index:
            break  # an alias: its marks are the anchor's
        if isinstance(last, MappingNode) and not last.flow_style and last.value:
            floor, last = last.value[-1]
        elif isinstance(last, SequenceNode) and not last.flow_style and last.value:
            floor, last = last, last.value[-1]
        else:
            break
    if last.start_mark.index < floor.start_mark.index:  # `<<: *default`, `pool: *size`
        rest = _MERGE_REST.match(text, floor.end_mark.index) if isinstance(floor, ScalarNode) else None
        if rest is None or not after_merge:
            return None
        end = rest.end()
    elif isinstance(last, ScalarNode) and last.style in ("|", ">") or (
        isinstance(last, (MappingNode, SequenceNode)) and not last.flow_style
    ):
        return None  # a block scalar or an empty block collection: its end is not its mark
    else:
        end = text.find("\n", last.end_mark.index)
        end = len(text) if end < 0 else end - (text[end - 1] == "\r")
    if end < len(text):
        newline = "\r\n" if text.startswith("\r\n", end) else "\n"
    else:
        newline = "\r\n" if "\r\n" in text else "\n"
    return end, indent, newline
