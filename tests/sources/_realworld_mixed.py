"""Whole config files as public projects write them: Pyramid/PgBouncer/Celery, Rocket/Go/Dropwizard configs, a multi-document Spring service.

Written from those projects' own files (trimmed); read by test_realworld_battery.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["python-misc"] = {
    "pyproject.toml": """\
[project]
name = "ckanext-foo"
dependencies = ["sqlalchemy>=2"]

[tool.pytest.ini_options]
addopts = "-n 4"

[tool.coverage.run]
concurrency = ["thread"]

[tool.myapp.database]
url = "postgresql://localhost/app"
pool_size = 15
max_overflow = 5
pool_pre_ping = true

[tool.myapp.redis]
pool_size = 100
""",
    "gunicorn.conf.py": """\
import multiprocessing
import os

bind = "0.0.0.0:8000"
workers = int(os.getenv("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = 4
worker_class = "gthread"
worker_connections = 1000
max_requests = 1000
max_requests_jitter = 50
timeout = 30
keepalive = 2
""",
    "uwsgi.ini": """\
[uwsgi]
module = app.wsgi:application
master = true
processes = 4
threads = 2
max-requests = 5000
listen = 1024
harakiri = 30
""",
    "setup.cfg": """\
[metadata]
name = ckanext-foo

[options]
packages = find:

[tool:pytest]
addopts = --maxfail=1

[flake8]
max-line-length = 120
""",
    "production.ini": """\
###
# app configuration
# https://docs.pylonsproject.org/projects/pyramid/en/latest/narr/environment.html
###

[app:main]
use = egg:myproject

pyramid.reload_templates = false
pyramid.debug_authorization = false
pyramid.default_locale_name = en

sqlalchemy.url = postgresql://app@db/app
sqlalchemy.pool_size = 20
sqlalchemy.max_overflow = 10
sqlalchemy.pool_recycle = 3600
# sqlalchemy.pool_size = 50

retry.attempts = 3

[server:main]
use = egg:waitress#main
listen = *:6543
threads = 8
connection_limit = 200

###
# logging configuration
###

[loggers]
keys = root, myproject, sqlalchemy

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine
""",
    "alembic.ini": """\
[alembic]
script_location = migrations
sqlalchemy.url = driver://user:pass@localhost/dbname
sqlalchemy.poolclass = sqlalchemy.pool.NullPool

[loggers]
keys = root,sqlalchemy,alembic
""",
    "pgbouncer/pgbouncer.ini": """\
[databases]
app = host=db port=5432 dbname=app pool_size=40 reserve_pool_size=5
* = host=db port=5432

[pgbouncer]
listen_addr = 0.0.0.0
listen_port = 6432
auth_type = scram-sha-256
auth_file = /etc/pgbouncer/userlist.txt
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
min_pool_size = 5
reserve_pool_size = 5
reserve_pool_timeout = 3
server_idle_timeout = 600
;default_pool_size = 100
""",
    "app/celeryconfig.py": """\
broker_url = "redis://localhost:6379/0"
broker_pool_limit = 10
worker_concurrency = 8
result_backend = "db+postgresql://scott:tiger@localhost/mydatabase"
database_engine_options = {"pool_size": 4, "pool_recycle": 3600}
redis_max_connections = 20
""",
    "app/db.py": """\
import os

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool
import redis
import urllib3
from concurrent.futures import ThreadPoolExecutor

DATABASE_URL = os.environ["DATABASE_URL"]

engine = create_engine(
    DATABASE_URL,
    pool_size=int(os.environ.get("DB_POOL_SIZE", "5")),
    max_overflow=int(os.environ.get("DB_MAX_OVERFLOW", "10")),
    pool_recycle=1800,
)
migration_engine = create_engine(DATABASE_URL, poolclass=NullPool)
SessionLocal = sessionmaker(bind=engine)

redis_pool = redis.ConnectionPool.from_url(os.environ.get("REDIS_URL", "redis://localhost"), max_connections=50)
http = urllib3.PoolManager(num_pools=10, maxsize=20)
executor = ThreadPoolExecutor(max_workers=8)
""",
    "app/asyncdb.py": """\
import asyncpg
from psycopg_pool import AsyncConnectionPool

async def init_pool(dsn: str):
    return await asyncpg.create_pool(dsn, min_size=5, max_size=20, command_timeout=60)

pool = AsyncConnectionPool(conninfo="postgresql://app@db/app", min_size=2, max_size=10, open=False)
""",
    "docs/configuration.md": "Set `DB_POOL_SIZE=20` in production.\n",
}

PROJECTS["rust-go"] = {
    "Cargo.toml": '[package]\nname = "api"\nversion = "0.1.0"\n\n[dependencies]\nsqlx = { version = "0.7", features = ["postgres"] }\ntokio = { version = "1", features = ["full"] }\n',
    "Rocket.toml": """\
[default]
address = "0.0.0.0"
workers = 16
keep_alive = 5

[default.databases.sqlx]
url = "postgres://localhost/app"
min_connections = 2
max_connections = 32
connect_timeout = 5

[release.databases.sqlx]
max_connections = 64

[debug.databases.sqlx]
max_connections = 4

[default.limits]
forms = "64 kB"
""",
    "config/default.toml": """\
[server]
port = 8080
workers = 8

[database]
url = "postgres://app@localhost/app"
max_connections = 20
min_connections = 2
acquire_timeout = 5
idle_timeout = 600

[redis]
url = "redis://localhost"
max_connections = 64
""",
    "config/production.yaml": """\
server:
  port: 8080
  read_timeout: 15s
database:
  dsn: postgres://app@db/app?sslmode=require
  max_open_conns: 50
  max_idle_conns: 10
  conn_max_lifetime: 30m
  conn_max_idle_time: 5m
cache:
  redis:
    pool_size: 100
    min_idle_conns: 10
worker:
  concurrency: 20
  pool_size: 8
""",
    "dropwizard/config.yml": """\
server:
  applicationConnectors:
    - type: http
      port: 8080
  maxThreads: 1024
database:
  driverClass: org.postgresql.Driver
  user: ${DB_USER:-app}
  password: ${DB_PASSWORD}
  url: jdbc:postgresql://db/app
  properties:
    charSet: UTF-8
  maxWaitForConnection: 1s
  validationQuery: "/* MyService Health Check */ SELECT 1"
  minSize: 8
  maxSize: ${DB_MAX_SIZE:-32}
  checkConnectionWhileIdle: false
  evictionInterval: 10s
  minIdleTime: 1 minute
httpClient:
  timeout: 500ms
  connectionTimeout: 500ms
  maxConnections: 1024
  maxConnectionsPerRoute: 1024
""",
}

PROJECTS["spring-multidoc"] = {
    "build.gradle.kts": "plugins {}\n",
    "src/main/resources/application.yml": """\
spring:
  application:
    name: orders
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/orders
    hikari:
      maximum-pool-size: ${DB_POOL_SIZE:10}
      minimum-idle: 2
      connection-timeout: 30000
      max-lifetime: 1800000
      pool-name: orders-pool
      data-source-properties:
        socketTimeout: 30
        prepareThreshold: 5
  data:
    redis:
      lettuce:
        pool:
          max-active: 16
          max-idle: 8
  kafka:
    consumer:
      max-poll-records: 500
server:
  tomcat:
    threads:
      max: 200
    max-connections: 8192
    accept-count: 100
---
spring:
  config:
    activate:
      on-profile: prod
  datasource:
    hikari:
      maximum-pool-size: 40
      connection-timeout: 10000
---
spring:
  config:
    activate:
      on-profile: local
  datasource:
    url: jdbc:h2:mem:orders
""",
    "src/main/resources/bootstrap.yml": "spring:\n  cloud:\n    config:\n      uri: http://config:8888\n",
    "src/main/resources/application-staging.properties": """\
spring.datasource.hikari.maximumPoolSize=20
spring.datasource.hikari.leakDetectionThreshold=60000
spring.datasource.tomcat.max-active=50
spring.r2dbc.pool.max-size=12
spring.task.execution.pool.max-size=16
server.tomcat.threads.max=400
spring.datasource.hikari.data-source-properties.cachePrepStmts=true
spring.datasource.hikari.data-source-properties.prepStmtCacheSize=250
""",
    ".github/workflows/ci.yml": """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    env:
      SPRING_DATASOURCE_HIKARI_MAXIMUMPOOLSIZE: 2
    services:
      postgres:
        image: postgres:16
""",
}
