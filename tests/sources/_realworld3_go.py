"""Go services as their repositories ship their configs, third round: Harbor's `harbor.yml`,
Ory Kratos/Hydra (pop DSN parameters in compose and in `kratos.yml`), Temporal's persistence
config (`maxConns`, `maxConnLifetime`) and its docker env, Woodpecker CI's env, Miniflux's env,
and a pgx service configured by viper (`config.yaml`, `DATABASE_URL` with `pool_*` params).

Go source, Go templates (`config_template.yaml` with `{{ .Env.X }}`, `env.jinja`) and JSON are
not read.  Written from those projects' own files (trimmed); read by
test_realworld_battery_3.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["harbor"] = {
    "go.mod": "module github.com/goharbor/harbor/src\n",
    "make/harbor.yml": """\
# Configuration file of Harbor

# The IP address or hostname to access admin UI and registry service.
hostname: reg.mydomain.com

http:
  port: 80

harbor_admin_password: Harbor12345

# Harbor DB configuration
database:
  # The password for the user('postgres' by default) of Harbor DB. Change this before any production use.
  password: root123
  # The maximum number of connections in the idle connection pool. If it <=0, no idle connections are retained.
  max_idle_conns: 100
  # The maximum number of open connections to the database. If it <= 0, then there is no limit on the number of open connections.
  # Note: the default number of connections is 1024 for postgres of harbor.
  max_open_conns: 900
  # The maximum amount of time a connection may be reused. Expired connections may be closed lazily before reuse. If it <= 0, connections are not closed due to a connection's age.
  # The value is a duration string. A duration string is a possibly signed sequence of decimal numbers, each with optional fraction and a unit suffix, such as "300ms", "-1.5h" or "2h45m". Valid time units are "ns", "us" (microseconds), "ms", "s", "m", "h".
  conn_max_lifetime: 5m
  # The maximum amount of time a connection may be idle. Expired connections may be closed lazily before reuse. If it <= 0, connections are not closed due to a connection's idle time.
  conn_max_idle_time: 0

data_volume: /data

trivy:
  ignore_unfixed: false
  skip_update: false
  timeout: 5m

jobservice:
  # Maximum number of job workers in job service
  max_job_workers: 10
  job_loggers:
    - STD_OUTPUT
    - FILE
  logger_sweeper_duration: 1 #days

notification:
  # Maximum retry count for webhook job
  webhook_job_max_retry: 3
  webhook_job_http_client_timeout: 3 #seconds

log:
  level: info
  local:
    rotate_count: 50
    rotate_size: 200M
    location: /var/log/harbor

_version: 2.11.0

# Uncomment external_database if using external database.
# external_database:
#   harbor:
#     host: harbor_db_host
#     port: harbor_db_port
#     db_name: harbor_db_name
#     username: harbor_db_username
#     password: harbor_db_password
#     ssl_mode: disable
#     max_idle_conns: 2
#     max_open_conns: 0

# Uncomment redis if need to customize redis db
# redis:
#   # db_index 0 is for core, it's unchangeable
#   registry_db_index: 1
#   jobservice_db_index: 2
#   trivy_db_index: 5

cache:
  enabled: false
  expire_hours: 24
""",
    "make/photon/prepare/templates/core/env.jinja": """\
CONFIG_PATH=/etc/core/app.conf
POSTGRESQL_HOST={{harbor_db_host}}
POSTGRESQL_MAX_IDLE_CONNS={{harbor_db_max_idle_conns}}
POSTGRESQL_MAX_OPEN_CONNS={{harbor_db_max_open_conns}}
POSTGRESQL_CONN_MAX_LIFETIME={{harbor_db_conn_max_lifetime}}
""",
}

PROJECTS["ory-kratos"] = {
    "go.mod": "module github.com/ory/kratos\n",
    "quickstart-postgres.yml": """\
version: '3.7'

