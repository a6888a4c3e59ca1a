"""Whole projects written the way public ones write their configs (Mastodon, Discourse, GitLab,
PetClinic, JHipster, Quarkus, Micronaut, Keycloak, Superset, Airflow, the full-stack FastAPI
template, Flask, Django/cookiecutter/NetBox, Gitea, Grafana, Outline/n8n/Ghost/Directus env files,
Helm charts, Kubernetes and kustomize, Flux/Argo custom resources), audited end to end: every pool
setting at its place with its value and environment, and nothing for the look-alikes beside them
(thread/HTTP/Redis/Sidekiq/Celery pools, worker counts, server `max_connections`, commented-out
lines, templates, `.conf` files no source reads).

Each project's rows are the complete list of settings: a row too many is a false positive, a row
missing is a miss.  Below them, one test per general form that the battery found missing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import policy as policy_mod
from poolaudit.audit import audit
from poolaudit.model import Provenance

from . import (
    _realworld_env,
    _realworld_gitops,
    _realworld_jvm,
    _realworld_mixed,
    _realworld_python,
    _realworld_rails,
    _realworld_services,
)

LITERAL, ENV_DEFAULT, ENV_FILE = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.ENV_FILE
LIBRARY_DEFAULT, UNRESOLVED = Provenance.LIBRARY_DEFAULT, Provenance.UNRESOLVED

PROJECTS: dict[str, dict[str, str]] = {
    **_realworld_rails.PROJECTS,
    **_realworld_jvm.PROJECTS,
    **_realworld_python.PROJECTS,
    **_realworld_services.PROJECTS,
    **_realworld_mixed.PROJECTS,
    **_realworld_env.PROJECTS,
    **_realworld_gitops.PROJECTS,
}

Row = tuple[str, int, int, str, str, object, object, Provenance, str, str]

# (path, line, column, key, canonical, written, value, provenance, environment, framework)
EXPECTED: dict[str, list[Row]] = {
    "mastodon": [
        ('.env.production', 8, 9, 'DB_POOL', 'max_size', 30, 30, LITERAL, 'production', 'env'),
        ('.env.production.sample', 25, 9, 'DB_POOL', 'max_size', 25, 25, LITERAL, 'production', 'env'),
        ('config/database.yml', 3, 9, 'default.pool', 'max_size', 5, 30, ENV_FILE, 'any', 'rails'),
        ('config/database.yml', 3, 9, 'development.pool', 'max_size', 5, 25, ENV_FILE, 'development', 'rails'),
        ('config/database.yml', 3, 9, 'production.pool', 'max_size', 5, 30, ENV_FILE, 'production', 'rails'),
        ('config/database.yml', 3, 9, 'test.pool', 'max_size', 5, 25, ENV_FILE, 'test', 'rails'),
        ('docker-compose.yml', 50, 17, 'services.sidekiq.environment.DB_POOL', 'max_size', 25, 25, LITERAL, 'any', 'compose'),
    ],
    "discourse": [
        ('config/database.yml', 23, 9, 'test.pool', 'max_size', 1, 1, LITERAL, 'test', 'rails'),
        ('config/database.yml', 34, 9, 'profile.pool', 'max_size', 5, 5, LITERAL, 'any', 'rails'),
    ],
    "gitlab": [
        ('config/database.yml', 21, 11, 'production.main.pool', 'max_size', 20, 20, LITERAL, 'production', 'rails'),
        ('config/database.yml', 30, 11, 'production.ci.pool', 'max_size', 10, 10, LITERAL, 'production', 'rails'),
        ('config/database.yml', 67, 11, 'staging.main.pool', 'max_size', 8, 8, LITERAL, 'staging', 'rails'),
    ],
    "petclinic": [
        ('k8s/petclinic.yml', 37, 22, 'spec.template.spec.containers[0].env[name=SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE].value', 'max_size', 15, 15, LITERAL, 'any', 'k8s'),
        ('src/main/resources/application-postgres.properties', 5, 44, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 12, 12, ENV_DEFAULT, 'any', 'spring'),
        ('src/main/resources/application-postgres.properties', 6, 45, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 20, 20, LITERAL, 'any', 'spring'),
    ],
    "jhipster": [
        ('src/main/docker/app.yml', 12, 52, 'services.app.environment.SPRING_DATASOURCE_HIKARI_MAXIMUM_POOL_SIZE', 'max_size', 30, 30, LITERAL, 'any', 'compose'),
        ('src/main/resources/config/application-dev.yml', 21, 5, 'spring.datasource.hikari.maximumPoolSize', 'max_size', 10, 10, LIBRARY_DEFAULT, 'development', 'spring'),
        ('src/main/resources/config/application-prod.yml', 26, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 20, 20, LITERAL, 'production', 'spring'),
        ('src/test/resources/config/application.yml', 8, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 1, 1, LITERAL, 'test', 'spring'),
    ],
    "quarkus": [
        ('src/main/kubernetes/kubernetes.yml', 14, 22, 'spec.template.spec.containers[0].env[name=QUARKUS_DATASOURCE_JDBC_MAX_SIZE].value', 'max_size', 24, 24, LITERAL, 'any', 'k8s'),
        ('src/main/resources/application.properties', 7, 34, 'quarkus.datasource.jdbc.max-size', 'max_size', 8, 8, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 8, 34, 'quarkus.datasource.jdbc.min-size', 'min_idle', 2, 2, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 9, 40, '%prod.quarkus.datasource.jdbc.max-size', 'max_size', 32, 32, ENV_DEFAULT, 'production', 'quarkus'),
        ('src/main/resources/application.properties', 10, 51, '%prod.quarkus.datasource.jdbc.acquisition-timeout', 'acquire_timeout', 10, 10, LITERAL, 'production', 'quarkus'),
        ('src/main/resources/application.properties', 11, 43, '%staging.quarkus.datasource.jdbc.max-size', 'max_size', 16, 16, LITERAL, 'staging', 'quarkus'),
        ('src/main/resources/application.properties', 13, 40, '%test.quarkus.datasource.jdbc.max-size', 'max_size', 2, 2, LITERAL, 'test', 'quarkus'),
        ('src/main/resources/application.properties', 17, 38, 'quarkus.datasource.reactive.max-size', 'max_size', 20, 20, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 19, 42, 'quarkus.datasource."users".jdbc.max-size', 'max_size', 12, 12, LITERAL, 'any', 'quarkus'),
        ('src/main/resources/application.properties', 32, 31, 'quarkus.mongodb.max-pool-size', 'max_size', 30, 30, LITERAL, 'any', 'app-config'),
    ],
    "micronaut": [
        ('src/main/resources/application-prod.yml', 3, 24, 'datasources.default.maximum-pool-size', 'max_size', 40, 40, LITERAL, 'production', 'micronaut'),
        ('src/main/resources/application.yml', 21, 24, 'datasources.default.maximum-pool-size', 'max_size', 10, 10, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 22, 19, 'datasources.default.minimum-idle', 'min_idle', 2, 2, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 23, 25, 'datasources.default.connection-timeout', 'acquire_timeout', 30, 30, LITERAL, 'any', 'micronaut'),
        ('src/main/resources/application.yml', 26, 22, 'datasources.warehouse.maximumPoolSize', 'max_size', 4, 4, ENV_DEFAULT, 'any', 'micronaut'),
    ],
    "keycloak": [
        ('docker-compose.yml', 17, 28, 'services.keycloak.environment.KC_DB_POOL_MIN_SIZE', 'min_idle', 5, 5, LITERAL, 'any', 'compose'),
        ('docker-compose.yml', 18, 28, 'services.keycloak.environment.KC_DB_POOL_MAX_SIZE', 'max_size', 50, 50, LITERAL, 'any', 'compose'),
        ('k8s/keycloak.yaml', 17, 18, 'spec.db.poolMinSize', 'min_idle', 5, 5, LITERAL, 'any', 'k8s'),
        ('k8s/keycloak.yaml', 18, 18, 'spec.db.poolMaxSize', 'max_size', 30, 30, LITERAL, 'any', 'k8s'),
    ],
    "superset": [
        ('docker/.env', 8, 23, 'SUPERSET_DB_POOL_SIZE', 'max_size', 15, 15, LITERAL, 'any', 'env'),
        ('docker/pythonpath_dev/superset_config.py', 30, 18, 'SQLALCHEMY_ENGINE_OPTIONS.pool_size', 'max_size', 10, 15, ENV_FILE, 'development', 'flask-sqlalchemy'),
        ('docker/pythonpath_dev/superset_config.py', 31, 21, 'SQLALCHEMY_ENGINE_OPTIONS.max_overflow', 'overflow', 20, 20, LITERAL, 'development', 'flask-sqlalchemy'),
        ('docker/pythonpath_dev/superset_config.py', 32, 21, 'SQLALCHEMY_ENGINE_OPTIONS.pool_recycle', 'recycle', 3600, 3600, LITERAL, 'development', 'flask-sqlalchemy'),
        ('docker/pythonpath_dev/superset_config.py', 33, 22, 'SQLALCHEMY_ENGINE_OPTIONS.pool_pre_ping', 'pre_ping', True, True, LITERAL, 'development', 'flask-sqlalchemy'),
    ],
    "airflow": [
        ('airflow.cfg', 31, 25, 'database.sql_alchemy_pool_size', 'max_size', 5, 5, LITERAL, 'any', 'app-config'),
        ('airflow.cfg', 36, 28, 'database.sql_alchemy_max_overflow', 'overflow', 10, 10, LITERAL, 'any', 'app-config'),
        ('airflow.cfg', 42, 28, 'database.sql_alchemy_pool_recycle', 'recycle', 1800, 1800, LITERAL, 'any', 'app-config'),
        ('airflow.cfg', 45, 29, 'database.sql_alchemy_pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'app-config'),
        ('chart/values.yaml', 8, 12, 'env[name=AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE].value', 'max_size', 10, 10, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 17, 28, 'config.database.sql_alchemy_pool_size', 'max_size', 8, 8, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 18, 31, 'config.database.sql_alchemy_max_overflow', 'overflow', 16, 16, LITERAL, 'any', 'helm'),
        ('docker-compose.yaml', 9, 47, 'services.airflow-scheduler.environment.AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'any', 'compose'),
        ('docker-compose.yaml', 9, 47, 'services.airflow-webserver.environment.AIRFLOW__DATABASE__SQL_ALCHEMY_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'any', 'compose'),
        ('docker-compose.yaml', 10, 50, 'services.airflow-scheduler.environment.AIRFLOW__DATABASE__SQL_ALCHEMY_MAX_OVERFLOW', 'overflow', 30, 30, ENV_DEFAULT, 'any', 'compose'),
        ('docker-compose.yaml', 10, 50, 'services.airflow-webserver.environment.AIRFLOW__DATABASE__SQL_ALCHEMY_MAX_OVERFLOW', 'overflow', 30, 30, ENV_DEFAULT, 'any', 'compose'),
    ],
    "fastapi-template": [
        ('.env', 15, 11, 'POOL_SIZE', 'max_size', 25, 25, LITERAL, 'any', 'env'),
        ('backend/app/core/config.py', 52, 22, 'POOL_SIZE', 'max_size', 10, 25, ENV_FILE, 'any', 'pydantic-settings'),
        ('backend/app/core/config.py', 53, 25, 'MAX_OVERFLOW', 'overflow', 20, 20, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('backend/app/core/config.py', 54, 25, 'POOL_TIMEOUT', 'acquire_timeout', 30, 30, ENV_DEFAULT, 'any', 'pydantic-settings'),
        ('backend/app/core/db.py', 7, 15, 'pool_size', 'max_size', 10, 25, ENV_FILE, 'any', 'sqlalchemy'),
        ('backend/app/core/db.py', 8, 18, 'max_overflow', 'overflow', 20, 20, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('backend/app/core/db.py', 9, 18, 'pool_timeout', 'acquire_timeout', 30, 30, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('backend/app/core/db.py', 10, 19, 'pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'sqlalchemy'),
    ],
    "flask-config": [
        ('config.py', 12, 51, 'SQLALCHEMY_ENGINE_OPTIONS.pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'flask-sqlalchemy'),
        ('config.py', 12, 73, 'SQLALCHEMY_ENGINE_OPTIONS.pool_recycle', 'recycle', 300, 300, LITERAL, 'any', 'flask-sqlalchemy'),
        ('config.py', 36, 22, 'SQLALCHEMY_ENGINE_OPTIONS.pool_size', 'max_size', 10, 10, ENV_DEFAULT, 'production', 'flask-sqlalchemy'),
        ('config.py', 37, 25, 'SQLALCHEMY_ENGINE_OPTIONS.max_overflow', 'overflow', 5, 5, LITERAL, 'production', 'flask-sqlalchemy'),
        ('config.py', 38, 25, 'SQLALCHEMY_ENGINE_OPTIONS.pool_timeout', 'acquire_timeout', 10, 10, LITERAL, 'production', 'flask-sqlalchemy'),
    ],
    "django": [
        ('cookie/config/settings/production.py', 7, 40, 'DATABASES.default.CONN_MAX_AGE', 'recycle', 60, 60, ENV_DEFAULT, 'production', 'django'),
        ('mysite/settings.py', 18, 22, 'conn_max_age', 'recycle', 600, 600, LITERAL, 'any', 'django'),
        ('mysite/settings.py', 19, 28, 'conn_health_checks', 'pre_ping', True, True, LITERAL, 'any', 'django'),
        ('netbox/configuration.py', 10, 21, 'CONN_MAX_AGE', 'recycle', 300, 300, LITERAL, 'any', 'django'),
    ],
    "gitea": [
        ('custom/conf/app.ini', 20, 18, 'database.MAX_OPEN_CONNS', 'max_size', 50, 50, LITERAL, 'any', 'app-config'),
        ('custom/conf/app.ini', 22, 21, 'database.CONN_MAX_LIFETIME', 'recycle', 3, 3, LITERAL, 'any', 'app-config'),
        ('docker-compose.yml', 19, 41, 'services.server.environment.GITEA__database__MAX_OPEN_CONNS', 'max_size', 40, 40, LITERAL, 'any', 'compose'),
    ],
    "grafana": [
        ('conf/defaults.ini', 29, 17, 'database.max_open_conn', 'max_size', 0, 0, LITERAL, 'any', 'app-config'),
        ('conf/defaults.ini', 32, 21, 'database.conn_max_lifetime', 'recycle', 14400, 14400, LITERAL, 'any', 'app-config'),
        ('docker-compose.yaml', 7, 34, 'services.grafana.environment.GF_DATABASE_MAX_OPEN_CONN', 'max_size', 50, 50, LITERAL, 'any', 'compose'),
        ('docker-compose.yaml', 9, 38, 'services.grafana.environment.GF_DATABASE_CONN_MAX_LIFETIME', 'recycle', 14400, 14400, LITERAL, 'any', 'compose'),
    ],
    "env-apps": [
        ('.env', 3, 30, 'DATABASE_CONNECTION_POOL_MIN', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('.env', 4, 30, 'DATABASE_CONNECTION_POOL_MAX', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('deploy/directus.env', 3, 14, 'DB_POOL__MIN', 'min_idle', 0, 0, LITERAL, 'any', 'env'),
        ('deploy/directus.env', 4, 14, 'DB_POOL__MAX', 'max_size', 10, 10, LITERAL, 'any', 'env'),
        ('deploy/ghost.env', 3, 21, 'database__pool__min', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('deploy/ghost.env', 4, 21, 'database__pool__max', 'max_size', 20, 20, LITERAL, 'any', 'env'),
        ('deploy/hasura.env', 2, 31, 'HASURA_GRAPHQL_PG_CONNECTIONS', 'max_size', 50, 50, LITERAL, 'any', 'env'),
        ('deploy/metabase.env', 3, 44, 'MB_APPLICATION_DB_MAX_CONNECTION_POOL_SIZE', 'max_size', 15, 15, LITERAL, 'any', 'env'),
        ('deploy/metabase.env', 4, 49, 'MB_JDBC_DATA_WAREHOUSE_MAX_CONNECTION_POOL_SIZE', 'max_size', 30, 30, LITERAL, 'any', 'env'),
        ('deploy/mongo.env', 1, 103, 'maxPoolSize', 'max_size', 50, 50, LITERAL, 'any', 'env'),
        ('deploy/mongo.env', 1, 118, 'minPoolSize', 'min_idle', 5, 5, LITERAL, 'any', 'env'),
        ('deploy/n8n.env', 3, 25, 'DB_POSTGRESDB_POOL_SIZE', 'max_size', 4, 4, LITERAL, 'any', 'env'),
        ('deploy/prisma.env', 1, 98, 'connection_limit', 'max_size', 5, 5, LITERAL, 'any', 'env'),
        ('deploy/prisma.env', 1, 113, 'pool_timeout', 'acquire_timeout', 10, 10, LITERAL, 'any', 'env'),
        ('deploy/strapi.env', 4, 19, 'DATABASE_POOL_MIN', 'min_idle', 2, 2, LITERAL, 'any', 'env'),
        ('deploy/strapi.env', 5, 19, 'DATABASE_POOL_MAX', 'max_size', 10, 10, LITERAL, 'any', 'env'),
    ],
    "helm-k8s": [
        ('chart/values-production.yaml', 3, 17, 'env.DB_POOL_SIZE', 'max_size', 40, 40, LITERAL, 'production', 'helm'),
        ('chart/values.yaml', 6, 17, 'env.DB_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 7, 20, 'env.DB_POOL_TIMEOUT', 'acquire_timeout', 30, 30, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 12, 12, 'extraEnvVars[name=DB_MAX_OVERFLOW].value', 'overflow', 10, 10, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 15, 13, 'app.config.dbPool', 'max_size', 12, 12, LITERAL, 'any', 'helm'),
        ('chart/values.yaml', 48, 20, 'pgbouncer.defaultPoolSize', 'max_size', 25, 25, LITERAL, 'any', 'pgbouncer'),
        ('k8s/base/configmap.yaml', 6, 20, 'data.DB_MAX_OVERFLOW', 'overflow', 10, 10, LITERAL, 'any', 'k8s'),
        ('k8s/base/configmap.yaml', 8, 28, 'data.SQLALCHEMY_POOL_RECYCLE', 'recycle', 1800, 1800, LITERAL, 'any', 'k8s'),
        ('k8s/base/deployment.yaml', 20, 22, 'spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value', 'max_size', 20, 20, LITERAL, 'any', 'k8s'),
        ('k8s/base/deployment.yaml', 22, 22, 'spec.template.spec.containers[0].env[name=DB_POOL_TIMEOUT].value', 'acquire_timeout', 30, 30, LITERAL, 'any', 'k8s'),
        ('k8s/overlays/production/kustomization.yaml', 9, 22, 'configMapGenerator[0].literals.DB_POOL_SIZE', 'max_size', 40, 40, LITERAL, 'production', 'k8s'),
        ('k8s/pgbouncer.yaml', 14, 26, 'spec.pgbouncer.parameters.default_pool_size', 'max_size', 10, 10, LITERAL, 'any', 'pgbouncer'),
    ],
    "rails-chatwoot": [
        ('config/database.yml', 8, 9, 'default.pool', 'max_size', None, None, UNRESOLVED, 'any', 'rails'),
        ('config/database.yml', 8, 9, 'development.pool', 'max_size', None, None, UNRESOLVED, 'development', 'rails'),
        ('config/database.yml', 8, 9, 'production.pool', 'max_size', None, None, UNRESOLVED, 'production', 'rails'),
        ('config/database.yml', 8, 9, 'test.pool', 'max_size', None, None, UNRESOLVED, 'test', 'rails'),
    ],
    "python-misc": [
        ('app/asyncdb.py', 5, 52, 'min_size', 'min_idle', 5, 5, LITERAL, 'any', 'asyncpg'),
        ('app/asyncdb.py', 5, 64, 'max_size', 'max_size', 20, 20, LITERAL, 'any', 'asyncpg'),
        ('app/asyncdb.py', 7, 73, 'min_size', 'min_idle', 2, 2, LITERAL, 'any', 'psycopg_pool'),
        ('app/asyncdb.py', 7, 85, 'max_size', 'max_size', 10, 10, LITERAL, 'any', 'psycopg_pool'),
        ('app/celeryconfig.py', 5, 41, 'database_engine_options.pool_size', 'max_size', 4, 4, LITERAL, 'any', 'sqlalchemy'),
        ('app/celeryconfig.py', 5, 60, 'database_engine_options.pool_recycle', 'recycle', 3600, 3600, LITERAL, 'any', 'sqlalchemy'),
        ('app/db.py', 14, 15, 'pool_size', 'max_size', 5, 5, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('app/db.py', 15, 18, 'max_overflow', 'overflow', 10, 10, ENV_DEFAULT, 'any', 'sqlalchemy'),
        ('app/db.py', 16, 18, 'pool_recycle', 'recycle', 1800, 1800, LITERAL, 'any', 'sqlalchemy'),
        ('app/db.py', 18, 58, 'poolclass', 'pool_class', False, False, LITERAL, 'any', 'sqlalchemy'),
        ('pgbouncer/pgbouncer.ini', 2, 46, 'databases.app.pool_size', 'max_size', 40, 40, LITERAL, 'any', 'pgbouncer'),
        ('pgbouncer/pgbouncer.ini', 2, 67, 'databases.app.reserve_pool_size', 'overflow', 5, 5, LITERAL, 'any', 'pgbouncer'),
        ('pgbouncer/pgbouncer.ini', 12, 21, 'pgbouncer.default_pool_size', 'max_size', 20, 20, LITERAL, 'any', 'pgbouncer'),
        ('pgbouncer/pgbouncer.ini', 13, 17, 'pgbouncer.min_pool_size', 'min_idle', 5, 5, LITERAL, 'any', 'pgbouncer'),
        ('pgbouncer/pgbouncer.ini', 14, 21, 'pgbouncer.reserve_pool_size', 'overflow', 5, 5, LITERAL, 'any', 'pgbouncer'),
        ('production.ini', 14, 24, 'sqlalchemy.pool_size', 'max_size', 20, 20, LITERAL, 'production', 'sqlalchemy'),
        ('production.ini', 15, 27, 'sqlalchemy.max_overflow', 'overflow', 10, 10, LITERAL, 'production', 'sqlalchemy'),
        ('production.ini', 16, 27, 'sqlalchemy.pool_recycle', 'recycle', 3600, 3600, LITERAL, 'production', 'sqlalchemy'),
        ('pyproject.toml', 13, 13, 'tool.myapp.database.pool_size', 'max_size', 15, 15, LITERAL, 'any', 'app-config'),
        ('pyproject.toml', 14, 16, 'tool.myapp.database.max_overflow', 'overflow', 5, 5, LITERAL, 'any', 'app-config'),
        ('pyproject.toml', 15, 17, 'tool.myapp.database.pool_pre_ping', 'pre_ping', True, True, LITERAL, 'any', 'app-config'),
    ],
    "rust-go": [
        ('Rocket.toml', 8, 19, 'default.databases.sqlx.min_connections', 'min_idle', 2, 2, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 9, 19, 'default.databases.sqlx.max_connections', 'max_size', 32, 32, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 10, 19, 'default.databases.sqlx.connect_timeout', 'acquire_timeout', 5, 5, LITERAL, 'any', 'rocket'),
        ('Rocket.toml', 13, 19, 'release.databases.sqlx.max_connections', 'max_size', 64, 64, LITERAL, 'production', 'rocket'),
        ('Rocket.toml', 16, 19, 'debug.databases.sqlx.max_connections', 'max_size', 4, 4, LITERAL, 'development', 'rocket'),
        ('config/default.toml', 7, 19, 'database.max_connections', 'max_size', 20, 20, LITERAL, 'any', 'app-config'),
        ('config/default.toml', 8, 19, 'database.min_connections', 'min_idle', 2, 2, LITERAL, 'any', 'app-config'),
        ('config/default.toml', 9, 19, 'database.acquire_timeout', 'acquire_timeout', 5, 5, LITERAL, 'any', 'app-config'),
        ('config/default.toml', 10, 16, 'database.idle_timeout', 'idle_timeout', 600, 600, LITERAL, 'any', 'app-config'),
        ('config/production.yaml', 6, 19, 'database.max_open_conns', 'max_size', 50, 50, LITERAL, 'production', 'app-config'),
        ('config/production.yaml', 8, 22, 'database.conn_max_lifetime', 'recycle', 1800, 1800, LITERAL, 'production', 'app-config'),
        ('config/production.yaml', 9, 23, 'database.conn_max_idle_time', 'idle_timeout', 300, 300, LITERAL, 'production', 'app-config'),
        ('dropwizard/config.yml', 13, 25, 'database.maxWaitForConnection', 'acquire_timeout', 1, 1, LITERAL, 'any', 'dropwizard'),
        ('dropwizard/config.yml', 15, 12, 'database.minSize', 'min_idle', 8, 8, LITERAL, 'any', 'dropwizard'),
        ('dropwizard/config.yml', 16, 12, 'database.maxSize', 'max_size', 32, 32, ENV_DEFAULT, 'any', 'dropwizard'),
        ('dropwizard/config.yml', 19, 16, 'database.minIdleTime', 'idle_timeout', 60, 60, LITERAL, 'any', 'dropwizard'),
    ],
    "spring-multidoc": [
        ('src/main/resources/application-staging.properties', 1, 42, 'spring.datasource.hikari.maximumPoolSize', 'max_size', 20, 20, LITERAL, 'staging', 'spring'),
        ('src/main/resources/application-staging.properties', 3, 37, 'spring.datasource.tomcat.max-active', 'max_size', 50, 50, LITERAL, 'staging', 'spring'),
        ('src/main/resources/application-staging.properties', 4, 28, 'spring.r2dbc.pool.max-size', 'max_size', 12, 12, LITERAL, 'staging', 'spring'),
        ('src/main/resources/application.yml', 7, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 10, 10, ENV_DEFAULT, 'any', 'spring'),
        ('src/main/resources/application.yml', 8, 21, 'spring.datasource.hikari.minimum-idle', 'min_idle', 2, 2, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yml', 9, 27, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 30, 30, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yml', 10, 21, 'spring.datasource.hikari.max-lifetime', 'recycle', 1800, 1800, LITERAL, 'any', 'spring'),
        ('src/main/resources/application.yml', 37, 26, 'spring.datasource.hikari.maximum-pool-size', 'max_size', 40, 40, LITERAL, 'production', 'spring'),
        ('src/main/resources/application.yml', 38, 27, 'spring.datasource.hikari.connection-timeout', 'acquire_timeout', 10, 10, LITERAL, 'production', 'spring'),
    ],
    "env-lookalikes": [
        ('.env.production', 32, 9, 'DB_POOL', 'max_size', 12, 12, LITERAL, 'production', 'env'),
        ('.env.production', 33, 20, 'DATABASE_POOL_SIZE', 'max_size', 20, 20, LITERAL, 'production', 'env'),
        ('.env.production', 34, 13, 'PG_POOL_MAX', 'max_size', 30, 30, LITERAL, 'production', 'env'),
        ('.env.production', 35, 25, 'SQLALCHEMY_POOL_RECYCLE', 'recycle', 1800, 1800, LITERAL, 'production', 'env'),
        ('.env.production', 38, 24, 'DB_MAX_OVERFLOW', 'overflow', 5, 5, LITERAL, 'production', 'env'),
        ('.env.production', 39, 17, 'DB_POOL_TIMEOUT', 'acquire_timeout', 10, 10, LITERAL, 'production', 'env'),
    ],
    "gitops": [
        ('apps/argo/app.yaml', 15, 25, 'spec.source.helm.valuesObject.env.DB_POOL_SIZE', 'max_size', 25, 25, LITERAL, 'any', 'helm'),
        ('apps/keycloak/keycloak.yaml', 11, 18, 'spec.db.poolMinSize', 'min_idle', 5, 5, LITERAL, 'any', 'k8s'),
        ('apps/keycloak/keycloak.yaml', 12, 18, 'spec.db.poolMaxSize', 'max_size', 30, 30, LITERAL, 'any', 'k8s'),
        ('apps/outline/helmrelease.yaml', 27, 45, 'spec.values.controllers.outline.containers.app.env.DATABASE_CONNECTION_POOL_MAX', 'max_size', 20, 20, LITERAL, 'any', 'helm'),
    ],
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def _rows(root: Path) -> list[Row]:
    result = audit([root], policy_mod.load(None, root))
    return sorted(
        (
            (s.path, s.line, s.column, s.key, s.canonical, s.written, s.value, s.provenance, s.environment,
             s.framework)
            for s in result.settings
        ),
        key=lambda r: (r[0], r[1], r[2], r[3]),
    )  # fmt: skip


def test_every_project_has_its_expectations() -> None:
    assert sorted(PROJECTS) == sorted(EXPECTED)


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in EXPECTED])
def test_project_settings_are_exactly_these(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    _write(root, PROJECTS[name])
    assert _rows(root) == EXPECTED[name]


# ------------------------------------------------------------- general forms the battery found

def _found(kind: str, path: str, text: str) -> list[tuple[str, int, str, object]]:
    from poolaudit import sources

    source = sources.get(kind)
    assert not source.LITERALS or any(lit in text.encode() for lit in source.LITERALS), "prefiltered out"
    return [(s.key, s.line, s.canonical, s.written) for s in source.extract(path, text).settings]


GO_SQL = [  # Go database/sql as apps spell its knobs (Gitea, Grafana, Go services' configs)
    pytest.param(
        "ini", "custom/conf/app.ini", "APP_NAME = Gitea\nRUN_MODE = prod\n\n[database]\nMAX_OPEN_CONNS = 50\n"
        "CONN_MAX_LIFETIME = 3s\n[queue]\nMAX_WORKERS = 10\n",
        [("database.MAX_OPEN_CONNS", 5, "max_size", 50), ("database.CONN_MAX_LIFETIME", 6, "recycle", 3)],
        id="go-ini-keys-before-the-first-section",
    ),
    pytest.param(
        "ini", "conf/grafana.ini", "[database]\nmax_idle_conn = 2\nmax_open_conn = 40\nconn_max_lifetime = 14400\n"
        ";max_open_conn = 99\n[dataproxy]\nmax_idle_connections = 100\nmax_conns_per_host = 0\n",
        [("database.max_open_conn", 3, "max_size", 40), ("database.conn_max_lifetime", 4, "recycle", 14400)],
        id="grafana-singular-conn",
    ),
    pytest.param(
        "ini", "app.ini", "[database]\nmax_connections = 20\nidle_timeout = 60\n",
        [("database.max_connections", 2, "max_size", 20), ("database.idle_timeout", 3, "idle_timeout", 60)],
        id="ini-database-section-without-the-word-pool",
    ),
    pytest.param(
        "yaml", "config/production.yaml", "database:\n  max_open_conns: 50\n  max_idle_conns: 10\n"
        "  conn_max_lifetime: 30m\n  conn_max_idle_time: 5m\ncache:\n  redis:\n    conn_max_lifetime: 1h\n",
        [("database.max_open_conns", 2, "max_size", 50), ("database.conn_max_lifetime", 4, "recycle", 1800),
         ("database.conn_max_idle_time", 5, "idle_timeout", 300)],
        id="yaml-go-durations",
    ),
    pytest.param(
        "toml", "config/default.toml", "[database]\nidle_timeout = 600\n[redis]\nidle_timeout = 5\n",
        [("database.idle_timeout", 2, "idle_timeout", 600)],
        id="toml-idle-timeout",
    ),
    pytest.param(
        "env", ".env", "GF_DATABASE_CONN_MAX_LIFETIME=14400\nDB_CONN_MAX_IDLE_TIME=300\nDB_POOL_MAX_CONN_LIFETIME=1h\n"
        "REDIS_CONN_MAX_LIFETIME=60\n",
        [("GF_DATABASE_CONN_MAX_LIFETIME", 1, "recycle", 14400), ("DB_CONN_MAX_IDLE_TIME", 2, "idle_timeout", 300),
         ("DB_POOL_MAX_CONN_LIFETIME", 3, "recycle", 3600)],
        id="env-go-lifetimes",
    ),
]


@pytest.mark.parametrize(("kind", "path", "text", "expected"), GO_SQL)
def test_go_database_sql_spellings(kind: str, path: str, text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found(kind, path, text) == expected


NESTED_ENV = [  # `__` nests: Directus, Ghost (nconf), GITEA__section__KEY, pydantic, ASP.NET
    pytest.param("DB_POOL__MAX=10\n", [("DB_POOL__MAX", 1, "max_size", 10)], id="directus"),
    pytest.param("database__pool__max=20\ndatabase__pool__min=2\n",
                 [("database__pool__max", 1, "max_size", 20), ("database__pool__min", 2, "min_idle", 2)], id="ghost"),
    pytest.param("GITEA__database__MAX_OPEN_CONNS=40\n", [("GITEA__database__MAX_OPEN_CONNS", 1, "max_size", 40)],
                 id="gitea"),
    pytest.param("REDIS__POOL__MAX=10\nCACHE__POOL__MAX=10\n", [], id="not-a-database"),
]


@pytest.mark.parametrize(("text", "expected"), NESTED_ENV)
def test_env_names_nested_with_double_underscores(text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("env", ".env", text) == expected


SERVER_LIMITS = [  # a server's max_connections as database images name it: no client pool
    pytest.param("env", ".env", "POSTGRES_MAX_CONNECTIONS=200\nMYSQL_MAX_CONNECTIONS=151\n"
                 "POSTGRESQL_MAX_CONNECTIONS=300\nMARIADB_MAX_CONNECTIONS=100\n", id="env-file"),
    pytest.param("yaml", "chart/values.yaml", "postgresql:\n  primary:\n    extraEnvVars:\n"
                 "      - name: DB_POOL_SIZE\n        value: \"300\"\n", id="helm-server-subchart-env-list"),
    pytest.param("yaml", "chart/values.yaml", "mysql:\n  env:\n    DB_MAX_CONNECTIONS: 500\n",
                 id="helm-server-subchart-env-map"),
    pytest.param("yaml", "k8s/cluster.yaml", "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: pg\n"
                 "spec:\n  postgresql:\n    parameters:\n      max_connections: \"200\"\n", id="operator-server-parameters"),
]


@pytest.mark.parametrize(("kind", "path", "text"), SERVER_LIMITS)
def test_server_limits_are_not_pool_settings(kind: str, path: str, text: str) -> None:
    assert _found(kind, path, text) == []


def test_a_client_variable_naming_the_server_is_still_a_pool() -> None:
    text = "DB_MAX_CONNECTIONS=20\nPG_MAX_CONNECTIONS=10\nPOSTGRES_POOL_SIZE=5\n"
    assert [key for key, *_ in _found("env", ".env", text)] == [
        "DB_MAX_CONNECTIONS", "PG_MAX_CONNECTIONS", "POSTGRES_POOL_SIZE",
    ]


CAMEL_VALUES = [  # Helm values keys carrying their own database word
    pytest.param("app:\n  config:\n    dbPool: 12\n", [("app.config.dbPool", 3, "max_size", 12)], id="dbPool"),
    pytest.param("api:\n  databaseMaxConnections: 30\n  maxDbConnections: 31\n  dbMaxOverflow: 5\n",
                 [("api.databaseMaxConnections", 2, "max_size", 30), ("api.maxDbConnections", 3, "max_size", 31),
                  ("api.dbMaxOverflow", 4, "overflow", 5)], id="max-connections"),
    pytest.param("api:\n  httpPoolSize: 100\n  redisPoolSize: 50\n  metadataPoolSize: 10\n"
                 "  workerPoolSize: 8\n  maxClientConn: 1000\n", [], id="look-alikes"),
]


@pytest.mark.parametrize(("text", "expected"), CAMEL_VALUES)
def test_camel_case_values_keys(text: str, expected: list[tuple[str, int, str, object]]) -> None:
    assert _found("yaml", "chart/values.yaml", text) == expected


CUSTOM_RESOURCES = [
    pytest.param(
        "apiVersion: k8s.keycloak.org/v2alpha1\nkind: Keycloak\nmetadata:\n  name: kc\nspec:\n  instances: 3\n"
        "  db:\n    vendor: postgres\n    poolMinSize: 5\n    poolMaxSize: 30\n",
        [("spec.db.poolMinSize", 9, "min_idle", 5, "k8s"), ("spec.db.poolMaxSize", 10, "max_size", 30, "k8s")],
        id="operator-spec",
    ),
    pytest.param(
        "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: api\nspec:\n  values:\n"
        "    env:\n      DB_POOL_SIZE: \"25\"\n      WEB_CONCURRENCY: \"4\"\n",
        [("spec.values.env.DB_POOL_SIZE", 8, "max_size", 25, "helm")],
        id="flux-helmrelease-values",
    ),
    pytest.param(
        "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: api\n          image: api:1\n          env:\n"
        "            - name: DB_POOL_SIZE\n              value: \"20\"\n",
        [("spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value", 13, "max_size", 20, "k8s")],
        id="custom-workload-read-once",
    ),
    pytest.param(
        "apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: k8s\nspec:\n  replicas: 2\n"
        "  retention: 15d\n",
        [],
        id="unrelated-operator",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CUSTOM_RESOURCES)
def test_custom_resources(text: str, expected: list[tuple[str, int, str, object, str]]) -> None:
    from poolaudit.sources import yaml

    found = yaml.extract("deploy/resource.yaml", text).settings
    assert [(s.key, s.line, s.canonical, s.written, s.framework) for s in found] == expected


def test_an_enclosing_folders_env_file_resolves_a_sub_services_placeholder(tmp_path: Path) -> None:
    """A repository's root `.env` (pydantic `env_file="../.env"`, compose `env_file: .env` with
    `build: ./backend`) deploys the service in `backend/`; its own env file would win."""
    _write(tmp_path, {
        ".env": "POOL_SIZE=25\nDB_MAX_OVERFLOW=7\n",
        "deploy/.env": "DB_MAX_OVERFLOW=99\n",  # a sibling folder, not above backend/
        "backend/pyproject.toml": '[project]\nname = "app"\n',
        "backend/app/db.py": (
            "import os\nfrom sqlalchemy import create_engine\n"
            'engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("POOL_SIZE", "10")),\n'
            '                       max_overflow=int(os.getenv("DB_MAX_OVERFLOW", "5")))\n'
        ),
        "worker/pyproject.toml": '[project]\nname = "worker"\n',
        "worker/.env": "POOL_SIZE=3\n",
        "worker/db.py": (
            "import os\nfrom sqlalchemy import create_engine\n"
            'engine = create_engine(os.environ["DATABASE_URL"], pool_size=int(os.getenv("POOL_SIZE", "10")))\n'
        ),
    })  # fmt: skip
    result = audit([tmp_path], policy_mod.load(None, tmp_path))
    code = sorted((s.path, s.key, s.value, s.env_file) for s in result.settings if s.path.endswith(".py"))
    assert code == [
        ("backend/app/db.py", "max_overflow", 7, ".env"),
        ("backend/app/db.py", "pool_size", 25, ".env"),
        ("worker/db.py", "pool_size", 3, "worker/.env"),
    ]


APP_SNAKE = [
    "pool_size", "max_size", "max_pool_size", "pool_max", "pool_max_size", "max_connections", "max_conns",
    "max_open_conns", "max_open_conn", "max_overflow", "pool_max_overflow", "overflow", "min_size",
    "min_pool_size", "pool_min", "pool_min_size", "min_connections", "min_conns", "min_idle", "pool_timeout",
    "acquire_timeout", "pool_recycle", "pool_pre_ping", "conn_max_lifetime", "conn_max_idle_time",
    "max_conn_lifetime", "max_conn_idle_time", "connection_lifetime",
    "idle_timeout",
]


def test_the_catalogue_is_spelled_here() -> None:
    from poolaudit.catalog import APP, POOL_BLOCK_ONLY, normalize

    # "poolprepping" is a misspelling in the catalogue that no one writes.
    assert set(APP) - POOL_BLOCK_ONLY - {"pool", "poolprepping"} <= {normalize(s) for s in APP_SNAKE}


@pytest.mark.parametrize("snake", APP_SNAKE)
@pytest.mark.parametrize("kind", ["ini", "toml"])
def test_prefilter_admits_every_app_config_spelling(kind: str, snake: str) -> None:
    from poolaudit import sources

    words = snake.split("_")
    for spelled in (snake, snake.upper(), words[0] + "".join(w.title() for w in words[1:])):
        data = f"[database]\n{spelled} = 5\n".encode()
        assert any(lit in data for lit in sources.get(kind).LITERALS), spelled
