"""The pools a runner's processes open, with the values in force for that runner: its own
environment first, then what the audit resolved, then defaults written in place."""

from __future__ import annotations

import pytest

from poolaudit.capacity import pools
from poolaudit.capacity.records import Count, EnvValue, Runner
from poolaudit.model import Origin, Provenance, Setting, Span
from tests.capacity.conftest import policy


def s(
    canonical: str = "max_size", value: object = 10, *, path: str = "svc/app/db.py", line: int = 8, pool: str = "create_engine@6",
    framework: str = "sqlalchemy", kind: str = "python", key: str = "pool_size", environment: str = "any",
    provenance: Provenance = Provenance.LITERAL, written: object = None, env_var: str | None = None,
    env_file: str | None = None, origin: tuple[str, int] | None = None,
) -> Setting:  # fmt: skip
    where = origin or (path, line)
    return Setting(
        path=path, line=line, column=15, span=Span(0, 1), kind=kind, framework=framework, key=key, canonical=canonical,
        raw=str(value), value=value, provenance=provenance, written=value if written is None else written,
        origin=Origin(where[0], Span(0, 1), where[1], 1), env_var=env_var, env_file=env_file, environment=environment,
        service="svc", pool=pool,
    )  # fmt: skip


def runner(name: str = "Deployment/svc", **env: str) -> Runner:
    values = {k: EnvValue(k, v, "svc/deploy/production/deployment.yaml", 30 + i) for i, (k, v) in enumerate(env.items())}
    return Runner(name, "production", Count(2), Count(1), values)


def made(settings: list[Setting], run: Runner, environment: str = "production") -> list[tuple[object, ...]]:
    cat = pools.catalog(settings, policy())
    groups = pools.pool_settings(cat, "svc", environment)
    return [
        (p.name, p.size, p.size_from, p.overflow, p.overflow_from, p.term(), p.size_at)
        for p in pools.for_runner(cat, "svc", groups, run, 1)
    ]


ENV_SIZE = s(value=10, provenance=Provenance.ENV_DEFAULT, env_var="DB_POOL_SIZE", key="pool_size")
ENV_OVER = s("overflow", 5, line=9, key="max_overflow", provenance=Provenance.ENV_DEFAULT, env_var="DB_MAX_OVERFLOW")

