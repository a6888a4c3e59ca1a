"""Pool keys in application config YAML that no framework owns (`database.pool_size`,
`db.pool.max`, `postgres.max_connections`), Dropwizard's `database:` block, and env-style keys
(`DB_POOL_SIZE: 10`, `db_pool_size: 10`).

A key is a database pool setting when the nearest name on its path that names anything names
a database (catalog.DB_WORDS) and not something else (redis, http, threads, celery, executor,
server ...); generic words (size, max, min, timeout) count only directly under a `pool` block.
"""

from __future__ import annotations

from dataclasses import dataclass

from poolaudit.catalog import APP, DROPWIZARD, KeyInfo, normalize
from poolaudit.sources import _appkeys
from poolaudit.sources.yaml_tree import MappingNode, Node, ScalarNode, pairs

# Keys only a Dropwizard DataSourceFactory block has, besides the pool keys themselves.
_DROPWIZARD_MARKERS = {
    "driverclass", "validationquery", "maxwaitforconnection", "evictioninterval", "minidletime",
}
# Helm values of database *server* charts: `postgresql.primary.maxConnections` is the server's
# limit, not a client pool, unless a `pool` block says otherwise.
_SERVER_BLOCKS = {
    "postgresql", "postgres", "mysql", "mariadb", "pgbouncer", "mongodb", "primary", "readreplicas",
}
_SERVER_KEYS = {"maxconnections", "minconnections", "maxconns", "minconns"}
KEYS = set(APP) | set(DROPWIZARD)  # every leaf name this module can match (see yaml_config)


@dataclass(frozen=True, slots=True)
class Match:
    info: KeyInfo
    framework: str
    syntax: str  # placeholder syntax of values: see yaml_values.interpret


def classify(
    parts: list[str], names: list[str], parent: Node | None, *, server_guard: bool = False,
    context: tuple[str, ...] = (),
) -> Match | None:
    """`parts`: key path as written; `names`: normalized; `parent`: the mapping holding the value;
    `context`: the file's stem, consulted last (Hasura's `metadata/databases/databases.yaml`).

    The database/not-database decision is the one every app-config source shares
    (`_appkeys`): the nearest name on the path that says anything decides.
    """
    leaf = names[-1]
    if leaf in DROPWIZARD and isinstance(parent, MappingNode):
        if any(normalize(p.key.value) in _DROPWIZARD_MARKERS for p in pairs(parent)):
            if _appkeys.is_database(parts[:-1], parts[-1]) or "database" in names[:-1]:
                return Match(DROPWIZARD[leaf], "dropwizard", "shell")
    info = _appkeys.classify(parts[:-1], parts[-1], context)
    if info is None:
        return None
    if server_guard and leaf in _SERVER_KEYS and "pool" not in names[:-1]:
        if any(n in _SERVER_BLOCKS for n in names[:-1]):
            return None
    if info.framework == "pgbouncer" and _disabled(parent):
        return None  # a chart's `pgbouncer: {enabled: false, ...}`: no pooler is deployed
    return Match(info, info.framework or "app-config", "any")


def _disabled(block: Node | None) -> bool:
    return isinstance(block, MappingNode) and any(
        normalize(p.key.value) == "enabled" and isinstance(p.value, ScalarNode) and p.value.value.lower() == "false"
        for p in pairs(block)
    )
