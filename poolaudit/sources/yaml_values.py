"""What a YAML scalar holding a pool setting says: its number in canonical units, or the
indirection it goes through (`${VAR:10}`, `${VAR:-10}`), and the bare text a fix would edit.

Offsets here are character offsets into the file's text (PyYAML marks are character
offsets into the string it was given).  `Written.origin` is the span of the bare number or
word to replace: inside the quotes of a quoted scalar, inside the default of a placeholder.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from poolaudit.model import Origin, Provenance, Setting, Span, Value
from poolaudit.sources._values import parse_bool, parse_duration, parse_number, url_pool_params
from poolaudit.sources.yaml_tree import ScalarNode

KIND = "yaml"

# Spring, Micronaut, Quarkus: ${NAME:default}; NAME may be a property name; defaults may nest.
_COLON = re.compile(r"\$\{([^:{}$]+)(?::(.*))?\}", re.S)
# docker compose, shell, Dropwizard (commons-text): ${NAME:-default} ${NAME-default} ${NAME:?err} $NAME.
_SHELL = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)(.*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)", re.S
)
# Kubernetes dependent variables: $(NAME).
_K8S = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)")


@dataclass(frozen=True, slots=True)
class Written:
    value: Value  # canonical units; None when nothing is written
    provenance: Provenance
    origin: tuple[int, int] | None  # file offsets of the bare text a fix edits
    env_var: str | None = None
    unit: str | None = None
    note: str | None = None
    fallbacks: tuple[str, ...] = ()  # variables read when env_var is unset (Setting.fallbacks)


def bare_span(text: str, node: ScalarNode) -> tuple[int, int] | None:
    """File offsets of a scalar's text without its quotes; None when the text is not the value
    as written (escapes, folded or block scalars), so a fix cannot edit it in place."""
    start, end = node.start_mark.index, node.end_mark.index
    style = node.style
    if style in ("'", '"'):
        start, end = start + 1, end - 1
        inner = text[start:end]
        if (style == '"' and "\\" in inner) or (style == "'" and "''" in inner):
            return None
    elif style in ("|", ">"):
        return None
    if "\n" in text[start:end]:
        return None
    return start, end


def read(
    text: str, node: ScalarNode, canonical: str, unit: str | None, syntax: str
) -> Written | None:
    """`interpret` for a scalar node: offsets of its bare text, or no origin when it has none."""
    span = bare_span(text, node)
    if span is not None:
        return interpret(text, span[0], span[1], canonical, unit, syntax)
    found = interpret(node.value, 0, len(node.value), canonical, unit, syntax)
    return dataclasses.replace(found, origin=None) if found is not None else None


def convert(text: str, canonical: str, unit: str | None) -> tuple[Value, str | None]:
    """`"30000"` under a millisecond key -> (30, "ms"); `"30s"` -> (30, "duration")."""
    if canonical == "pre_ping":
        return parse_bool(text), None
    if unit is None:
        return parse_number(text), None
    seconds, how = parse_duration(text, unit)
    return seconds, how


def interpret(
    text: str, start: int, end: int, canonical: str, unit: str | None, syntax: str
) -> Written | None:
    """The value written in text[start:end]; None when it is neither a value nor an indirection.

    syntax: "colon" (${VAR:default}), "shell" (${VAR:-default}, $VAR), "any" (either),
    "k8s" ($(VAR)), "plain";
    ERB (`<%= ... %>`) is read whatever the syntax: Rails loads many YAML files through ERB.
    """
    body = text[start:end]
    if "<%" in body:
        from poolaudit.sources import yaml_erb  # here, not on top: yaml_erb builds on this module

        return yaml_erb.read(text, start, end, canonical, unit)
    stripped = body.strip()
    lead = start + (len(body) - len(body.lstrip()))
    if syntax != "plain" and "$" in stripped:
        found = _indirection(stripped, lead, canonical, unit, syntax)
        if found is not None:
            return found
    value, how = convert(stripped, canonical, unit)
    if value is None:
        return None
    return Written(value, Provenance.LITERAL, (lead, lead + len(stripped)), unit=how)


def _indirection(
    body: str, offset: int, canonical: str, unit: str | None, syntax: str
) -> Written | None:
    names: list[str] = []
    while True:
        var, operator, default, default_at = _split(body, syntax)
        if var is None:
            break
        names.append(var)
        if operator in (":?", "?", ":+", "+"):
            return _unresolved(names, f"{body} sets no default")
        if default is None:
            return _unresolved(names, f"{body} has no default")
        default_start = offset + default_at
        body, offset = default, default_start
        stripped = body.strip()
        if stripped.startswith("$"):
            offset += len(body) - len(body.lstrip())
            body = stripped
            continue
        value, how = convert(stripped, canonical, unit)
        chain = f"; falls back to {', '.join(names[1:])}" if len(names) > 1 else ""
        if value is None:
            note = f"default {stripped!r} of ${{{names[0]}}} is not a number{chain}"
            return _unresolved(names, note)
        lead = offset + (len(body) - len(body.lstrip()))
        reads = f"reads {names[0]}{chain}" if chain else None
        origin = (lead, lead + len(stripped))
        return Written(value, Provenance.ENV_DEFAULT, origin, names[0], how, reads)
    return _unresolved(names, f"{body} is not a number") if names else None


def _split(body: str, syntax: str) -> tuple[str | None, str | None, str | None, int]:
    """(variable, operator, default, offset of default) when `body` is one whole placeholder."""
    if syntax == "any":  # app configs: envsubst-style first, then Spring-style
        found = _split(body, "shell")
        return found if found[0] is not None else _split(body, "colon")
    if syntax == "colon":
        match = _COLON.fullmatch(body)
        if match:
            default = match.group(2)
            return match.group(1).strip(), ":", default, match.start(2) if default is not None else 0
    elif syntax == "shell":
        match = _SHELL.fullmatch(body)
        if match:
            if match.group(4):
                return match.group(4), None, None, 0
            default = match.group(3)
            at = match.start(3) if default is not None else 0
            return match.group(1), match.group(2), default, at
    elif syntax == "k8s":
        match = _K8S.fullmatch(body)
        if match:
            return match.group(1), None, None, 0
    return None, None, None, 0


def _unresolved(names: list[str], note: str) -> Written:
    return Written(None, Provenance.UNRESOLVED, None, names[0] if names else None, None, note)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a value is written: file offsets [start, end), 1-based line and column of start."""

    start: int
    end: int
    line: int
    column: int