CASES = [
    pytest.param(
        [s(), s("overflow", 5, line=9, key="max_overflow")], runner(),
        [("svc/app/db.py create_engine@6", 10, "pool_size (svc/app/db.py:8)", 5, "max_overflow (svc/app/db.py:9)",
          "(10+5)", ("svc/app/db.py", 8))],
        id="literals",
    ),
    pytest.param(
        [s()], runner(),
        [("svc/app/db.py create_engine@6", 10, "pool_size (svc/app/db.py:8)", 10, "SQLAlchemy default max_overflow 10",
          "(10+10)", ("svc/app/db.py", 8))],
        id="sqlalchemy-overflow-default-10",
    ),
    pytest.param(
        [s(framework="spring", kind="yaml", key="spring.datasource.hikari.maximum-pool-size", pool="spring.datasource.hikari")],
        runner(),
        [("svc/app/db.py spring.datasource.hikari", 10, "maximum-pool-size (svc/app/db.py:8)", 0, "", "10", ("svc/app/db.py", 8))],
        id="hikari-has-no-overflow",
    ),
    pytest.param(
        [ENV_SIZE, ENV_OVER], runner(DB_POOL_SIZE="5", DB_MAX_OVERFLOW="2"),
        [("svc/app/db.py create_engine@6", 5, "DB_POOL_SIZE=5 (svc/deploy/production/deployment.yaml:30)", 2,
          "DB_MAX_OVERFLOW=2 (svc/deploy/production/deployment.yaml:31)", "(5+2)",
          ("svc/deploy/production/deployment.yaml", 30))],
        id="the-runner-sets-the-variables",
    ),
    pytest.param(
        [ENV_SIZE, ENV_OVER], runner(),
        [("svc/app/db.py create_engine@6", 10, "default of DB_POOL_SIZE (svc/app/db.py:8)", 5,
          "default of DB_MAX_OVERFLOW (svc/app/db.py:9)", "(10+5)", ("svc/app/db.py", 8))],
        id="unset-variables-take-the-default-written-in-place",
    ),
    pytest.param(
        [s(value=4, written=10, provenance=Provenance.ENV_FILE, env_var="DB_POOL_SIZE", env_file="svc/.env.production",
           origin=("svc/.env.production", 3))], runner(),
        [("svc/app/db.py create_engine@6", 4, "DB_POOL_SIZE=4 (svc/.env.production:3)", 10, "SQLAlchemy default max_overflow 10",
          "(4+10)", ("svc/.env.production", 3))],
        id="value-from-an-env-file-as-the-audit-resolved-it",
    ),
    pytest.param(
        [s(value=30, written=10, provenance=Provenance.ENV_FILE, env_var="DB_POOL_SIZE", env_file="svc/docker-compose.yml",
           origin=("svc/docker-compose.yml", 9))], runner(),
        [("svc/app/db.py create_engine@6", 10, "default of DB_POOL_SIZE (svc/app/db.py:8)", 10,
          "SQLAlchemy default max_overflow 10", "(10+10)", ("svc/app/db.py", 8))],
        id="set-by-another-runners-manifest-this-one-runs-the-default",
    ),
    pytest.param(
        [s(value=0)], runner(),
        [("svc/app/db.py create_engine@6", None, "pool_size (svc/app/db.py:8): 0 means no limit", 10,
          "SQLAlchemy default max_overflow 10", "?", ("svc/app/db.py", 8))],
        id="pool_size-0-is-unlimited",
    ),
    pytest.param([s(), s("pool_class", False, line=10, key="poolclass")], runner(), [], id="NullPool-opens-no-pool"),
    pytest.param([s(environment="test")], runner(), [], id="test-settings-not-counted"),
    pytest.param(
        [s(value=10), s(value=20, path="svc/config/prod.py", environment="production")], runner(),
        [("svc/config/prod.py create_engine@6", 20, "pool_size (svc/config/prod.py:8)", 10,
          "SQLAlchemy default max_overflow 10", "(20+10)", ("svc/config/prod.py", 8))],
        id="production-file-overrides-the-base-pool",
    ),
    pytest.param(
        [s(value=10), s(value=20, path="svc/config/prod.py", environment="production")], runner(),
        [("svc/app/db.py create_engine@6", 10, "pool_size (svc/app/db.py:8)", 10, "SQLAlchemy default max_overflow 10",
          "(10+10)", ("svc/app/db.py", 8))],
        id="staging-keeps-the-base-pool",
    ),
    pytest.param(
        [s(framework="k8s", kind="yaml", key="spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value",
           path="svc/deploy/production/deployment.yaml", line=30, environment="production", pool="Deployment/svc")],
        runner(DB_POOL_SIZE="8"),
        [("Deployment/svc DB_POOL_SIZE", 8, "DB_POOL_SIZE=8 (svc/deploy/production/deployment.yaml:30)", 0, "", "8",
          ("svc/deploy/production/deployment.yaml", 30))],
        id="a-variable-no-code-reads-is-the-runners-pool",
    ),
    pytest.param(
        [s(framework="env", kind="env", key="pool_max_conns", path="svc/.env", line=2, pool="DATABASE_URL")],
        runner(DATABASE_URL="postgres://app@db/app?sslmode=disable&pool_max_conns=12"),
        [("Deployment/svc DATABASE_URL", 12, "pool_max_conns=12 in DATABASE_URL (svc/deploy/production/deployment.yaml:30)", 0,
          "", "12", ("svc/deploy/production/deployment.yaml", 30))],
        id="pool-parameter-in-the-runners-database-url",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "run", "expected"), CASES)
def test_pools_for_a_runner(settings: list[Setting], run: Runner, expected: list[tuple[object, ...]], request: pytest.FixtureRequest) -> None:
    environment = "staging" if "staging" in request.node.callspec.id else "production"
    assert made(settings, run, environment) == expected


def test_rails_default_anchor_counts_once_in_each_environment() -> None:
    anchor = dict(path="svc/config/database.yml", framework="rails", kind="yaml", line=14)
    settings = [
        s(value=5, key="default.pool", pool="default", **anchor),  # type: ignore[arg-type]
        s(value=5, key="production.pool", pool="production", environment="production", **anchor),  # type: ignore[arg-type]
    ]
    assert [(name, size) for name, size, *_ in made(settings, runner())] == [("svc/config/database.yml production", 5)]
