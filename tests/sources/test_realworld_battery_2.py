"""A second battery of whole projects written the way public ones ship their configs, audited
end to end: Django (Saleor, Zulip, PostHog, Sentry self-hosted, Paperless-ngx, Healthchecks,
Weblate), Flask/SQLAlchemy (Redash, CKAN), async Python (Litestar-fullstack dataclass settings,
pydantic-settings with a prefix, Tortoise, asyncpg, psycopg_pool), Rails (Forem, Solidus,
Diaspora), JVM (Camunda, Apereo CAS, Spring Cloud `bootstrap.yml`, a ConfigMap carrying
`application.yaml`, native Hibernate with HikariCP and c3p0), and deployments (Supabase's
Supavisor and PostgREST, PgBouncer in Sentry's and Airflow's charts and as a sidecar, a Bitnami
subchart's server `max_connections`, Mattermost's env).

Each project's rows are the complete list: a row too many is a false positive (thread, task,
Redis, HTTP, LDAP and Celery pools, worker counts, server limits, commented lines sit beside the
real settings), a row missing is a miss.  Below them, one test per general form this battery
found missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import _realworld2_deploy, _realworld2_jvm, _realworld2_python, _realworld2_rails
from .test_realworld_battery import (
    ENV_DEFAULT,
    ENV_FILE,
    LIBRARY_DEFAULT,
    LITERAL,
    UNRESOLVED,
    Row,
    _found,
    _rows,
    _write,
)

PROJECTS: dict[str, dict[str, str]] = {
    **_realworld2_python.PROJECTS,
    **_realworld2_rails.PROJECTS,
    **_realworld2_jvm.PROJECTS,
    **_realworld2_deploy.PROJECTS,
}

# (path, line, column, key, canonical, written, value, provenance, environment, framework)
EXPECTED: dict[str, list[Row]] = {
    "saleor": [
        ('saleor/settings.py', 46, 22, 'conn_max_age', 'recycle', 600, 600, ENV_DEFAULT, 'any', 'django'),
        ('saleor/settings.py', 53, 22, 'conn_max_age', 'recycle', 600, 600, ENV_DEFAULT, 'any', 'django'),
    ],
    "zulip": [
        ('zproject/computed_settings.py', 31, 25, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 600, 600, LITERAL, 'any', 'django'),
    ],
    "posthog": [
        ('posthog/settings/data_stores.py', 30, 87, 'conn_max_age', 'recycle', 0, 0, LITERAL, 'any', 'django'),
        ('posthog/settings/data_stores.py', 44, 29, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 0, 0, LITERAL, 'any', 'django'),
    ],
    "sentry-self-hosted": [
        ('docker-compose.yml', 48, 26, 'services.pgbouncer.environment.DEFAULT_POOL_SIZE', 'max_size', 50, 50, LITERAL, 'any', 'pgbouncer'),
    ],
    "paperless": [
        ('docker/compose/docker-compose.env', 14, 23, 'PAPERLESS_DB_POOLSIZE', 'max_size', 8, 8, LITERAL, 'any', 'env'),
        ('src/paperless/settings.py', 103, 41, 'OPTIONS.pool.min_size', 'min_idle', 1, 1, LITERAL, 'any', 'django'),
        ('src/paperless/settings.py', 104, 41, 'OPTIONS.pool.max_size', 'max_size', None, 8, ENV_FILE, 'any', 'django'),
    ],
    "healthchecks": [
        ('docker/.env', 3, 17, 'DB_CONN_MAX_AGE', 'recycle', 0, 0, LITERAL, 'any', 'env'),
        ('hc/settings.py', 57, 29, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 0, 0, ENV_FILE, 'any', 'django'),
        ('hc/settings.py', 58, 35, 'DATABASES.default.CONN_HEALTH_CHECKS', 'pre_ping', True, True, LITERAL, 'any', 'django'),
        ('hc/settings.py', 72, 29, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 0, 0, ENV_FILE, 'any', 'django'),
        ('hc/settings.py', 73, 35, 'DATABASES.default.CONN_HEALTH_CHECKS', 'pre_ping', True, True, LITERAL, 'any', 'django'),
    ],
    "weblate": [
        ('weblate/settings_docker.py', 49, 25, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 0, 0, ENV_DEFAULT, 'any', 'django'),
    ],
    "redash": [
        ('compose.yaml', 16, 29, 'services.server.environment.SQLALCHEMY_POOL_SIZE', 'max_size', 12, 12, LITERAL, 'any', 'compose'),
        ('compose.yaml', 17, 32, 'services.server.environment.SQLALCHEMY_MAX_OVERFLOW', 'overflow', 6, 6, LITERAL, 'any', 'compose'),
        ('redash/settings/__init__.py', 33, 27, 'SQLALCHEMY_MAX_OVERFLOW', 'overflow', None, 6, ENV_FILE, 'any', 'flask-sqlalchemy'),
        ('redash/settings/__init__.py', 34, 24, 'SQLALCHEMY_POOL_SIZE', 'max_size', None, 12, ENV_FILE, 'any', 'flask-sqlalchemy'),
    ],
    "ckan": [
        ('ckan.ini', 31, 28, 'sqlalchemy.pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'sqlalchemy'),
        ('ckan.ini', 34, 24, 'sqlalchemy.pool_size', 'max_size', 15, 15, LITERAL, 'any', 'sqlalchemy'),
        ('ckan.ini', 35, 27, 'sqlalchemy.max_overflow', 'overflow', 25, 25, LITERAL, 'any', 'sqlalchemy'),
        ('ckan.ini', 39, 39, 'ckan.datastore.sqlalchemy.pool_size', 'max_size', 10, 10, LITERAL, 'any', 'sqlalchemy'),
        ('ckan.ini', 40, 42, 'ckan.datastore.sqlalchemy.max_overflow', 'overflow', 20, 20, LITERAL, 'any', 'sqlalchemy'),
    ],
    "litestar-fullstack": [
        ('.env.example', 13, 28, 'DATABASE_POOL_MAX_OVERFLOW', 'overflow', 5, 5, LITERAL, 'any', 'env'),
        ('.env.example', 14, 20, 'DATABASE_POOL_SIZE', 'max_size', 5, 5, LITERAL, 'any', 'env'),
        ('.env.example', 15, 23, 'DATABASE_POOL_TIMEOUT', 'acquire_timeout', 30, 30, LITERAL, 'any', 'env'),
        ('src/app/config/base.py', 39, 60, 'POOL_MAX_OVERFLOW', 'overflow', 10, 10, ENV_DEFAULT, 'any', 'app-config'),
        ('src/app/config/base.py', 41, 52, 'POOL_SIZE', 'max_size', 5, 5, ENV_DEFAULT, 'any', 'app-config'),
        ('src/app/config/base.py', 43, 55, 'POOL_TIMEOUT', 'acquire_timeout', 30, 30, ENV_DEFAULT, 'any', 'app-config'),
        ('src/app/config/base.py', 45, 55, 'POOL_RECYCLE', 'recycle', 300, 300, ENV_DEFAULT, 'any', 'app-config'),
        ('src/app/config/base.py', 66, 30, 'max_overflow', 'overflow', 10, 10, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 67, 27, 'pool_size', 'max_size', 5, 5, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 68, 30, 'pool_timeout', 'acquire_timeout', 30, 30, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 69, 30, 'pool_recycle', 'recycle', 300, 300, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 70, 31, 'pool_pre_ping', 'pre_ping', None, None, UNRESOLVED, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 75, 22, 'pool_size', 'max_size', 5, 5, LIBRARY_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 80, 30, 'pool_recycle', 'recycle', 300, 300, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('src/app/config/base.py', 81, 31, 'pool_pre_ping', 'pre_ping', None, None, UNRESOLVED, 'any', 'sqlalchemy'),
    ],
    "async-services": [
        ('.env', 2, 14, 'DB_POOL_SIZE', 'max_size', 30, 30, LITERAL, 'any', 'env'),
        ('svc/db.py', 8, 15, 'pool_size', 'max_size', 20, 20, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('svc/db.py', 9, 18, 'max_overflow', 'overflow', 10, 10, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('svc/db.py', 10, 18, 'pool_timeout', 'acquire_timeout', 30.0, 30.0, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('svc/db.py', 11, 18, 'pool_recycle', 'recycle', 1800, 1800, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('svc/db.py', 12, 19, 'pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'sqlalchemy'),
        ('svc/pg.py', 19, 18, 'min_size', 'min_idle', 2, 2, ENV_DEFAULT, 'any', 'asyncpg'),
        ('svc/pg.py', 20, 18, 'max_size', 'max_size', 10, 10, ENV_DEFAULT, 'any', 'asyncpg'),
        ('svc/pg.py', 21, 42, 'max_inactive_connection_lifetime', 'idle_timeout', 300.0, 300.0, LITERAL, 'any', 'asyncpg'),
        ('svc/pg.py', 26, 18, 'min_size', 'min_idle', 4, 4, LITERAL, 'any', 'psycopg_pool'),
        ('svc/pg.py', 27, 18, 'max_size', 'max_size', 16, 16, LITERAL, 'any', 'psycopg_pool'),
        ('svc/pg.py', 28, 17, 'timeout', 'acquire_timeout', 30.0, 30.0, LITERAL, 'any', 'psycopg_pool'),
        ('svc/pg.py', 29, 18, 'max_idle', 'idle_timeout', 600.0, 600.0, LITERAL, 'any', 'psycopg_pool'),
        ('svc/pg.py', 30, 22, 'max_lifetime', 'recycle', 3600.0, 3600.0, LITERAL, 'any', 'psycopg_pool'),
        ('svc/settings.py', 10, 22, 'pool_size', 'max_size', 20, 20, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('svc/settings.py', 11, 25, 'max_overflow', 'overflow', 10, 10, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('svc/settings.py', 12, 27, 'pool_timeout', 'acquire_timeout', 30.0, 30.0, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('svc/settings.py', 13, 25, 'pool_recycle', 'recycle', 1800, 1800, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('svc/tortoise_conf.py', 13, 28, 'credentials.minsize', 'min_idle', 1, 1, LITERAL, 'any', 'tortoise'),
        ('svc/tortoise_conf.py', 14, 28, 'credentials.maxsize', 'max_size', 10, 10, LITERAL, 'any', 'tortoise'),
    ],
    "forem": [
        ('.env.production', 3, 20, 'DATABASE_POOL_SIZE', 'max_size', 12, 12, LITERAL, 'production', 'env'),
        ('config/database.yml', 16, 9, 'default.pool', 'max_size', 5, 12, ENV_FILE, 'any', 'rails'),
        ('config/database.yml', 16, 9, 'development.pool', 'max_size', 5, 5, ENV_DEFAULT, 'development', 'rails'),
        ('config/database.yml', 16, 9, 'production.pool', 'max_size', 5, 12, ENV_FILE, 'production', 'rails'),
        ('config/database.yml', 16, 9, 'test.pool', 'max_size', 5, 5, ENV_DEFAULT, 'test', 'rails'),
        ('config/database.yml', 18, 21, 'default.checkout_timeout', 'acquire_timeout', 5, 5, ENV_DEFAULT, 'any', 'rails'),
        ('config/database.yml', 18, 21, 'development.checkout_timeout', 'acquire_timeout', 5, 5, ENV_DEFAULT, 'development', 'rails'),
        ('config/database.yml', 18, 21, 'production.checkout_timeout', 'acquire_timeout', 5, 5, ENV_DEFAULT, 'production', 'rails'),
        ('config/database.yml', 18, 21, 'test.checkout_timeout', 'acquire_timeout', 5, 5, ENV_DEFAULT, 'test', 'rails'),
    ],
    "solidus-sandbox": [
        ('config/database.yml', 10, 9, 'development.pool', 'max_size', 5, 5, LITERAL, 'development', 'rails'),
        ('config/database.yml', 16, 9, 'development.pool', 'max_size', 5, 5, ENV_DEFAULT, 'development', 'rails'),
    ],
    "diaspora": [
        ('config/database.yml', 36, 9, 'combined.pool', 'max_size', 5, 5, ENV_DEFAULT, 'any', 'rails'),
        ('config/database.yml', 36, 9, 'development.pool', 'max_size', 5, 5, ENV_DEFAULT, 'development', 'rails'),
        ('config/database.yml', 36, 9, 'integration1.pool', 'max_size', 5, 5, ENV_DEFAULT, 'any', 'rails'),
        ('config/database.yml', 36, 9, 'production.pool', 'max_size', 5, 5, ENV_DEFAULT, 'production', 'rails'),
        ('config/database.yml', 36, 9, 'test.pool', 'max_size', 5, 5, ENV_DEFAULT, 'test', 'rails'),
    ],
    "camunda": [
        ('src/main/resources/application.yaml', 23, 24, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 20, 20, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yaml', 24, 19, 'spring.datasource.hikari.minimum-idle', 'min_idle', 5, 5, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yaml', 25, 25, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 20, 20, LITERAL, 'any', 'spring'),
    ],
    "apereo-cas": [
        ('etc/cas/config/cas.properties', 11, 39, 'cas.ticket.registry.jpa.pool.max-size', 'max_size', 18, 18, LITERAL, 'any', 'app-config'),
        ('etc/cas/config/cas.properties', 12, 39, 'cas.ticket.registry.jpa.pool.min-size', 'min_idle', 6, 6, LITERAL, 'any', 'app-config'),
        ('etc/cas/config/cas.properties', 13, 39, 'cas.ticket.registry.jpa.pool.max-wait', 'acquire_timeout', 2, 2, LITERAL, 'any', 'app-config'),
        ('etc/cas/config/cas.properties', 18, 39, 'cas.authn.jdbc.query[0].pool.max-size', 'max_size', 12, 12, LITERAL, 'any', 'app-config'),
    ],
    "spring-cloud-client": [
        ('k8s/configmap.yaml', 13, 30, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 25, 25, LITERAL, 'any', 'spring'),
        ('k8s/configmap.yaml', 14, 31, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 10, 10, LITERAL, 'any', 'spring'),
        ('k8s/deployment.yaml', 14, 22, 'spec.template.spec.containers[0].env[name=ORDERS_DB_POOL_MAX].value', 'max_size', 30, 30, LITERAL, 'any', 'k8s'),
        ('src/main/resources/bootstrap.yml', 11, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 15, 30, ENV_FILE, 'any', 'spring'),
        ('src/main/resources/bootstrap.yml', 12, 21, 'spring.datasource.hikari.minimum-idle', 'min_idle', 3, 3, ENV_DEFAULT, 'any', 'spring'),
        ('src/main/resources/bootstrap.yml', 13, 21, 'spring.datasource.hikari.max-lifetime', 'recycle', 1800, 1800, LITERAL, 'any', 'spring'),
    ],
    "hibernate-native": [
        ('src/main/resources/c3p0/hibernate.properties', 2, 25, 'hibernate.c3p0.min_size', 'min_idle', 5, 5, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/c3p0/hibernate.properties', 3, 25, 'hibernate.c3p0.max_size', 'max_size', 20, 20, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/c3p0/hibernate.properties', 4, 24, 'hibernate.c3p0.timeout', 'idle_timeout', 300, 300, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/hibernate.properties', 4, 30, 'hibernate.hikari.minimumIdle', 'min_idle', 5, 5, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/hibernate.properties', 5, 34, 'hibernate.hikari.maximumPoolSize', 'max_size', 20, 20, LITERAL, 'any', 'hibernate'),
        ('src/main/resources/hibernate.properties', 6, 30, 'hibernate.hikari.idleTimeout', 'idle_timeout', 30, 30, LITERAL, 'any', 'hibernate'),
        ('src/test/resources/hibernate.properties', 2, 32, 'hibernate.connection.pool_size', 'max_size', 2, 2, LITERAL, 'test', 'hibernate'),
    ],
    "supabase": [
        ('docker/.env.example', 23, 26, 'POOLER_DEFAULT_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'any', 'pgbouncer'),
        ('docker/.env.example', 26, 21, 'POOLER_DB_POOL_SIZE', 'max_size', 5, 5, LITERAL, 'any', 'env'),
        ('docker/docker-compose.yml', 25, 22, 'services.rest.environment.PGRST_DB_POOL', 'max_size', 10, 10, LITERAL, 'any', 'compose'),
        ('docker/docker-compose.yml', 26, 42, 'services.rest.environment.PGRST_DB_POOL_ACQUISITION_TIMEOUT', 'acquire_timeout', 10, 10, LITERAL, 'any', 'compose'),
        ('docker/docker-compose.yml', 77, 33, 'services.supavisor.environment.POOLER_DEFAULT_POOL_SIZE', 'max_size', None, None, UNRESOLVED, 'any', 'pgbouncer'),
        ('docker/docker-compose.yml', 80, 21, 'services.supavisor.environment.DB_POOL_SIZE', 'max_size', None, None, UNRESOLVED, 'any', 'compose'),
    ],
    "helm-pgbouncer": [
        ('charts/airflow/values.yaml', 10, 21, 'pgbouncer.metadataPoolSize', 'max_size', 10, 10, LITERAL, 'any', 'pgbouncer'),
        ('charts/airflow/values.yaml', 11, 26, 'pgbouncer.resultBackendPoolSize', 'max_size', 5, 5, LITERAL, 'any', 'pgbouncer'),
        ('charts/app/values.yaml', 4, 17, 'env.DB_POOL_SIZE', 'max_size', 10, 10, LITERAL, 'any', 'helm'),
        ('k8s/sidecar.yaml', 16, 22, 'spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value', 'max_size', 8, 8, LITERAL, 'any', 'k8s'),
        ('k8s/sidecar.yaml', 25, 22, 'spec.template.spec.containers[1].env[name=PGBOUNCER_DEFAULT_POOL_SIZE].value', 'max_size', 20, 20, LITERAL, 'any', 'pgbouncer'),
    ],
    "mattermost": [
        ('docker/.env', 3, 29, 'MM_SQLSETTINGS_MAXOPENCONNS', 'max_size', 100, 100, LITERAL, 'any', 'env'),
    ],
}


def test_every_project_has_its_expectations() -> None:
    assert sorted(PROJECTS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in EXPECTED])
def test_project_settings_are_exactly_these(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    _write(root, PROJECTS[name])
    assert _rows(root) == EXPECTED[name]


# ------------------------------------------------------------- general forms the battery found

ENV_HELPERS = [  # a project's own function reading a variable with a default
    pytest.param('def envint(s, default):\n    return int(os.getenv(s, default))\n\n'
                 'CONN = {"CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "60")}\n', "DB_CONN_MAX_AGE", 60, id="envint"),
    pytest.param('from app.settings.utils import get_from_env\n\n'
                 'DB_POOL_SIZE = get_from_env("DB_POOL_SIZE", 20, type_cast=int)\n'
                 'engine = create_engine(URL, pool_size=DB_POOL_SIZE)\n', "DB_POOL_SIZE", 20, id="imported-get-from-env"),
    pytest.param('def __get_int(key, default):\n    """An integer from the environment."""\n'
                 '    return int(os.getenv(key, default))\n\n'
                 'engine = create_engine(URL, pool_size=__get_int("APP_POOL", 7))\n', "APP_POOL", 7,
                 id="module-wrapper-without-env-in-its-name"),
    pytest.param('def read(key, fallback):\n    return int(os.environ.get(key, fallback))\n\n'
                 'engine = create_engine(URL, pool_size=read("APP_POOL", fallback=9))\n', "APP_POOL", 9,
                 id="wrapper-default-by-keyword"),
]


@pytest.mark.parametrize(("body", "env_var", "written"), ENV_HELPERS)
def test_env_helper_functions(body: str, env_var: str, written: int) -> None:
    from poolaudit.sources import python

    text = "import os\nfrom sqlalchemy import create_engine\n\n" + body
    found = python.extract("app/settings.py", text).settings
    assert [(s.env_var, s.written, s.provenance) for s in found] == [(env_var, written, ENV_DEFAULT)]


def test_a_wrapper_that_does_not_read_its_parameter_is_not_an_env_lookup() -> None:
    from poolaudit.sources import python

    text = ("import os\nfrom sqlalchemy import create_engine\n\ndef pick(name, default):\n"
            "    return LIMITS.get(name, default)\n\nengine = create_engine(URL, pool_size=pick(\"APP_POOL\", 7))\n")
    [found] = python.extract("app/db.py", text).settings
    assert (found.env_var, found.provenance) == (None, UNRESOLVED)


DATACLASS = '''\
import os
from dataclasses import dataclass, field
from sqlalchemy.ext.asyncio import create_async_engine


@dataclass
class DatabaseSettings:
    URL: str = field(default_factory=lambda: os.getenv("DATABASE_URL", "sqlite+aiosqlite:///db.sqlite3"))
    POOL_SIZE: int = field(default_factory=lambda: int(os.getenv("DATABASE_POOL_SIZE", "5")))
    MAX_OVERFLOW: int = field(default=10)

    def engine(self):
        return create_async_engine(self.URL, pool_size=self.POOL_SIZE, max_overflow=self.MAX_OVERFLOW)


class Overridden:
    POOL_SIZE = 5

    def __init__(self, size):
        self.POOL_SIZE = size

    def engine(self):
        return create_async_engine(URL, pool_size=self.POOL_SIZE)
'''


def test_dataclass_default_factories_and_self_attributes() -> None:
    """`field(default_factory=lambda: ...)` is the field's default; `self.X` in a method reads the
    class's value unless a method assigns `self.X`; a SQLite default of a URL read from the
    environment does not make the engine SQLite's (the deployment sets the URL)."""
    from poolaudit.sources import python

    found = python.extract("app/config.py", DATACLASS).settings
    assert [(s.line, s.key, s.written, s.provenance, s.env_var) for s in found] == [
        (9, "POOL_SIZE", 5, ENV_DEFAULT, "DATABASE_POOL_SIZE"),
        (10, "MAX_OVERFLOW", 10, LITERAL, None),
        (13, "pool_size", 5, ENV_DEFAULT, "DATABASE_POOL_SIZE"),
        (13, "max_overflow", 10, LITERAL, None),
        (23, "pool_size", None, UNRESOLVED, None),
    ]


