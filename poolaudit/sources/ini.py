"""The INI source: SQLAlchemy `engine_from_config` keys (`sqlalchemy.pool_size` and custom prefixes)
in Pyramid/CKAN/alembic ini files, PgBouncer (`[pgbouncer] default_pool_size`, `pool_size=` inside
`[databases]` entries), and `[database] pool_size`-style app-config sections.

A line scanner that mirrors configparser's rules (sections, `=`/`:` delimiters, `#`/`;` comment
lines, indented continuation lines), because settings need positions.  `%(name)s` references
are followed to the value they name in the same section or `[DEFAULT]`, as configparser does;
one naming nothing in the file is reported unresolved (PasteDeploy's defaults fill it).
"""

from __future__ import annotations

import re

from poolaudit import environments
from poolaudit.catalog import PGBOUNCER, KeyInfo, normalize
from poolaudit.model import Extraction, Provenance, Setting
from poolaudit.sources import _appkeys
from poolaudit.sources._inilines import Option, scan
from poolaudit.sources._lines import LineIndex
from poolaudit.sources._written import Written, interpret, make_setting

KIND = "ini"
# Bytes every spelling this source reads holds (catalog.APP and the SQLAlchemy/PgBouncer keys:
# `[database] max_connections`, Grafana's `max_open_conn`, `idle_timeout` hold no `pool`).
LITERALS: tuple[bytes, ...] = tuple(
    variant.encode()
    for word in ("pool", "overflow", "conn", "max", "min", "cquire", "heckout", "recycle", "ping", "idle", "lifetime")
    for variant in (word, word.capitalize(), word.upper())
)

# engine_from_config coerces these from strings; pool_pre_ping stays a string (see below).
_SQLALCHEMY = {
    "pool_size": KeyInfo("max_size"),
    "max_overflow": KeyInfo("overflow"),
    "pool_timeout": KeyInfo("acquire_timeout", "s"),
    "pool_recycle": KeyInfo("recycle", "s"),
    "pool_pre_ping": KeyInfo("pre_ping"),
}
# max_client_conn / max_db_connections bound clients and servers, not one pool: not reported.
_PAIR = re.compile(r"([A-Za-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s']+)")
_INLINE_COMMENT = re.compile(r"\s+[;#].*$")
_REFERENCE = re.compile(r"%\(([^)]+)\)s")
_SECTION = re.compile(r"^[ \t]*\[[^\]\n]+\]", re.M)
_OURS = re.compile(r"^[ \t]*sqlalchemy\.", re.M | re.I)
_TRUTHY_NOTE = (
    "engine_from_config passes pool_pre_ping as a string, and any non-empty string is true"
)


def extract(path: str, text: str) -> Extraction:
    name = path.rsplit("/", 1)[-1].lower()
    # `.cfg` files are often not INI at all (haproxy, buildout), and neither is an `.ini`
    # without a single `[section]` (Jetty's `start.ini`: `jetty.threadPool.maxThreads=200`).
    # Such a file is malformed config of ours only when it holds keys this source reads.
    strict = name.endswith(".ini") and (
        _SECTION.search(text) is not None or "pgbouncer" in name or _OURS.search(text) is not None
    )
    # Keys before the first header are the global section of go-ini and PHP readers (Gitea,
    # Grafana); a file of keys with no header at all stays an error where it holds ours.
    parsed = scan(path, text, strict=strict, preamble=_SECTION.search(text) is not None)
    found = Extraction(suppressions=parsed.suppressions)
    lines = LineIndex(text)
    stem = name.rsplit(".", 1)[0]
    alembic = stem == "alembic" or "alembic" in parsed.sections
    pgbouncer = "pgbouncer" in stem or "pgbouncer" in parsed.sections
    environment = "any" if alembic else environments.from_name(stem) or "any"
    for option in parsed.options:
        for setting in _settings(path, lines, parsed.options, option, pgbouncer, stem):
            found.settings.append(setting.replace(environment=environment, migration_only=alembic))
    return found