services:
  kratos-migrate:
    environment:
      - DSN=postgres://kratos:secret@postgresd:5432/kratos?sslmode=disable&max_conns=20&max_idle_conns=4
  kratos:
    depends_on:
      - kratos-migrate
    environment:
      - DSN=postgres://kratos:secret@postgresd:5432/kratos?sslmode=disable&max_conns=20&max_idle_conns=4
  postgresd:
    image: postgres:11.8
    ports:
      - "5432:5432"
    environment:
      - POSTGRES_USER=kratos
      - POSTGRES_PASSWORD=secret
      - POSTGRES_DB=kratos
    networks:
      - intranet
""",
    "contrib/quickstart/kratos/email-password/kratos.yml": """\
version: v1.3.0

dsn: memory

serve:
  public:
    base_url: http://127.0.0.1:4433/
    cors:
      enabled: true
  admin:
    base_url: http://kratos:4434/

selfservice:
  default_browser_return_url: http://127.0.0.1:4455/
  flows:
    settings:
      privileged_session_max_age: 15m
      required_aal: highest_available

courier:
  smtp:
    connection_uri: smtps://test:test@mailslurper:1025/?skip_ssl_verify=true
""",
    "deploy/hydra.yml": """\
serve:
  cookies:
    same_site_mode: Lax

dsn: postgres://hydra:secret@hydra-db:5432/hydra?sslmode=disable&max_conns=20&max_idle_conns=4&max_conn_lifetime=30m&max_conn_idle_time=5m

urls:
  self:
    issuer: http://127.0.0.1:4444
  consent: http://127.0.0.1:3000/consent
  login: http://127.0.0.1:3000/login

ttl:
  access_token: 1h
""",
}

PROJECTS["temporal"] = {
    "go.mod": "module go.temporal.io/server\n",
    "config/development-postgres12.yaml": """\
log:
  stdout: true
  level: info

persistence:
  numHistoryShards: 4
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  datastores:
    postgres-default:
      sql:
        pluginName: "postgres12"
        databaseName: "temporal"
        connectAddr: "127.0.0.1:5432"
        connectProtocol: "tcp"
        user: "temporal"
        password: "temporal"
        maxConns: 20
        maxIdleConns: 20
        maxConnLifetime: "1h"
    postgres-visibility:
      sql:
        pluginName: "postgres12"
        databaseName: "temporal_visibility"
        connectAddr: "127.0.0.1:5432"
        connectProtocol: "tcp"
        user: "temporal"
        password: "temporal"
        maxConns: 2
        maxIdleConns: 2
        maxConnLifetime: "1h"

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"

services:
  frontend:
    rpc:
      grpcPort: 7233
      membershipPort: 6933
      bindOnLocalHost: true
  history:
    rpc:
      grpcPort: 7234
      membershipPort: 6934
""",
    "docker/config_template.yaml": """\
{{- $db := default .Env.DB "cassandra" | lower -}}
persistence:
  numHistoryShards: {{ default .Env.NUM_HISTORY_SHARDS "4" }}
  defaultStore: default
  datastores:
    default:
      sql:
        pluginName: "{{ $db }}"
        maxConns: {{ default .Env.SQL_MAX_CONNS "20" }}
        maxIdleConns: {{ default .Env.SQL_MAX_IDLE_CONNS "20" }}
        maxConnLifetime: {{ default .Env.SQL_MAX_CONN_TIME "1h" }}
""",
    "docker-compose/docker-compose-postgres.yml": """\
services:
  postgresql:
    container_name: temporal-postgresql
    environment:
      POSTGRES_PASSWORD: temporal
      POSTGRES_USER: temporal
    image: postgres:${POSTGRESQL_VERSION}
  temporal:
    container_name: temporal
    depends_on:
      - postgresql
    environment:
      - DB=postgres12
      - DB_PORT=5432
      - POSTGRES_USER=temporal
      - POSTGRES_PWD=temporal
      - POSTGRES_SEEDS=postgresql
      - SQL_MAX_CONNS=40
      - SQL_MAX_IDLE_CONNS=10
      - NUM_HISTORY_SHARDS=512
    image: temporalio/auto-setup:${TEMPORAL_VERSION}
