"""JVM pool keys in YAML: Spring Boot (`spring.datasource.hikari|tomcat|dbcp2|oracleucp.*`,
R2DBC, the dead legacy spellings and Hibernate's own Hikari keys under `spring.jpa.properties`), custom `*.hikari.*` prefixes, Micronaut
`datasources.<name>.*` and Quarkus `quarkus.datasource[.<name>].jdbc|reactive.*`.

Keys arrive as path parts already split on dots, so nested, flat (`spring.datasource.hikari.
maximum-pool-size: 10`) and partly flat spellings are one case; relaxed binding (kebab, camel,
underscore, case) is `catalog.normalize`.
"""

from __future__ import annotations

from dataclasses import dataclass

from poolaudit.catalog import HIKARI, QUARKUS, R2DBC, SPRING_POOLS, TOMCAT_DBCP, KeyInfo

_LEGACY = {**TOMCAT_DBCP, **HIKARI}
KEYS = set(HIKARI) | set(TOMCAT_DBCP) | set(QUARKUS) | set(R2DBC)  # every leaf name matched here
# Roots whose keys only this module knows: the generic app-config reading must not guess there.
ROOTS = {"spring", "quarkus", "datasources", "micronaut"}
# Thread pools and non-database pools that share spellings with database pools.
EXCLUDED = {
    "task", "scheduling", "execution", "threads", "thread", "redis", "lettuce", "jedis", "rabbitmq",
    "kafka", "cassandra", "elasticsearch", "couchbase", "neo4j", "server", "reactor", "webflux",
}
_CUSTOM = "custom prefix: binding needs code confirmation"
_SIZES = {"maxactive", "maxtotal"}
# Spring Boot hands Hibernate its own DataSource, so Hibernate never builds a Hikari pool of its own.
BOOT_HIBERNATE = (
    "not applied by Spring Boot: Hibernate uses Spring's DataSource, so spring.jpa.properties.hibernate.hikari.* "
    "configures no pool (use spring.datasource.hikari.*)"
)


@dataclass(frozen=True, slots=True)
class Match:
    info: KeyInfo
    framework: str
    pool: str  # the key path of the pool's block, as written
    note: str | None = None


def classify(parts: list[str], names: list[str]) -> Match | None:
    """`parts`: key path parts as written (profile parts removed); `names`: the same, normalized."""
    if not names or any(n in EXCLUDED for n in names):
        return None
    leaf, depth = names[-1], len(names)
    prefix = ".".join(parts[:-1])
    if names[0] == "spring":
        return _spring(names, leaf, depth, prefix)
    if names[0] == "datasources" and depth == 3:
        info = HIKARI.get(leaf) or TOMCAT_DBCP.get(leaf)
        return Match(info, "micronaut", prefix) if info else None
    if names[:2] == ["quarkus", "datasource"]:
        return _quarkus(names, leaf, prefix)
    return _custom(names, leaf, depth, prefix)


def _spring(names: list[str], leaf: str, depth: int, prefix: str) -> Match | None:
    if depth == 4 and names[1] == "datasource" and names[2] in SPRING_POOLS:
        info = SPRING_POOLS[names[2]].get(leaf)
        return Match(info, "spring", prefix) if info else None
    if depth == 3 and names[1] == "datasource" and leaf in _LEGACY:
        note = "not bound by Spring Boot 2+: legacy spring.datasource.* key; use spring.datasource.<pool>.*"
        return Match(_LEGACY[leaf], "spring", prefix, note)
    if depth == 3 and names[1] == "hikari" and leaf in HIKARI:
        note = "not bound by Spring Boot 2+: spring.hikari.* is a wrong prefix for spring.datasource.hikari.*"
        return Match(HIKARI[leaf], "spring", prefix, note)
    if depth == 4 and names[1:3] == ["r2dbc", "pool"] and leaf in R2DBC:
        return Match(R2DBC[leaf], "spring", prefix)
    if names[1:4] == ["jpa", "properties", "hibernate"] and depth == 6 and names[4] == "hikari" and leaf in HIKARI:
        return Match(HIKARI[leaf], "hibernate", prefix, BOOT_HIBERNATE)
    if names[1] == "datasource" and (depth > 4 or depth == 4 and names[2] not in SPRING_POOLS):
        # A named datasource: `spring.datasource.secondary.maximum-pool-size`, bound by code
        # (`@ConfigurationProperties("spring.datasource.secondary")` on a HikariDataSource).
        return _custom(names, leaf, depth, prefix)
    return None


def _quarkus(names: list[str], leaf: str, prefix: str) -> Match | None:
    rest = names[2:]
    kinds = ("jdbc", "reactive")
    if len(rest) == 2 and rest[0] in kinds or len(rest) == 3 and rest[1] in kinds:
        info = QUARKUS.get(leaf)
        return Match(info, "quarkus", prefix) if info else None
    return None


def _custom(names: list[str], leaf: str, depth: int, prefix: str) -> Match | None:
    """`app.datasource.primary.hikari.maximum-pool-size`, `hibernate.hikari.maximumPoolSize`,
    `app.datasource.maximum-pool-size`: valid only where code binds the prefix."""
    if depth < 2:
        return None
    parent = names[-2]
    if parent in SPRING_POOLS and (parent != "tomcat" or any("datasource" in n for n in names[:-2])):
        info = SPRING_POOLS[parent].get(leaf)
        if info is None:
            return None
        framework = "hibernate" if depth >= 3 and names[-3] == "hibernate" else "spring"
        return Match(info, framework, prefix, _CUSTOM)
    # A named datasource's own keys: Hikari's, or (the Boot docs' second DataSource, a DBCP2
    # BasicDataSource: `app.datasource.second.max-total`) a Tomcat/DBCP2 size, as properties
    # read them.  Under `spring.datasource.<name>` only Hikari's: `spring.datasource.druid.*`
    # is another pool library's namespace.
    info = HIKARI.get(leaf) or (TOMCAT_DBCP.get(leaf) if leaf in _SIZES and names[0] != "spring" else None)
    if info is not None and any(n.endswith(("datasource", "datasources")) for n in names[:-1]):
        return Match(info, "spring", prefix, _CUSTOM)
    return None
