"""Environment variables set in YAML (compose `environment`, Kubernetes `env` and ConfigMaps,
Helm values): each entry is an EnvDef for the resolver, and a Setting when its name is a pool
variable (`DB_POOL_SIZE`, `SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE`) or its value a URL with
pool parameters."""

from __future__ import annotations

import re

from poolaudit.catalog import classify_env_var
from poolaudit.model import EnvDef, Extraction, Provenance, Span
from poolaudit.sources import _appkeys
from poolaudit.sources._values import parse_scalar, url_pool_params
from poolaudit.sources.yaml_tree import ScalarNode
from poolaudit.sources.yaml_values import Place, Written, interpret, place_within, setting

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def entry(
    path: str,
    text: str,
    out: Extraction,
    name: str,
    node: ScalarNode,
    span: tuple[int, int] | None,
    *,
    key: str,
    framework: str,
    syntax: str,
    pool: str = "",
    environment: str = "any",
    note: str | None = None,
) -> None:
    """One variable: `name` set to text[span] (the bare value, inside `node`)."""
    if span is None or not NAME.fullmatch(name):
        return
    start, end = span
    where = place_within(text, node, start, end)
    info = classify_env_var(name)
    # Values of env vars are strings: the resolver takes the number as the consumer will read it.
    raw = interpret(text, start, end, info.canonical if info else "max_size", None, syntax)
    _define(path, text, out, name, where, raw, environment)
    if info is not None:
        written = raw
        if info.unit is not None:
            written = interpret(text, start, end, info.canonical, info.unit, syntax)
        if written is not None:
            out.settings.append(
                setting(
                    path, text, where, written,
                    key=key, canonical=info.canonical, framework=framework,
                    environment=environment, pool=pool, note=note,
                )
            )
        return
    body = text[start:end]
    if ("?" in body or ";" in body) and _appkeys.is_database_url(name, body):
        for param in url_pool_params(body):
            p_start, p_end = start + param.start, start + param.end
            out.settings.append(
                setting(
                    path, text, place_within(text, node, p_start, p_end),
                    Written(parse_scalar(param.raw), Provenance.LITERAL, (p_start, p_end)),
                    key=f"{key}?{param.key}", canonical=param.canonical, framework=framework,
                    environment=environment, pool=pool, note=note,
                )
            )


def _define(path: str, text: str, out: Extraction, name: str, where: Place, raw: Written | None, environment: str) -> None:
    value = raw.value if raw is not None else parse_scalar(text[where.start : where.end])
    span = Span(where.start, where.end)
    line, column = where.line, where.column
    if raw is not None and raw.origin is not None and raw.origin != (where.start, where.end):
        # `${DB_POOL_SIZE:-10}`: what sets the variable (and what a fix edits) is the default.
        span = Span(*raw.origin)
        line += text.count("\n", where.start, span.start)
        column = span.start - (text.rfind("\n", 0, span.start) + 1) + 1
    out.env.append(
        EnvDef(
            name=name,
            raw=text[where.start : where.end],
            value=value,
            path=path,
            line=line,
            column=column,
            span=span,
            environment=environment,
        )
    )


def split_assignment(text: str, node: ScalarNode, span: tuple[int, int] | None) -> tuple[str, tuple[int, int]] | None:
    """`DB_POOL_SIZE=10` (a list item) -> ("DB_POOL_SIZE", span of `10`, quotes stripped)."""
    if span is None:
        return None
    start, end = span
    body = text[start:end]
    if "=" not in body:
        return None  # `- DB_POOL_SIZE`: passed through from the shell, set nowhere here
    name, _, value = body.partition("=")
    v_start = start + len(name) + 1
    v_end = end
    value_stripped = value.strip()
    if len(value_stripped) >= 2 and value_stripped[0] == value_stripped[-1] and value_stripped[0] in "\"'":
        lead = len(value) - len(value.lstrip())
        v_start, v_end = v_start + lead + 1, v_start + lead + len(value_stripped) - 1
    return name.strip(), (v_start, v_end)