def test_a_qualified_name_picks_the_symbol_of_its_class(tmp_path: Path) -> None:
    """`settings.database.pool_size` when HttpSettings has a `pool_size` too."""
    _write(tmp_path, {
        "pyproject.toml": '[project]\nname = "svc"\n',
        "svc/settings.py": ("from pydantic import BaseModel\n\nclass DatabaseSettings(BaseModel):\n    pool_size: int = 20\n\n"
                            "class HttpSettings(BaseModel):\n    pool_size: int = 100\n"),
        "svc/db.py": ("from sqlalchemy import create_engine\nfrom svc.config import settings\n\n"
                      "engine = create_engine(URL, pool_size=settings.database.pool_size)\n"
                      "other = create_engine(URL, pool_size=settings.pool_size)\n"),
    })  # fmt: skip
    code = [(r[0], r[1], r[6], r[7]) for r in _rows(tmp_path) if r[0] == "svc/db.py"]
    assert code == [("svc/db.py", 4, 20, LITERAL), ("svc/db.py", 5, None, UNRESOLVED)]


DJANGO_POOL_APART = [
    pytest.param('options.update({"pool": {"min_size": 2, "max_size": 8}})\n',
                 [("OPTIONS.pool.min_size", 2), ("OPTIONS.pool.max_size", 8)], id="update-with-a-pool-dict"),
    pytest.param('options = {"sslmode": "prefer", "pool": True}\n', [("OPTIONS.pool", 4)], id="pool-true"),
    pytest.param('POOL = {"pool": {"max_workers": 4}}\n', [], id="not-psycopg-keywords"),
]


