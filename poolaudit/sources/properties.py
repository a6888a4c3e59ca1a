"""The Java `.properties` source: Spring Boot (`spring.datasource.hikari.*`, tomcat, dbcp2,
oracleucp, r2dbc), Quarkus (`quarkus.datasource[."name"].jdbc.max-size`, `%prod.` profiles),
Micronaut (`datasources.NAME.*`), Hibernate (`hibernate.hikari.*`, `hibernate.c3p0.*`,
`hibernate.connection.pool_size`), raw `hikari.properties`, and database app-config keys.

Keys that name a pool but are not bound where they are written (`spring.hikari.*`,
`spring.datasource.maximum-pool-size` on Boot 2+, custom `*.hikari.*` prefixes) are reported
with a note saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from poolaudit import environments
from poolaudit.catalog import HIKARI, QUARKUS, R2DBC, SPRING_POOLS, TOMCAT_DBCP, KeyInfo, normalize
from poolaudit.model import Extraction, Setting
from poolaudit.sources import _appkeys
from poolaudit.sources._javaprops import Entry, parse
from poolaudit.sources._lines import LineIndex, suppression
from poolaudit.sources._written import interpret, make_setting

KIND = "properties"
LITERALS: tuple[bytes, ...] = (
    b"pool",
    b"Pool",
    b"POOL",
    b"max",
    b"Max",
    b"MAX",
    b"min",
    b"Min",
    b"MIN",
    b"onnection",
    b"ONNECTION",
    b"imeout",
    b"IMEOUT",
    b"ifetime",
    b"IFETIME",
    b"overflow",
    b"Overflow",
    b"OVERFLOW",
    b"cquire",
    b"CQUIRE",
    b"recycle",
    b"RECYCLE",
    b"idle-removal",  # quarkus.datasource.jdbc.idle-removal-interval (Quarkus keys are kebab)
    b"idleRemoval",
)

_C3P0 = {  # hibernate.c3p0.* short names, and c3p0's own names (c3p0.properties)
    "maxsize": KeyInfo("max_size"),
    "minsize": KeyInfo("min_idle"),
    "timeout": KeyInfo("idle_timeout", "s"),
    "maxpoolsize": KeyInfo("max_size"),
    "minpoolsize": KeyInfo("min_idle"),
    "checkouttimeout": KeyInfo("acquire_timeout", "ms"),
    "maxidletime": KeyInfo("idle_timeout", "s"),
}
# Pool sizes of JVM pools that custom prefixes bind (`app.datasource.primary.maximum-pool-size`).
_JVM_SIZES = {"maximumpoolsize", "minimumidle", "maxactive", "maxtotal"}
_HIKARI_FILE_KEYS = {"jdbcurl", "datasourceclassname", "maximumpoolsize", "minimumidle"}

_LEGACY = "not bound to the pool by Spring Boot 2+ (use spring.datasource.hikari.*)"
_WRONG_PREFIX = "spring.hikari.* is not bound by Spring Boot (use spring.datasource.hikari.*)"
# Spring Boot hands Hibernate its own DataSource: Hibernate's pool settings configure nothing.
_BOOT_HIBERNATE = (
    "not applied by Spring Boot: Hibernate uses Spring's DataSource, so spring.jpa.properties.hibernate.* "
    "pool keys configure no pool (use spring.datasource.hikari.*)"
)
_CUSTOM = "custom prefix: takes effect only if code binds it to the pool (needs code confirmation)"
_SEGMENT = re.compile(r'"[^"]*"|[^.]+')
_PROFILE_KEYS = {"spring.config.activate.on-profile", "spring.profiles"}


@dataclass(frozen=True, slots=True)
class Match:
    info: KeyInfo
    framework: str
    pool: str
    note: str | None = None


def extract(path: str, text: str) -> Extraction:
    lines = LineIndex(text)
    parsed = parse(text, lines)
    found = Extraction()
    for offset, comment in parsed.comments:
        record = suppression(path, lines.line(offset), comment)
        if record is not None:
            found.suppressions.append(record)
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    hikari_file = "hikari" in stem.lower() or any(
        normalize(e.key) in _HIKARI_FILE_KEYS for e in parsed.entries
    )
    profiles = _document_profiles(parsed.entries)
    for entry in parsed.entries:
        key, environment = _profile(entry.key)
        match = classify(key, hikari_file, stem)
        if match is None:
            continue
        setting = _setting(path, lines, entry, match)
        if setting is None:
            continue
        environment = environment or profiles.get(entry.document)
        found.settings.append(setting.replace(environment=environment) if environment else setting)
    return found


def _profile(key: str) -> tuple[str, str | None]:
    """`%prod.quarkus.x` -> ("quarkus.x", "production"); Quarkus profile prefixes."""
    if not key.startswith("%") or "." not in key:
        return key, None
    profiles, _, rest = key[1:].partition(".")
    for profile in profiles.split(","):
        found = environments.from_name(profile.strip())
        if found:
            return rest, found
    return rest, None


def _document_profiles(entries: list[Entry]) -> dict[int, str]:
    """Spring multi-document files: the environment each `#---` document is activated for."""
    found = {}
    for entry in entries:
        if entry.key in _PROFILE_KEYS and not entry.value.strip().startswith("!"):
            environment = environments.from_name(entry.value)
            if environment:
                found[entry.document] = environment
    return found


def classify(key: str, hikari_file: bool = False, stem: str = "") -> Match | None:
    """The pool setting a property key (profile prefix removed) names, or None."""
    segments = [s.strip('"') for s in _SEGMENT.findall(key)]
    if not segments:
        return None
    norm = [normalize(s) for s in segments]
    leaf, size = norm[-1], len(norm)
    pool = ".".join(key.split(".")[:-1]) if '"' not in key else key.rsplit(".", 1)[0]
    if norm[0] == "spring" and size >= 3:
        return _spring(norm, leaf, pool)
    if norm[0] == "quarkus" and size >= 4 and norm[1] == "datasource":
        rest = norm[2:] if norm[2] in ("jdbc", "reactive") else norm[3:]
        info = QUARKUS.get(leaf) if len(rest) == 2 and rest[0] in ("jdbc", "reactive") else None
        return Match(info, "quarkus", pool) if info else None
    if norm[0] == "datasources" and size == 3:
        info = HIKARI.get(leaf) or TOMCAT_DBCP.get(leaf)
        return Match(info, "micronaut", pool) if info else None
    if norm[0] == "hibernate" and size == 3:
        return _hibernate(norm, leaf, pool)
    if norm[0] == "c3p0" and size == 2:
        info = _C3P0.get(leaf)
        return Match(info, "c3p0", "c3p0") if info else None
    if size == 1:
        info = HIKARI.get(leaf)
        if info and (hikari_file or leaf in ("maximumpoolsize", "minimumidle")):
            return Match(info, "hikari", "hikari")
        return None
    if norm[-2] in ("hikari", "hikaricp"):
        info = HIKARI.get(leaf)
        if info is None or _appkeys.is_excluded(segments[:-2]):
            return None
        return Match(info, "spring", pool, _CUSTOM)
    return _custom(segments, norm, leaf, pool, stem)


def _spring(norm: list[str], leaf: str, pool: str) -> Match | None:
    size = len(norm)
    if norm[1] == "datasource":
        if size == 4 and norm[2] in SPRING_POOLS:
            info = SPRING_POOLS[norm[2]].get(leaf)
            return Match(info, "spring", pool) if info else None
        if size == 3:
            info = HIKARI.get(leaf) or TOMCAT_DBCP.get(leaf)
            return Match(info, "spring", pool, _LEGACY) if info else None
        if size == 5 and norm[3] in SPRING_POOLS:
            info = SPRING_POOLS[norm[3]].get(leaf)
            return Match(info, "spring", pool, _CUSTOM) if info else None
        if size == 4:  # a named datasource bound by code: `spring.datasource.secondary.maximum-pool-size`
            info = HIKARI.get(leaf)
            return Match(info, "spring", pool, _CUSTOM) if info else None
    if norm[1:4] == ["jpa", "properties", "hibernate"] and size == 6:
        match = _hibernate(norm[3:], leaf, pool)
        return Match(match.info, match.framework, pool, _BOOT_HIBERNATE) if match else None
    if norm[1] == "hikari" and size == 3:
        info = HIKARI.get(leaf)
        return Match(info, "spring", pool, _WRONG_PREFIX) if info else None
    if norm[1] == "r2dbc" and size == 4 and norm[2] == "pool":
        info = R2DBC.get(leaf)
        return Match(info, "spring", pool) if info else None
    return None


def _hibernate(norm: list[str], leaf: str, pool: str) -> Match | None:
    if norm[1] == "hikari":
        info = HIKARI.get(leaf)
    elif norm[1] == "c3p0":
        info = _C3P0.get(leaf)
    elif norm[1] == "connection":
        info = KeyInfo("max_size") if leaf == "poolsize" else None
    elif norm[1] == "agroal":
        info = QUARKUS.get(leaf) if leaf in ("maxsize", "minsize") else None
    else:
        info = None
    return Match(info, "hibernate", pool) if info else None


def _custom(segments: list[str], norm: list[str], leaf: str, pool: str, stem: str) -> Match | None:
    """App-defined keys: `app.datasource.primary.maximum-pool-size`, `db.pool.max`."""
    parents = segments[:-1]
    if leaf in _JVM_SIZES and _appkeys.is_database(parents, segments[-1], (stem,)):
        info = HIKARI.get(leaf) or TOMCAT_DBCP.get(leaf)
        if info is not None:
            return Match(info, "spring" if norm[0] == "spring" else "app-config", pool, _CUSTOM)
    info = _appkeys.classify(parents, segments[-1], (stem,))
    if info is None:
        return None
    if len(parents) > 1 and _appkeys.is_pool_block(parents[-1]):
        pool = pool.rsplit(".", 1)[0]
    return Match(info, "app-config", pool)


def _setting(path: str, lines: LineIndex, entry: Entry, match: Match) -> Setting | None:
    written = interpret(entry.value, match.info.canonical, match.info.unit)
    if written is None:
        return None
    if not entry.plain:  # escapes or continuation lines: read, but not edited in place
        written = replace(written, origin=None)
    notes = [n for n in (match.note, written.note) if n]
    return make_setting(
        path, lines, written, kind=KIND, framework=match.framework, key=entry.key,
        canonical=match.info.canonical, raw=entry.raw, start=entry.start, pool=match.pool,
        note="; ".join(notes) or None,
    )  # fmt: skip