def place(node: ScalarNode) -> Place:
    mark = node.start_mark
    return Place(mark.index, node.end_mark.index, mark.line + 1, mark.column + 1)


def place_within(text: str, node: ScalarNode, start: int, end: int) -> Place:
    """The place of text[start:end], a part of `node`'s text (a list item's value after `=`)."""
    line = node.start_mark.line + 1 + text.count("\n", node.start_mark.index, start)
    return Place(start, end, line, start - (text.rfind("\n", 0, start) + 1) + 1)


def setting(
    path: str,
    text: str,
    where: Place,
    written: Written,
    *,
    key: str,
    canonical: str,
    framework: str,
    environment: str = "any",
    pool: str = "",
    note: str | None = None,
) -> Setting:
    """A Setting for the value written at `where`, holding `written`."""
    origin = None
    if written.origin is not None:
        o_start, o_end = written.origin
        o_line = where.line + text.count("\n", where.start, o_start)
        o_column = o_start - (text.rfind("\n", 0, o_start) + 1) + 1
        origin = Origin(path, Span(o_start, o_end), o_line, o_column)
    notes = [n for n in (note, written.note) if n]
    unresolved = written.provenance is Provenance.UNRESOLVED
    return Setting(
        path=path,
        line=where.line,
        column=where.column,
        span=Span(where.start, where.end),
        kind=KIND,
        framework=framework,
        key=key,
        canonical=canonical,
        raw=text[where.start : where.end],
        value=None if unresolved else written.value,
        provenance=written.provenance,
        written=None if unresolved else written.value,
        origin=origin,
        env_var=written.env_var,
        unit=written.unit,
        environment=environment,
        pool=pool,
        note="; ".join(notes) or None,
        fallbacks=written.fallbacks,
    )


def url_settings(
    path: str,
    text: str,
    node: ScalarNode,
    *,
    key: str,
    framework: str,
    environment: str = "any",
    pool: str = "",
) -> list[Setting]:
    """Pool parameters in a URL value (`...?pool=5`, `...?maxPoolSize=50`), keyed `url?pool`."""
    span = bare_span(text, node)
    if span is None:
        return []
    body = text[span[0] : span[1]]
    skip = body.rfind("%>") + 2 if "%>" in body else 0  # a `?` inside ERB is Ruby, not a query
    found = []
    for param in url_pool_params(body[skip:]):
        start, end = span[0] + skip + param.start, span[0] + skip + param.end
        value, how = convert(param.raw, param.canonical, param.unit)
        written = Written(value, Provenance.LITERAL, (start, end), unit=how)
        found.append(
            setting(
                path, text, place_within(text, node, start, end), written,
                key=f"{key}?{param.key}", canonical=param.canonical, framework=framework,
                environment=environment, pool=pool or key,
            )
        )
    return found
