"""The YAML source as a whole: generic app-config blocks, what is never a setting, bad input,
suppression comments, the prefilter literals, and recall/precision on the benchmark tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from poolaudit.catalog import APP, POOL_BLOCK_ONLY, RAILS, normalize
from poolaudit.envnames import classify_env_var
from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting, Suppression
from poolaudit.sources import yaml as source

from ._facts import CORE, setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "make_monorepo.py"


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, CORE + ("environment", "framework", "origin"))


APP_CONFIG = [
    pytest.param(
        "database:\n  pool_size: 10\n",
        (2, 14, "10", "database.pool_size", "max_size", 10, 10, LIT, None, None, "any", "app-config", "10"),
        id="database-pool-size",
    ),
    pytest.param(
        "database:\n  pool:\n    min_size: 2\n",
        (3, 15, "2", "database.pool.min_size", "min_idle", 2, 2, LIT, None, None, "any", "app-config", "2"),
        id="database-pool-min-size",
    ),
    pytest.param(
        "db:\n  max_connections: 20\n",
        (2, 20, "20", "db.max_connections", "max_size", 20, 20, LIT, None, None, "any", "app-config", "20"),
        id="db-max-connections",
    ),
    pytest.param(
        "database:\n  pool:\n    max: 15\n",
        (3, 10, "15", "database.pool.max", "max_size", 15, 15, LIT, None, None, "any", "app-config", "15"),
        id="generic-word-under-pool",
    ),
    pytest.param(
        "database:\n  pool:\n    timeout: 30s\n",
        (3, 14, "30s", "database.pool.timeout", "acquire_timeout", 30, 30, LIT, None, "duration", "any", "app-config", "30s"),
        id="pool-timeout-duration",
    ),
    pytest.param(
        "postgres:\n  max_overflow: '5'\n",
        (2, 17, "'5'", "postgres.max_overflow", "overflow", 5, 5, LIT, None, None, "any", "app-config", "5"),
        id="postgres-overflow-quoted",
    ),
    pytest.param(
        "database:\n  pool_size: ${DB_POOL_SIZE:-12}\n",
        (2, 14, "${DB_POOL_SIZE:-12}", "database.pool_size", "max_size", 12, 12, DEF, "DB_POOL_SIZE", None, "any", "app-config", "12"),
        id="shell-placeholder",
    ),
    pytest.param(
        "database:\n  pool_size: ${DB_POOL_SIZE:8}\n",
        (2, 14, "${DB_POOL_SIZE:8}", "database.pool_size", "max_size", 8, 8, DEF, "DB_POOL_SIZE", None, "any", "app-config", "8"),
        id="colon-placeholder",
    ),
    pytest.param(
        "sqlalchemy:\n  pool_pre_ping: true\n",
        (2, 18, "true", "sqlalchemy.pool_pre_ping", "pre_ping", True, True, LIT, None, None, "any", "app-config", "true"),
        id="pre-ping",
    ),
    pytest.param(
        "db_pool_size: 7\n",
        (1, 15, "7", "db_pool_size", "max_size", 7, 7, LIT, None, None, "any", "app-config", "7"),
        id="env-style-key",
    ),
    pytest.param(
        "production:\n  database:\n    pool_size: 25\n",
        (3, 16, "25", "production.database.pool_size", "max_size", 25, 25, LIT, None, None, "production", "app-config", "25"),
        id="environment-section",
    ),
    pytest.param(
        "env_variables:\n  DB_POOL_SIZE: '6'\n",
        (2, 17, "'6'", "env_variables.DB_POOL_SIZE", "max_size", 6, 6, LIT, None, None, "any", "app-config", "6"),
        id="app-engine-env-variables",
    ),
    pytest.param(
        "database:\n  url: postgres://app@db/app?pool_max_conns=9\n",
        (2, 45, "9", "database.url?pool_max_conns", "max_size", 9, 9, LIT, None, None, "any", "app-config", "9"),
        id="url-param",
    ),
    pytest.param(
        "database:\r\n  pool_size: \"11\"  # raised after INC-42\r\n",
        (2, 14, '"11"', "database.pool_size", "max_size", 11, 11, LIT, None, None, "any", "app-config", "11"),
        id="crlf-quoted-trailing-comment",
    ),
    pytest.param(
        "database:\n  pool_size: \"1\\x30\"\n",
        (2, 14, '"1\\x30"', "database.pool_size", "max_size", 10, 10, LIT, None, None, "any", "app-config", None),
        id="escaped-double-quoted-not-editable",
    ),
]


@pytest.mark.parametrize(("text", "expected"), APP_CONFIG)
def test_app_config(text: str, expected: tuple[object, ...]) -> None:
    (s,) = source.extract("config/app.yaml", text).settings
    assert facts(text, s) == expected
    assert (s.path, s.kind) == ("config/app.yaml", "yaml")


def test_origin_is_the_default_inside_the_placeholder() -> None:
    text = "database:\n  pool_size: ${DB_POOL_SIZE:-12}\n"
    (s,) = source.extract("config/app.yaml", text).settings
    assert s.origin is not None and (s.origin.line, s.origin.column) == (2, 30)


NEVER = [
    pytest.param(".github/workflows/ci.yml", "jobs:\n  test:\n    services:\n      postgres:\n        env:\n          DB_POOL_SIZE: 5\n", id="ci-workflow"),
    pytest.param(".gitlab-ci.yml", "variables:\n  DB_POOL_SIZE: 5\n", id="gitlab-ci"),
    pytest.param("docs/openapi.yaml", "openapi: 3.1.0\ncomponents:\n  schemas:\n    Db:\n      properties:\n        pool_size: {type: integer}\n        database:\n          pool_size: 5\n", id="openapi"),
    pytest.param("config/app.yaml", "http:\n  pool_size: 20\n  timeout: 10\n", id="http-pool"),
    pytest.param("config/app.yaml", "redis:\n  pool_size: 20\n  max_connections: 50\n", id="redis-pool"),
    pytest.param("config/app.yaml", "celery:\n  worker_pool: prefork\n  worker_concurrency: 8\n", id="celery"),
    pytest.param("config/app.yaml", "threads:\n  pool_size: 16\nexecutor:\n  max_size: 8\n", id="threads-executor"),
    pytest.param("config/app.yaml", "pool:\n  size: 10\n", id="pool-without-database"),
    pytest.param("config/app.yaml", "database:\n  size: 10\n  max: 3\n  timeout: 5000\n", id="generic-words-not-under-pool"),
    pytest.param("config/app.yaml", "database:\n  pool_size: many\n", id="not-a-number"),
    pytest.param("config/app.yaml", "# database:\n#   pool_size: 50\nservice: x\n", id="commented-out"),
    pytest.param("config/logging.yaml", "version: 1\nhandlers:\n  console:\n    class: logging.StreamHandler\n", id="logging"),
    pytest.param("config/app.yaml", "database:\n  pool-name: main\n  name: pool\n", id="pool-name"),
    pytest.param("config/app.yaml", "cache:\n  url: redis://redis:6379/0?pool=5\n", id="redis-url-param"),
    pytest.param("mkdocs.yml", "site_name: x\nextra:\n  database:\n    pool_size: 5\n", id="mkdocs"),
    pytest.param("config/app.yaml", "- database\n- pool_size\n", id="top-level-list"),
    pytest.param("config/app.yaml", "just a string\n", id="top-level-scalar"),
    pytest.param("config/app.yaml", "", id="empty"),
    # A database server's own container: its variables configure the server, not a client pool.
    pytest.param(
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres:16-alpine\n    environment:\n      POSTGRES_MAX_CONNECTIONS: \"200\"\n"
        "  cache:\n    image: docker.io/bitnami/redis:7.2\n    environment:\n      - REDIS_MAX_CONNECTIONS=5000\n",
        id="compose-database-server-images",
    ),
    pytest.param(
        "deploy/postgres.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: pg\n          image: bitnami/postgresql:15\n          env:\n            - name: POSTGRESQL_MAX_CONNECTIONS\n"
        "              value: \"300\"\n",
        id="k8s-database-server-container",
    ),
]


@pytest.mark.parametrize(("path", "text"), NEVER)
def test_never_reported(path: str, text: str) -> None:
    assert source.extract(path, text).settings == []


BAD = [
    pytest.param("database:\n  pool_size: 5\n bad: [\n", 3, id="bad-indent"),
    pytest.param("database:\n  pool_size: 5\n  x: y: z\n", 3, id="mapping-in-plain-scalar"),
    pytest.param("a: 1\n---\nb: *nowhere\n", 3, id="undefined-alias"),
    pytest.param("a: 1\nb: \x01\n", 2, id="control-character"),
    pytest.param("database:\n\tpool_size: 5\n", 2, id="tab-indent"),
]


@pytest.mark.parametrize(("text", "line"), BAD)
def test_malformed_yaml_is_a_source_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as info:
        source.extract("config/app.yaml", text)
    assert info.value.line == line


def test_alias_bomb_is_a_source_error_not_a_hang() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(SourceError, match="aliases"):
        source.extract("config/app.yaml", "\n".join(lines) + "\n")


def test_recursive_alias_terminates() -> None:
    text = "database: &db\n  pool_size: 5\n  self: *db\n"
    found = source.extract("config/app.yaml", text).settings
    assert {(s.line, s.written) for s in found} == {(2, 5)}


def test_non_ascii_text_before_the_value_keeps_offsets_right() -> None:
    text = "# Datenbank – Größe 😀\ndatabase:\n  name: ünïcødé\n  pool_size: 9\n"
    (s,) = source.extract("config/app.yaml", text).settings
    assert facts(text, s)[:3] == (4, 14, "9")


SUPPRESSIONS = [
    pytest.param("database:\n  pool_size: 2  # poolaudit: ignore[PA101]\n", [(2, ("PA101",), None)], id="one-code"),
    pytest.param(
        "database:\n  # poolaudit: ignore[PA101, PA103] load-tested at 2\n  pool_size: 2\n",
        [(2, ("PA101", "PA103"), "load-tested at 2")],
        id="codes-and-reason",
    ),
    pytest.param("database:\n  pool_size: 2 # poolaudit: ignore\n", [(2, (), None)], id="all-codes"),
    pytest.param("url: 'http://x/#poolaudit: ignore'\n", [], id="inside-a-quoted-string-without-space"),
    pytest.param("database:\r\n  pool_size: 2  # poolaudit:ignore[PA101]\r\n", [(2, ("PA101",), None)], id="crlf-no-space"),
]


@pytest.mark.parametrize(("text", "expected"), SUPPRESSIONS)
def test_suppression_comments(text: str, expected: list[tuple[int, tuple[str, ...], str | None]]) -> None:
    found = source.extract("config/app.yaml", text).suppressions
    assert found == [Suppression("config/app.yaml", line, codes, reason) for line, codes, reason in expected]


def test_suppressions_are_found_in_files_without_settings_and_in_ci_files() -> None:
    assert len(source.extract(".github/workflows/ci.yml", "# poolaudit: ignore\non: push\n").suppressions) == 1


# ------------------------------------------------------------------------------ prefilter

# One snake_case spelling per catalogue key; camel and kebab forms are derived.
APP_SPELLINGS = [
    "pool_size", "pool", "size", "max_size", "max_pool_size", "pool_max", "pool_max_size", "max",
    "max_connections", "max_conns", "max_open_conns", "max_overflow", "pool_max_overflow",
    "overflow", "min_size", "min", "min_pool_size", "pool_min", "min_connections", "min_conns",
    "min_idle", "pool_timeout", "acquire_timeout", "timeout", "pool_recycle", "recycle",
    "pool_pre_ping", "pre_ping", "checkout_timeout", "idle_timeout", "max_open_conn",
    "conn_max_lifetime", "conn_max_idle_time", "pool_min_size", "max_wait", "max_conn_lifetime", "max_conn_idle_time", "connection_lifetime",
]


def _spellings(snake: str) -> list[str]:
    words = snake.split("_")
    return [snake, "-".join(words), words[0] + "".join(w.title() for w in words[1:])]


def test_every_catalogue_key_is_spelled_in_the_prefilter_test() -> None:
    spelled = {normalize(s) for s in APP_SPELLINGS}
    # "prepping"/"poolprepping" are misspellings in the catalogue that no one writes.
    assert set(APP) - spelled <= {"prepping", "poolprepping"}, "a new catalogue key: add its spelling above"
    # Rails-only keys sit in database.yml sections that hold `database`/`pool`/`max_connections`.
    assert set(RAILS) <= spelled | {normalize(s) for s in RAILS_ONLY_SPELLINGS}


RAILS_ONLY_SPELLINGS = ["max_age"]


@pytest.mark.parametrize("snake", RAILS_ONLY_SPELLINGS)
def test_prefilter_keeps_every_rails_only_spelling_in_a_rails_section(snake: str) -> None:
    data = f"production:\n  adapter: postgresql\n  database: app\n  {snake}: 5\n".encode()
    assert any(lit in data for lit in source.LITERALS), snake


@pytest.mark.parametrize("snake", APP_SPELLINGS)
def test_prefilter_keeps_every_spelling_under_a_bare_db_block(snake: str) -> None:
    for key in _spellings(snake):
        parent = "pool" if normalize(snake) in POOL_BLOCK_ONLY else "db"
        data = f"db:\n  {parent}:\n    {key}: 5\n".encode() if parent == "pool" else f"db:\n  {key}: 5\n".encode()
        assert any(lit in data for lit in source.LITERALS), key


@pytest.mark.parametrize(
    "name",
    [
        "DB_POOL_SIZE", "DATABASE_MAX_CONNECTIONS", "DB_MAX_OPEN_CONNS", "PG_POOL_MAX", "CONN_MAX_AGE",
        "DB_POOL_PRE_PING", "DB_POOL_RECYCLE", "DB_ACQUIRE_TIMEOUT", "DB_CHECKOUT_TIMEOUT", "DB_MIN_IDLE",
        "DB_CONNECTION_LIMIT", "POOL_TIMEOUT", "MAX_OVERFLOW", "HIKARI_MAXIMUM_POOL_SIZE", "DB_MIN_CONNS",
        "SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE", "QUARKUS_DATASOURCE_JDBC_MAX_SIZE",
        "DATASOURCES_DEFAULT_MAXIMUM_POOL_SIZE", "SQLALCHEMY_MAX_OVERFLOW", "MYSQL_POOL_MAX_CONNECTIONS",
        "MAX_CONN", "MIN_CONN", "MAX_OPEN_CONNS", "ALCHEMY_POOL_SIZE", "DB_POOLING_MAX", "DEFAULT_POOL_SIZE",
        "PGBOUNCER_DEFAULT_POOL_SIZE", "PGBOUNCER_MIN_POOL_SIZE", "PGBOUNCER_RESERVE_POOL_SIZE",
        "QUARKUS_DATASOURCE_JDBC_IDLE_REMOVAL_INTERVAL",
    ],
)
def test_prefilter_keeps_every_pool_variable(name: str) -> None:
    assert classify_env_var(name) is not None
    assert any(lit in f"config:\n  {name}: 5\n".encode() for lit in source.LITERALS)


def test_prefilter_keeps_env_assignments_that_name_no_pool() -> None:
    # `RAILS_MAX_THREADS: 10` in compose resolves `ENV.fetch("RAILS_MAX_THREADS") { 5 }` elsewhere.
    for text in ("services:\n  web:\n    environment:\n      RAILS_MAX_THREADS: 10\n",
                 "kind: Deployment\nspec:\n  containers:\n    - env:\n        - {name: WORKERS, value: '3'}\n"):
        assert any(lit in text.encode() for lit in source.LITERALS)


# ---------------------------------------------------------------- benchmark recall/precision

_IGNORED_DIRS = {"node_modules", ".venv", "__pycache__", ".git"}


@pytest.mark.skipif(not BENCH.exists(), reason="benchmark generator not found")
def test_recall_and_precision_on_the_benchmark_tree(tmp_path: Path) -> None:
    out = tmp_path / "mono"
    subprocess.run([sys.executable, str(BENCH), "--services", "40", "--seed", "1", "--out", str(out)], check=True, capture_output=True)
    truth = [e for e in json.loads((out / ".truth.json").read_text()) if e["format"] == "yaml"]
    found: list[Setting] = []
    for folder, dirs, files in os.walk(out):
        dirs[:] = [d for d in dirs if d not in _IGNORED_DIRS]
        for name in files:
            if not name.endswith((".yml", ".yaml")) or name == ".env.local":
                continue
            path = Path(folder, name)
            rel = path.relative_to(out).as_posix()
            data = path.read_bytes()
            if not any(lit in data for lit in source.LITERALS):
                continue
            try:
                found.extend(source.extract(rel, data.decode("utf-8-sig")).settings)
            except SourceError as exc:
                assert "/templates/" in rel and "Helm template" in str(exc), (rel, exc)

    def expected(entry: dict[str, object]) -> object:
        value = entry["value"]
        return value / 1000 if entry.get("unit") == "ms" and isinstance(value, int) else value

    planted = Counter((e["path"], e["line"], expected(e)) for e in truth)
    reported = {(s.path, s.line, s.written) for s in found}
    assert truth, "the benchmark plants YAML settings"
    assert sorted(set(planted) - reported) == [], "recall"
    assert sorted({(s.path, s.line, s.written, s.key) for s in found if (s.path, s.line, s.written) not in planted}) == [], "precision"
    # Several settings on one planted line are Rails sections inheriting the anchor, nothing else.
    for s in found:
        if not any(e["path"] == s.path and e["line"] == s.line and e["key"] == s.key for e in truth):
            assert s.framework == "rails" and s.note == "inherited from default", s


def test_nested_merge_bomb_stays_linear() -> None:
    lines = [f"l0_{j}: &l0_{j} {{pool_size: {j}}}" for j in range(10)]
    for level in range(1, 12):
        for j in range(10):
            merged = ", ".join(f"*l{level - 1}_{k}" for k in range(10))
            lines.append(f"l{level}_{j}: &l{level}_{j} {{<<: [{merged}]}}")
    lines.append("database:\n  <<: *l11_0")
    found = source.extract("config/app.yaml", "\n".join(lines) + "\n").settings
    assert [(s.key, s.line, s.written) for s in found] == [("database.pool_size", 1, 0)]


# ------------------------------------------------------------------------- never crashes

_KEYS = st.sampled_from([
    "spring", "datasource", "hikari", "maximum-pool-size", "pool", "size", "database", "services",
    "environment", "env", "name", "value", "DB_POOL_SIZE", "kind", "containers", "data", "url",
    "quarkus", "jdbc", "max-size", "%prod", "production", "default", "redis", "pool_size",
    "datasources", "driverClass", "spring.datasource.hikari.maximum-pool-size", "<<", "openapi",
    "spring.config.activate.on-profile", "checkout_timeout", "configMapGenerator", "literals",
])
_VALUES = st.sampled_from([
    5, "5", "${X:5}", "${X:-5}", "${X}", "<%= ENV.fetch('A') { 3 } %>", "postgres://x/y?pool=4",
    "DB_POOL_SIZE=7", "prod", None, True, 3.5, "30s", "$(A)", "Deployment", "ConfigMap",
])
_DOCS = st.recursive(_VALUES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4), max_leaves=25)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=_DOCS,
    name=st.sampled_from(["config/app.yaml", "config/database.yml", "docker-compose.yml", "values-prod.yaml", "k8s/x.yaml"]),
    flow=st.sampled_from([False, True, None]),
    crlf=st.booleans(),
)
def test_any_document_yields_settings_whose_spans_are_their_text(
    doc: object, name: str, flow: bool | None, crlf: bool
) -> None:
    text = yaml.safe_dump(doc, default_flow_style=flow)
    if crlf:
        text = text.replace("\n", "\r\n")
    try:
        out = source.extract(name, text)
    except SourceError:
        return
    for s in out.settings:
        if s.provenance is Provenance.LIBRARY_DEFAULT:  # not written: only where it would go
            assert s.span is None
            assert s.insertion is None or 0 <= s.insertion.offset <= len(text)
            continue
        assert s.span is not None and text[s.span.start : s.span.end] == s.raw
        if s.origin is not None:
            bare = text[s.origin.span.start : s.origin.span.end]
            assert bare and bare == bare.strip() and "\n" not in bare


def test_server_images_do_not_hide_the_app_or_pgbouncer_next_to_them() -> None:
    """Beside a postgres container, the app's pool variables and PgBouncer's pool still count."""
    text = (
        "services:\n"
        "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_MAX_CONNECTIONS: \"200\"\n"
        "  pgbouncer:\n    image: bitnami/pgbouncer:1.22\n    environment:\n      PGBOUNCER_DEFAULT_POOL_SIZE: \"20\"\n"
        "  api:\n    image: registry.example.com/shop/api:1.4\n    environment:\n      DB_POOL_SIZE: \"5\"\n"
    )
    found = source.extract("docker-compose.yml", text)
    assert [(s.key, s.framework, s.value) for s in found.settings] == [
        ("services.pgbouncer.environment.PGBOUNCER_DEFAULT_POOL_SIZE", "pgbouncer", 20),
        ("services.api.environment.DB_POOL_SIZE", "compose", 5),
    ]
    # The server's variable still defines a value (for the resolver), it is just not a pool.
    assert "POSTGRES_MAX_CONNECTIONS" in {d.name for d in found.env}