@pytest.mark.parametrize(("line", "expected"), DJANGO_POOL_APART)
def test_django_pool_options_built_apart_from_databases(line: str, expected: list[tuple[str, object]]) -> None:
    from poolaudit.sources import python

    text = 'ENGINE = "django.db.backends.postgresql"\noptions = {}\n' + line
    assert [(s.key, s.value) for s in python.extract("app/settings.py", text).settings] == expected


def test_a_pool_dict_needs_a_django_postgres_settings_module() -> None:
    from poolaudit.sources import python

    text = 'options = {"pool": {"min_size": 2, "max_size": 8}}\n'
    assert python.extract("app/workers.py", text).settings == []


ENV_NAMES = [
    pytest.param("PAPERLESS_DB_POOLSIZE=8\n", [("PAPERLESS_DB_POOLSIZE", 1, "max_size", 8)], id="poolsize-one-word"),
    pytest.param("PGRST_DB_POOL=10\nPGRST_DB_POOL_ACQUISITION_TIMEOUT=10\n",
                 [("PGRST_DB_POOL", 1, "max_size", 10), ("PGRST_DB_POOL_ACQUISITION_TIMEOUT", 2, "acquire_timeout", 10)],
                 id="postgrest"),
    pytest.param("POOLER_DEFAULT_POOL_SIZE=20\nSUPAVISOR_RESERVE_POOL_SIZE=2\nPOOLER_MAX_CLIENT_CONN=100\n",
                 [("POOLER_DEFAULT_POOL_SIZE", 1, "max_size", 20), ("SUPAVISOR_RESERVE_POOL_SIZE", 2, "overflow", 2)],
                 id="pooler-images"),
    pytest.param("MM_SQLSETTINGS_MAXOPENCONNS=100\nMM_SQLSETTINGS_MAXIDLECONNS=20\nMM_SERVICESETTINGS_MAXCONNECTIONS=9\n"
                 "APP_DBCONFIG_POOLSIZE=12\n",
                 [("MM_SQLSETTINGS_MAXOPENCONNS", 1, "max_size", 100), ("APP_DBCONFIG_POOLSIZE", 4, "max_size", 12)],
                 id="glued-json-sections"),
    pytest.param("REDIS_POOLSIZE=50\nHTTP_POOLSIZE=10\nWORKER_POOLSIZE=4\n", [], id="poolsize-look-alikes"),
]