""",
}

PROJECTS["woodpecker"] = {
    "go.mod": "module go.woodpecker-ci.org/woodpecker/v3\n",
    "docker-compose.yml": """\
services:
  woodpecker-server:
    image: woodpeckerci/woodpecker-server:v3
    ports:
      - 8000:8000
    volumes:
      - woodpecker-server-data:/var/lib/woodpecker/
    environment:
      - WOODPECKER_OPEN=true
      - WOODPECKER_HOST=${WOODPECKER_HOST}
      - WOODPECKER_AGENT_SECRET=${WOODPECKER_AGENT_SECRET}
      - WOODPECKER_DATABASE_DRIVER=postgres
      - WOODPECKER_DATABASE_DATASOURCE=postgres://woodpecker:woodpecker@db:5432/woodpecker?sslmode=disable
      - WOODPECKER_DATABASE_MAX_CONNECTIONS=20
      - WOODPECKER_DATABASE_IDLE_CONNECTIONS=5
      - WOODPECKER_DATABASE_CONNECTION_TIMEOUT=3s
      - WOODPECKER_MAX_WORKFLOWS=4

  woodpecker-agent:
    image: woodpeckerci/woodpecker-agent:v3
    command: agent
    environment:
      - WOODPECKER_SERVER=woodpecker-server:9000
      - WOODPECKER_AGENT_SECRET=${WOODPECKER_AGENT_SECRET}
      - WOODPECKER_MAX_WORKFLOWS=4
""",
}

PROJECTS["miniflux"] = {
    "go.mod": "module miniflux.app/v2\n",
    "packaging/docker/miniflux.env": """\
DATABASE_URL=postgres://miniflux:secret@db/miniflux?sslmode=disable
DATABASE_MAX_CONNS=20
DATABASE_MIN_CONNS=1
# minutes
DATABASE_CONNECTION_LIFETIME=5
RUN_MIGRATIONS=1
CREATE_ADMIN=1
WORKER_POOL_SIZE=16
POLLING_FREQUENCY=60
BATCH_SIZE=100
HTTP_CLIENT_TIMEOUT=20
HTTP_CLIENT_MAX_BODY_SIZE=15
""",
}

PROJECTS["pgx-viper-service"] = {
    "go.mod": "module github.com/acme/orders\n",
    "config/config.yaml": """\
server:
  addr: ":8080"
  read_timeout: 5s
  write_timeout: 10s
  max_header_bytes: 1048576

database:
  url: ${DATABASE_URL}
  max_open_conns: 25
  max_idle_conns: 5
  conn_max_lifetime: 5m
  conn_max_idle_time: 1m

redis:
  addr: redis:6379
  pool_size: 50
  min_idle_conns: 10
  conn_max_idle_time: 30s

http_client:
  max_idle_conns: 100
  max_conns_per_host: 10
  idle_conn_timeout: 90s

worker:
  concurrency: 8
  max_retries: 5
""",
    "config/config.production.toml": """\
[server]
addr = ":8080"
shutdown_timeout = "30s"

[postgres]
max_conns = 40
min_conns = 4
max_conn_lifetime = "1h"
max_conn_idle_time = "30m"
health_check_period = "1m"

[nats]
max_reconnects = 60
""",
    "deploy/.env": """\
GOMAXPROCS=4
GOMEMLIMIT=900MiB
DATABASE_URL=postgres://orders:secret@db:5432/orders?sslmode=require&pool_max_conns=25&pool_min_conns=5&pool_max_conn_lifetime=1h&pool_max_conn_idle_time=30m&pool_health_check_period=1m
REPLICA_DSN="host=replica user=orders dbname=orders pool_max_conns=10 pool_min_idle_conns=2"
DB_MAX_OPEN_CONNS=25
DB_MAX_IDLE_CONNS=5
DB_CONN_MAX_LIFETIME=5m
REDIS_URL=redis://redis:6379/0?pool_size=50
REDIS_POOL_SIZE=50
""",
}
