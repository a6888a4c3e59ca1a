"""Rust services as their repositories ship their configs: Vaultwarden's `.env.template` (all
commented) and a deployment's `.env`, a Rocket app's `Rocket.toml` (rocket_sync_db_pools and
rocket_db_pools tables per profile), an axum/sqlx service's `config/*.toml` and env, a
sea-orm service, and Lemmy (`lemmy.hjson` is HJSON: not read; its compose and env are).

Written from those projects' own files (trimmed); read by test_realworld_battery_3.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["vaultwarden"] = {
    "Cargo.toml": '[package]\nname = "vaultwarden"\nversion = "1.0.0"\nedition = "2021"\n',
    ".env.template": """\
# shellcheck disable=SC2034,SC2148
## Vaultwarden Configuration File
## Uncomment any of the following lines to change the defaults

########################
### Data folders ###
########################

## Main data folder
# DATA_FOLDER=data

#########################
### Database settings ###
#########################

## Database URL
## When using SQLite, this is the path to the DB file, default to %DATA_FOLDER%/db.sqlite3
# DATABASE_URL=data/db.sqlite3
## When using MySQL, specify an appropriate connection URI.
# DATABASE_URL=mysql://user:password@host[:port]/database_name
## When using PostgreSQL, specify an appropriate connection URI (recommended)
# DATABASE_URL=postgresql://user:password@host[:port]/database_name

## Database max connections
## Define the size of the connection pool used for connecting to the database.
# DATABASE_MAX_CONNS=10

## Database timeout
## Timeout when acquiring database connection
# DATABASE_TIMEOUT=30

## Database idle timeout
## Timeout in seconds before idle connections to the database are closed.
# DATABASE_IDLE_TIMEOUT=600

## Database min connections
## Define the minimum size of the connection pool used for connecting to the database.
# DATABASE_MIN_CONNS=2

## Database connection initialization
# DATABASE_CONN_INIT=""

#################
### WebSocket ###
#################

## Enable websocket notifications
# ENABLE_WEBSOCKET=true

## Number of workers to spin up for the service
# ROCKET_WORKERS=10
""",
    "docker/.env": """\
DOMAIN=https://vault.example.com
DATABASE_URL=postgresql://vaultwarden:secret@db:5432/vaultwarden
DATABASE_MAX_CONNS=25
DATABASE_MIN_CONNS=2
DATABASE_TIMEOUT=30
DATABASE_IDLE_TIMEOUT=600
ROCKET_WORKERS=16
WEBSOCKET_ENABLED=true
SMTP_TIMEOUT=15
""",
}

PROJECTS["rocket-app"] = {
    "Cargo.toml": '[package]\nname = "todo"\nversion = "0.1.0"\n\n[dependencies]\nrocket = "0.5"\n',
    "Rocket.toml": """\
[default]
address = "0.0.0.0"
workers = 16
keep_alive = 5
limits = { form = "64 kB", json = "1 MiB" }

[default.databases.sqlite_logs]
url = "db.sqlite"
pool_size = 4
timeout = 5

[default.databases.postgres_main]
url = "postgres://todo:secret@localhost/todo"
min_connections = 2
max_connections = 64
connect_timeout = 3
idle_timeout = 120

[release]
workers = 32

[release.databases.postgres_main]
url = "postgres://todo:secret@db/todo"
max_connections = 128
""",
}

PROJECTS["axum-sqlx-service"] = {
    "Cargo.toml": '[package]\nname = "ledger"\nversion = "0.3.0"\n\n[dependencies]\nsqlx = { version = "0.8", features = ["postgres"] }\n',
    "config/base.toml": """\
[application]
port = 8000
host = "0.0.0.0"
worker_threads = 4

[database]
host = "127.0.0.1"
port = 5432
username = "postgres"
database_name = "ledger"
require_ssl = false
max_connections = 20
min_connections = 2
acquire_timeout = 5
idle_timeout = 600

[redis]
uri = "redis://127.0.0.1:6379"
pool_size = 16

[http_client]
timeout_milliseconds = 10000
pool_max_idle_per_host = 8
""",
    "config/production.toml": """\
[database]
require_ssl = true
max_connections = 50
""",
    ".env": """\
RUST_LOG=info,sqlx=warn
DATABASE_URL=postgres://postgres:password@localhost:5432/ledger
DATABASE_MAX_CONNECTIONS=20
TOKIO_WORKER_THREADS=8
RAYON_NUM_THREADS=4
""",
}

PROJECTS["lemmy"] = {
    "Cargo.toml": '[package]\nname = "lemmy_server"\nversion = "0.19.0"\n',
    "docker/lemmy.hjson": """\
{
  # for more info about the config, check out the documentation
  # https://join-lemmy.org/docs/en/administration/configuration.html

  setup: {
    # username for the admin user
    admin_username: "lemmy"
    # password for the admin user
    admin_password: "lemmylemmy"
  }

  # the domain name of your instance (eg "lemmy.ml")
  hostname: "localhost"
  # address where lemmy should listen for incoming requests
  bind: "0.0.0.0"
  # port where lemmy should listen for incoming requests
  port: 8536
  database: {
    # Maximum number of active sql connections
    pool_size: 30
    connection: "postgres://lemmy:password@postgres:5432/lemmy"
  }
}
""",
    "docker/docker-compose.yml": """\
x-logging: &default-logging
  driver: "json-file"
  options:
    max-size: "50m"
    max-file: "4"

services:
  lemmy:
    image: dessalines/lemmy:0.19.5
    environment:
      - RUST_LOG="warn,lemmy_server=info,lemmy_api=info"
      - LEMMY_DATABASE_URL=postgres://lemmy:password@postgres:5432/lemmy
    volumes:
      - ./lemmy.hjson:/config/config.hjson:Z
    logging: *default-logging

  postgres:
    image: pgautoupgrade/pgautoupgrade:16-alpine
    environment:
      - POSTGRES_USER=lemmy
      - POSTGRES_PASSWORD=password
      - POSTGRES_DB=lemmy
    shm_size: 1g
    volumes:
      - ./volumes/postgres:/var/lib/postgresql/data:Z
      - ./customPostgresql.conf:/etc/postgresql.conf
    command: postgres -c config_file=/etc/postgresql.conf
    logging: *default-logging
""",
}

PROJECTS["sea-orm-service"] = {
    "Cargo.toml": '[package]\nname = "catalog"\nversion = "0.1.0"\n\n[dependencies]\nsea-orm = "1"\n',
    "settings/default.toml": """\
[server]
listen = "0.0.0.0:3000"
request_timeout_secs = 30

[db]
url = "postgres://catalog:secret@localhost/catalog"
max_connections = 100
min_connections = 5
connect_timeout_secs = 8
sqlx_logging = false

[cache]
max_capacity = 10000
time_to_live_secs = 300
""",
    "deploy/k8s/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: catalog
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: catalog
          image: ghcr.io/acme/catalog:1.4.0
          env:
            - name: APP__DB__MAX_CONNECTIONS
              value: "40"
            - name: APP__DB__MIN_CONNECTIONS
              value: "4"
            - name: APP__SERVER__WORKERS
              value: "4"
            - name: TOKIO_WORKER_THREADS
              value: "4"
""",
}