@pytest.mark.parametrize(("text", "expected"), ENV_NAMES)
def test_env_names(text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("env", ".env", text) == expected


POOLER_VALUES = [
    pytest.param("pgbouncer:\n  maxClientConn: 100\n  poolSize: 10\n  metadataPoolSize: 10\n  resultBackendPoolSize: 5\n",
                 [("pgbouncer.poolSize", 3, "max_size", 10, "pgbouncer"),
                  ("pgbouncer.metadataPoolSize", 4, "max_size", 10, "pgbouncer"),
                  ("pgbouncer.resultBackendPoolSize", 5, "max_size", 5, "pgbouncer")], id="pgbouncer-block"),
    pytest.param("api:\n  metadataPoolSize: 10\npgbouncer:\n  postgres:\n    cp_max: 10\n  maxConnections: 300\n",
                 [], id="look-alikes"),
    pytest.param("pgbouncer:\n  enabled: false\n  poolSize: 10\n  metadataPoolSize: 10\n", [], id="disabled"),
]


@pytest.mark.parametrize(("text", "expected"), POOLER_VALUES)
def test_a_poolers_block_in_helm_values(text: str, expected: list[tuple[str, int, str, object, str]]) -> None:
    from poolaudit.sources import yaml

    found = yaml.extract("chart/values.yaml", text).settings
    assert [(s.key, s.line, s.canonical, s.written, s.framework) for s in found] == expected


JPA_POOLS = [
    pytest.param("cas.ticket.registry.jpa.pool.max-size=18\ncas.ticket.registry.jpa.pool.max-wait=PT2S\n"
                 "cas.ticket.registry.jpa.pool.min-size=6\n",
                 [("cas.ticket.registry.jpa.pool.max-size", 1, "max_size", 18),
                  ("cas.ticket.registry.jpa.pool.max-wait", 2, "acquire_timeout", 2),
                  ("cas.ticket.registry.jpa.pool.min-size", 3, "min_idle", 6)], id="cas-jpa"),
    pytest.param("app.jdbc.pool.max-wait=2000\n", [("app.jdbc.pool.max-wait", 1, "acquire_timeout", 2)], id="max-wait-ms"),
    pytest.param("cas.authn.ldap[0].max-pool-size=10\ncas.authn.ldap[0].min-pool-size=3\napp.db.max-wait=5\n"
                 "app.http.pool.max-wait=5\n", [], id="look-alikes"),
]


@pytest.mark.parametrize(("text", "expected"), JPA_POOLS)
def test_jpa_pools_and_max_wait(text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("properties", "src/main/resources/cas.properties", text) == expected
