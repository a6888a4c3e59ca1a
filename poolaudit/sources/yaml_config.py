"""Application config YAML, one document at a time: Spring/Micronaut/Quarkus keys first
(yaml_jvm), then generic database blocks and env-style keys (yaml_app), `{name, value}` env
lists and env maps (yaml_env), config files embedded as multi-line strings under keys naming
them (yaml_embedded); also Helm values files, which hold all of these.

Environments: a Spring profile file (`application-prod.yml`), a document activated by
`spring.config.activate.on-profile` / legacy `spring.profiles`, a Quarkus `%prod` key, a
top-level section named for an environment, or the Helm values file's name.
"""

from __future__ import annotations

import re

from poolaudit import environments
from poolaudit.catalog import normalize
from poolaudit.model import Extraction, Provenance
from poolaudit.sources import _appkeys, yaml_app, yaml_defaults, yaml_embedded, yaml_jvm
from poolaudit.sources import yaml_tree as tree
from poolaudit.sources.yaml_env import entry
from poolaudit.sources.yaml_values import Written, bare_span, place, read, setting, url_settings

_PROFILE_FILE = re.compile(r"(?:application|bootstrap)[-_](?P<profile>[^/]+?)\.ya?ml", re.I)
_URL_KEYS = {"url", "uri", "dsn", "databaseurl", "connectionstring", "connectionurl", "jdbcurl"}
_ENV_PARENTS = {
    "env", "environment", "envvars", "envvariables", "variables", "extraenv", "extraenvvars", "envs",
}
_ENV_SECTIONS = {
    "production", "prod", "staging", "stage", "development", "dev", "test", "testing", "qa", "uat",
    "preprod", "local",
}
_KEYS = yaml_jvm.KEYS | yaml_app.KEYS | _URL_KEYS
_ENV_HINTS = (
    "POOL", "CONN", "IDLE", "OVERFLOW", "PING", "RECYCLE", "ACQUIRE", "CHECKOUT", "TIMEOUT",
    "DATASOURCE", "AGE", "LIMIT",
)
# Helm subcharts (bitnami and others) that run a database or cache server, by values key.
_SERVER_CHARTS = {
    "postgresql", "postgres", "postgresqlha", "mysql", "mariadb", "mariadbgalera", "mongodb",
    "mongodbsharded", "redis", "rediscluster", "valkey", "memcached", "timescaledb", "clickhouse",
    "cassandra", "elasticsearch", "opensearch",
}
_STRICT = {"spring", "quarkus", "micronaut"}  # frameworks whose keys are settings whatever the value


def file_environment(path: str) -> str:
    match = _PROFILE_FILE.fullmatch(path.rsplit("/", 1)[-1])
    return (environments.from_name(match.group("profile")) or "any") if match else "any"


def extract(
    path: str,
    text: str,
    doc: tree.Node,
    out: Extraction,
    *,
    environment: str = "any",
    helm: bool = False,
    layer: str = "helm",
) -> None:
    """`helm`: the document holds values fed to templates or an operator (a values file, a
    custom resource's spec), reported under `layer`."""
    leaves = list(tree.leaves(doc))
    environment = _document_environment(leaves) or environment
    first = len(out.settings)
    _settings(path, text, leaves, out, environment, layer if helm else None)
    if not helm:  # a Helm chart's values feed templates, not Spring's binder
        yaml_defaults.add_hikari_default(path, text, doc, out, first, environment)


def _settings(
    path: str, text: str, leaves: list[tree.Leaf], out: Extraction, environment: str, layer: str | None
) -> None:
    context = (path.rsplit("/", 1)[-1].split(".", 1)[0],)  # `databases.yaml`: a file of database blocks
    for leaf in leaves:
        segments = leaf.segments
        if segments and yaml_embedded.is_embedded(segments[-1], leaf.node):
            where = tree.join(segments)
            yaml_embedded.extract(path, text, segments[-1], leaf.node, out, where=where)
            continue
        if not segments or not _candidate(segments[-1]):
            continue  # most keys of a large file end here, before any other work
        parts, profile = _parts(segments)
        if not parts:
            continue
        names = [normalize(p) for p in parts]
        where_env = environments.from_name(profile) if profile else None
        if where_env is None and len(parts) > 1 and parts[0].lower() in _ENV_SECTIONS:
            where_env = environments.from_name(parts[0])
        env = where_env or environment
        note = f"inherited from {leaf.inherited}" if leaf.inherited is not None else None
        key = tree.join(segments)
        if _env_entry(path, text, out, leaf, names, key, env, layer, note):
            continue
        jvm = yaml_jvm.classify(parts, names)
        app = None
        if jvm is None and names[0] not in yaml_jvm.ROOTS:
            app = yaml_app.classify(parts, names, leaf.parent, server_guard=layer is not None, context=context)
        if jvm is not None:
            info, framework, pool, syntax = jvm.info, jvm.framework, jvm.pool, "colon"
            note = "; ".join(n for n in (note, jvm.note) if n) or None
        elif app is not None:
            # A pooler's pool is checked as PgBouncer's, whichever layer sets it (catalog.env_framework).
            framework = app.framework if app.framework == "pgbouncer" else layer or app.framework
            info, syntax = app.info, app.syntax
            pool = tree.join(segments[:-1])
        else:
            if names[-1] in _URL_KEYS and _appkeys.is_database_url(key, leaf.node.value):
                framework = layer or ("spring" if names[0] == "spring" else "app-config")
                found = url_settings(path, text, leaf.node, key=key, framework=framework, environment=env)
                out.settings.extend(s.replace(note=note) if note else s for s in found)
            continue
        written = read(text, leaf.node, info.canonical, info.unit, syntax)
        if written is None:
            if framework not in _STRICT or leaf.node.value in ("", "~", "null"):
                continue
            written = Written(
                None, Provenance.UNRESOLVED, None, note=f"{leaf.node.value!r} is not a number"
            )
        if framework == "spring" and names[-2] == "hikari" and written.unit == "duration":
            hikari = "HikariCP takes milliseconds: a duration string may not bind"
            note = "; ".join(n for n in (note, hikari) if n)
        out.settings.append(
            setting(
                path, text, place(leaf.node), written,
                key=key, canonical=info.canonical, framework=framework, environment=env, pool=pool, note=note,
            )
        )


