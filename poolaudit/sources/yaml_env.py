"""Environment variables set in YAML (compose `environment`, Kubernetes `env` and ConfigMaps,
Helm values): each entry is an EnvDef for the resolver, and a Setting when its name is a pool
variable (`DB_POOL_SIZE`, `SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE`), its value a URL with
pool parameters, or JSON holding them (`SPRING_APPLICATION_JSON`: env_json)."""

from __future__ import annotations

import re
from dataclasses import replace

from poolaudit.catalog import env_framework
from poolaudit.envnames import classify_env_var
from poolaudit.model import EnvDef, Extraction, Provenance, Span
from poolaudit.sources import _appkeys, env_json
from poolaudit.sources._values import UrlParam, find_placeholder, parse_scalar, url_pool_params
from poolaudit.sources.yaml_tree import ScalarNode
from poolaudit.sources.yaml_values import (
    Place,
    Written,
    convert,
    interpret,
    place,
    place_within,
    setting,
)

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def entry(
    path: str,
    text: str,
    out: Extraction,
    name: str,
    node: ScalarNode,
    value: tuple[int, int] | None,
    bare: tuple[int, int] | None,
    *,
    key: str,
    framework: str,
    syntax: str,
    pool: str = "",
    environment: str = "any",
    note: str | None = None,
    server: bool = False,
) -> None:
    """One variable `name`, its value written at text[value] (within `node`; None: the whole
    node), text[bare] being that value without quotes.  `server`: the variable configures a
    database server's container (`POSTGRES_MAX_CONNECTIONS` of `image: postgres`), so it
    defines a value but is no client pool setting."""
    if not NAME.fullmatch(name):
        return
    if not server and (bare is not None or value is None):  # `SPRING_APPLICATION_JSON: '{"spring": ...}'`
        body = text[bare[0] : bare[1]] if bare is not None else node.value
        if env_json.holds_json(name, body):
            out.settings.extend(env_json.settings(
                path, text, name, body, bare[0] if bare is not None else None,
                (node.start_mark.line + 1, node.start_mark.column + 1), kind="yaml", key=key, environment=environment,
            ))  # fmt: skip
    if bare is None:
        return
    where = place_within(text, node, *value) if value is not None else place(node)
    start, end = bare
    info = classify_env_var(name)
    # Values of env vars are strings: the resolver takes the number as the consumer will read it.
    raw = interpret(text, start, end, info.canonical if info else "max_size", None, syntax)
    _define(path, text, out, name, where, bare, raw, environment)
    if server:
        return
    if info is not None:
        written = raw
        if info.unit is not None:
            written = interpret(text, start, end, info.canonical, info.unit, syntax)
        if written is not None:
            out.settings.append(
                setting(
                    path, text, where, written,
                    key=key, canonical=info.canonical, framework=env_framework(info, framework),
                    environment=environment, pool=pool, note=note,
                )
            )
        return
    body, env_var = text[start:end], None
    placeholder = find_placeholder(body) if "${" in body else None
    if placeholder is not None and placeholder.default:
        # `${DATABASE_URL:-postgres://...?pool_max_conns=10}`: the URL written is the default.
        start, body, env_var = start + placeholder.default_start, placeholder.default, placeholder.var
    if ("?" in body or ";" in body or "pool_" in body) and _appkeys.is_database_url(name, body):
        for param in url_pool_params(body):
            p_start, p_end = start + param.start, start + param.end
            written = written_param(param, p_start, p_end)
            if env_var is not None:  # the deployment may set the variable: a default, not a literal
                written = replace(written, provenance=Provenance.ENV_DEFAULT, env_var=env_var)
            out.settings.append(
                setting(
                    path, text, place_within(text, node, p_start, p_end), written,
                    key=f"{key}?{param.key}", canonical=param.canonical, framework=framework,
                    environment=environment, pool=pool, note=note,
                )
            )


def written_param(param: UrlParam, start: int, end: int) -> Written:
    """A URL parameter's literal value (times in seconds, as written)."""
    value, how = convert(param.raw, param.canonical, param.unit)
    return Written(value, Provenance.LITERAL, (start, end), unit=how)


def _define(
    path: str,
    text: str,
    out: Extraction,
    name: str,
    where: Place,
    bare: tuple[int, int],
    raw: Written | None,
    environment: str,
) -> None:
    start, end = bare
    value = raw.value if raw is not None else parse_scalar(text[start:end])
    if raw is not None and raw.origin is not None:
        # `${DB_POOL_SIZE:-10}`: what sets the variable (and what a fix edits) is the default.
        start, end = raw.origin
    line = where.line + text.count("\n", where.start, start)
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    out.env.append(
        EnvDef(
            name=name,
            raw=text[where.start : where.end],
            value=value,
            path=path,
            line=line,
            column=column,
            span=Span(start, end),
            environment=environment,
        )
    )


def split_assignment(
    text: str, span: tuple[int, int] | None
) -> tuple[str, tuple[int, int], tuple[int, int]] | None:
    """`DB_POOL_SIZE='10'` (a list item's text at `span`) -> (name, span of `'10'`, span of `10`)."""
    if span is None:
        return None
    start, end = span
    body = text[start:end]
    if "=" not in body:
        return None  # `- DB_POOL_SIZE`: passed through from the shell, set nowhere here
    name, _, value = body.partition("=")
    lead = len(value) - len(value.lstrip())
    v_start = start + len(name) + 1 + lead
    v_end = v_start + len(value.strip())
    inner = value.strip()
    if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "\"'":
        return name.strip(), (v_start, v_end), (v_start + 1, v_end - 1)
    return name.strip(), (v_start, v_end), (v_start, v_end)