def _settings(
    path: str, lines: LineIndex, options: list[Option], option: Option, pgbouncer: bool, stem: str
) -> list[Setting]:
    section = option.section.lower()
    if pgbouncer and section in ("databases", "users"):
        return _pgbouncer_entries(path, lines, option)
    key = option.key.strip()
    if pgbouncer and section == "pgbouncer":
        info = PGBOUNCER.get(normalize(key))
        framework, pool = "pgbouncer", "pgbouncer"
        key = f"pgbouncer.{key}"
    else:
        prefix, _, leaf = key.rpartition(".")
        info = _SQLALCHEMY.get(leaf.lower()) if "sqlalchemy" in normalize(prefix) else None
        # The global section of a go-ini file ("") adds nothing to names.
        within = [option.section] if option.section else []
        framework, pool = "sqlalchemy", ".".join([*within, prefix])
        if info is None:
            parents = [*within, *key.split(".")[:-1]]
            info = _appkeys.classify(parents, key.split(".")[-1], (stem,))
            framework, pool = "app-config", ".".join(parents)
            key = ".".join([*within, key])
    if info is None or option.continued:
        return []
    source = _referenced(options, option)
    value_text = _INLINE_COMMENT.sub("", (source or option).value)
    result = interpret(value_text, info.canonical, info.unit)
    if result is None:
        result = _undefined_reference(option, info)
    if result is None:
        return []
    note = result.note
    if info.canonical == "pre_ping" and framework == "sqlalchemy":
        if result.written is False:
            note = _TRUTHY_NOTE
        result = Written(True, result.provenance, result.env_var, None, result.origin)
    if source is not None and note is None:
        note = f"value of %({source.key.strip()})s"
    raw = _INLINE_COMMENT.sub("", option.value).rstrip()
    return [
        make_setting(path, lines, result, kind=KIND, framework=framework, key=key,
                     canonical=info.canonical, raw=raw, start=option.start,
                     origin_base=(source or option).start, pool=pool, note=note)
    ]  # fmt: skip


def _referenced(options: list[Option], option: Option) -> Option | None:
    """configparser interpolation: `%(pool)s` takes the value of `pool` in the same section,
    else in [DEFAULT]; the fix edits that definition."""
    match = _REFERENCE.fullmatch(option.value.strip())
    if match is None:
        return None
    wanted = match.group(1).lower()
    for section in (option.section, "DEFAULT"):
        for other in options:
            if (
                other.section == section
                and other.key.strip().lower() == wanted
                and other is not option
            ):
                return other
    return None


def _undefined_reference(option: Option, info: KeyInfo) -> Written | None:
    """`sqlalchemy.pool_size = %(DB_POOL_SIZE)s` naming nothing in the file: PasteDeploy fills it
    from the app's global_conf (plaster-pastedeploy: `%(ENV_NAME)s` from the environment)."""
    match = _REFERENCE.fullmatch(_INLINE_COMMENT.sub("", option.value).strip())
    if match is None:
        return None
    name = match.group(1)
    if name in ("here", "__file__"):  # PasteDeploy's own: paths, never a number
        return None
    env_var = name[4:] if name.upper().startswith("ENV_") and len(name) > 4 else None
    unit = info.unit if info.canonical in ("acquire_timeout", "idle_timeout", "recycle") else None
    note = f"%({name})s is defined nowhere in this file (set by the loader's defaults or environment)"
    return Written(None, Provenance.UNRESOLVED, env_var, unit, None, note)


def _pgbouncer_entries(path: str, lines: LineIndex, option: Option) -> list[Setting]:
    """`mydb = host=db dbname=app pool_size=50 reserve_pool=10`: libpq-style pairs in the value."""
    found = []
    database = option.key.strip()
    for pair in _PAIR.finditer(option.value):
        info = PGBOUNCER.get(normalize(pair.group(1)))
        if info is None or pair.group(1).lower() == "default_pool_size":
            continue
        result = interpret(pair.group(2).strip("'"), info.canonical, info.unit)
        if result is None:
            continue
        start = option.start + pair.start(2)
        found.append(
            make_setting(path, lines, result, kind=KIND, framework="pgbouncer",
                         key=f"{option.section}.{database}.{pair.group(1)}",
                         canonical=info.canonical, raw=pair.group(2), start=start,
                         origin_base=start + pair.group(2).startswith("'"),
                         pool=f"{option.section}.{database}")
        )  # fmt: skip
    return found