# last key -> `_candidate`'s answer: every leaf asks, and the same keys recur in every file.
_CANDIDATES: dict[str, bool] = {}


def _candidate(last: str) -> bool:
    found = _CANDIDATES.get(last)
    if found is None:
        if len(_CANDIDATES) >= 8192:  # a bound for huge monorepos; refilling is cheap
            _CANDIDATES.clear()
        found = _CANDIDATES[last] = _may_name_setting(last)
    return found


def _may_name_setting(last: str) -> bool:
    """Whether a key (its last part) can name a setting, an env entry or a URL: a cheap test."""
    if last in ("value", "Value"):
        return True
    leaf = last.rsplit(".", 1)[-1].strip("\"'")
    if normalize(leaf) in _KEYS:
        return True
    if "_" in leaf:  # `DB_POOL_SIZE`, `db_pool_size`: read like env vars by yaml_app
        return any(hint in leaf.upper() for hint in _ENV_HINTS)
    # camelCase names carrying their own database word (Helm values' `dbPool`,
    # `databaseMaxConnections`): a two-substring test, as values files are mostly camelCase.
    return "Pool" in leaf or "Conn" in leaf or "Overflow" in leaf


def _env_entry(
    path: str,
    text: str,
    out: Extraction,
    leaf: tree.Leaf,
    names: list[str],
    key: str,
    env: str,
    layer: str | None,
    note: str | None,
) -> bool:
    """`- name: DB_POOL_SIZE / value: "10"` lists, and `DB_POOL_SIZE: 10` under an env map."""
    segments = leaf.segments
    framework = layer or "app-config"
    helm = layer is not None
    # A Helm chart's database-server subchart (`postgresql.primary.extraEnvVars`): its
    # variables configure the server's container (POSTGRESQL_MAX_CONNECTIONS), not a pool.
    server = helm and any(n in _SERVER_CHARTS for n in names[:-1])
    in_list = len(segments) >= 2 and segments[-2].startswith("[")
    if in_list and segments[-1] in ("value", "Value") and leaf.parent is not None:
        name = tree.scalar(tree.get(leaf.parent, "name") or tree.get(leaf.parent, "Name"))
        if name:
            prefix = tree.join(segments[:-2])
            entry(
                path, text, out, name, leaf.node, None, bare_span(text, leaf.node),
                key=f"{prefix}[name={name}].value", framework=framework, syntax="shell",
                pool=prefix, environment=env, note=note, server=server,
            )
            return True
    env_name = segments[-1].isupper() and "_" in segments[-1]
    if env_name and len(names) >= 2 and (helm or names[-2] in _ENV_PARENTS):
        entry(
            path, text, out, segments[-1], leaf.node, None, bare_span(text, leaf.node),
            key=key, framework=framework, syntax="shell", pool=tree.join(segments[:-1]),
            environment=env, note=note, server=server,
        )
        return True
    return False


def _parts(segments: tuple[str, ...]) -> tuple[list[str], str | None]:
    """Key path parts split on dots, list indexes kept on their key, Quarkus `%profile` removed."""
    parts: list[str] = []
    profile = None
    for segment in segments:
        if segment.startswith("[") and parts:
            parts[-1] += segment
            continue
        for part in segment.split("."):
            part = part.strip().strip("\"'")
            if part.startswith("%"):
                profile = profile or part[1:]
            elif part:
                parts.append(part)
    return parts, profile


def _document_environment(leaves: list[tree.Leaf]) -> str | None:
    """The environment of a Spring document activated by a profile (`prod`, `prod & cloud`)."""
    for leaf in leaves:
        if not leaf.segments[0].startswith(("spring", "Spring")):
            continue
        if _activates(leaf.segments):
            expression = leaf.node.value
            if "!" in expression:
                return "any"
            found = {environments.from_name(p) for p in re.split(r"[\s,&|()]+", expression) if p}
            found.discard(None)
            return found.pop() if len(found) == 1 else "any"
    return None


# segments -> whether they are a profile activation key; the same keys recur in every file.
_ACTIVATES: dict[tuple[str, ...], bool] = {}


def _activates(segments: tuple[str, ...]) -> bool:
    """`spring.config.activate.on-profile` (and below it), or legacy `spring.profiles`."""
    found = _ACTIVATES.get(segments)
    if found is None:
        parts, _ = _parts(segments)
        names = [normalize(p.split("[")[0]) for p in parts]
        found = names[:4] == ["spring", "config", "activate", "onprofile"] or names == ["spring", "profiles"]
        if len(_ACTIVATES) >= 4096:  # a bound for huge monorepos; refilling is cheap
            _ACTIVATES.clear()
        _ACTIVATES[segments] = found
    return found
