"""Whole config files as public projects write them: Go/Node services and deploy layers (Gitea, Grafana, Outline/n8n/Ghost env files, Helm, Kubernetes, Chatwoot).

Written from those projects' own files (trimmed); read by test_realworld_battery.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["gitea"] = {
    "go.mod": "module code.gitea.io/gitea\n",
    "custom/conf/app.ini": """\
APP_NAME = Gitea: Git with a cup of tea
RUN_MODE = prod
RUN_USER = git

[server]
PROTOCOL  = http
DOMAIN    = git.example.com
HTTP_PORT = 3000
LFS_START_SERVER = true

[database]
DB_TYPE  = postgres
HOST     = 127.0.0.1:5432
NAME     = gitea
USER     = gitea
PASSWD   = `gitea`
SCHEMA   =
SSL_MODE = disable
LOG_SQL  = false
MAX_OPEN_CONNS = 50
MAX_IDLE_CONNS = 10
CONN_MAX_LIFETIME = 3s
ITERATE_BUFFER_SIZE = 50
DB_RETRIES = 10

[cache]
ADAPTER = redis
INTERVAL = 60
HOST = redis://127.0.0.1:6379/0?pool_size=100&idle_timeout=180s

[queue]
TYPE = level
LENGTH = 100
BATCH_LENGTH = 20
MAX_WORKERS = 10

[session]
PROVIDER = redis
PROVIDER_CONFIG = redis://127.0.0.1:6379/0?pool_size=100&idle_timeout=180s
""",
    "docker-compose.yml": """\
version: "3"

networks:
  gitea:
    external: false

services:
  server:
    image: docker.gitea.com/gitea:1.22
    container_name: gitea
    environment:
      - USER_UID=1000
      - USER_GID=1000
      - GITEA__database__DB_TYPE=postgres
      - GITEA__database__HOST=db:5432
      - GITEA__database__NAME=gitea
      - GITEA__database__USER=gitea
      - GITEA__database__PASSWD=gitea
      - GITEA__database__MAX_OPEN_CONNS=40
      - GITEA__queue__MAX_WORKERS=8
    restart: always
    networks:
      - gitea
    volumes:
      - ./gitea:/data
    ports:
      - "3000:3000"
      - "222:22"
    depends_on:
      - db

  db:
    image: docker.io/library/postgres:14
    restart: always
    environment:
      - POSTGRES_USER=gitea
      - POSTGRES_PASSWORD=gitea
      - POSTGRES_DB=gitea
      - POSTGRES_MAX_CONNECTIONS=200
    networks:
      - gitea
""",
}

PROJECTS["grafana"] = {
    "go.mod": "module github.com/grafana/grafana\n",
    "conf/defaults.ini": """\
##################### Grafana Configuration Defaults #####################
#
# Do not modify this file in grafana installs
#

# possible values : production, development
app_mode = production

#################################### Database ############################
[database]
# You can configure the database connection by specifying type, host, name, user and password
# as separate properties or as on string using the url property.

# Either "mysql", "postgres" or "sqlite3", it's your choice
type = sqlite3
host = 127.0.0.1:3306
name = grafana
user = root
# If the password contains # or ; you have to wrap it with triple quotes. Ex \"\"\"#password;\"\"\"
password =
# Use either URL or the previous fields to configure the database
# Example: mysql://user:secret@host:port/database
url =

# Max idle conn setting default is 2
max_idle_conn = 2

# Max conn setting default is 0 (mean not set)
max_open_conn = 0

# Connection Max Lifetime default is 14400 (means 14400 seconds or 4 hours)
conn_max_lifetime = 14400

# Set to true to log the sql calls and execution times.
log_queries =

# For "postgres", use either "disable", "require" or "verify-full"
# For "mysql", use either "true", "false", or "skip-verify".
ssl_mode = disable

# For "sqlite3" only. cache mode setting used for connecting to the database
cache_mode = private

# For "sqlite3" only. Enable/disable Write-Ahead Logging, https://sqlite.org/wal.html. Default is false.
wal = false

# For "mysql" and "postgres". Lock the database for the migrations, default is true.
migration_locking = true

# For "mysql" and "postgres" only if migrationLocking is set. How many seconds to wait before failing to lock the database for the migrations, default is 0.
locking_attempt_timeout_sec = 0

# For "sqlite" only. How many times to retry query in case of database is locked failures. Default is 0 (disabled).
query_retries = 0

# For "sqlite" only. How many times to retry transaction in case of database is locked failures. Default is 5.
transaction_retries = 5

#################################### Data proxy ###########################
[dataproxy]

# This enables data proxy logging, default is false
logging = false

# How long the data proxy waits to read the headers of the response before timing out, default is 30 seconds.
# This setting also applies to core backend HTTP data sources where query requests use an HTTP client with timeout set.
timeout = 30

# How many seconds the data proxy waits before sending a keepalive request.
keep_alive_seconds = 30

# The maximum number of idle connections that Grafana will maintain. Default is 100. For more details check the field `MaxIdleConns` in https://golang.org/pkg/net/http/#Transport
max_idle_connections = 100

# The length of time that Grafana maintains idle connections before closing them. Default is 90. For more details check the field `IdleConnTimeout` in https://golang.org/pkg/net/http/#Transport
idle_conn_timeout_seconds = 90

# The maximum number of connections per host. Default is 0 (no limit).
max_conns_per_host = 0

#################################### Cache server #############################
[remote_cache]
# Either "redis", "memcached" or "database" default is "database"
type = database
""",
    "conf/sample.ini": """\
#################################### Database ####################################
[database]
# You can configure the database connection by specifying type, host, name, user and password
# as separate properties or as on string using the url property.

# Either "mysql", "postgres" or "sqlite3", it's your choice
;type = sqlite3
;host = 127.0.0.1:3306
;name = grafana
;user = root

# Max idle conn setting default is 2
;max_idle_conn = 2

# Max conn setting default is 0 (mean not set)
;max_open_conn =

# Connection Max Lifetime default is 14400 (means 14400 seconds or 4 hours)
;conn_max_lifetime = 14400
""",
    "docker-compose.yaml": """\
services:
  grafana:
    image: grafana/grafana-oss:11.0.0
    environment:
      GF_DATABASE_TYPE: postgres
      GF_DATABASE_HOST: db:5432
      GF_DATABASE_MAX_OPEN_CONN: 50
      GF_DATABASE_MAX_IDLE_CONN: 25
      GF_DATABASE_CONN_MAX_LIFETIME: 14400
      GF_DATAPROXY_MAX_IDLE_CONNECTIONS: 100
    ports:
      - "3000:3000"
""",
}

PROJECTS["env-apps"] = {
    "package.json": '{"name": "outline"}\n',
    ".env.sample": """\
# –––––––––––––––– REQUIRED ––––––––––––––––
NODE_ENV=production
SECRET_KEY=generate_a_new_key
UTILS_SECRET=generate_a_new_key
DATABASE_URL=postgres://user:pass@localhost:5432/outline
DATABASE_CONNECTION_POOL_MIN=
DATABASE_CONNECTION_POOL_MAX=
# Uncomment this to disable SSL for connecting to Postgres
# PGSSLMODE=disable
REDIS_URL=redis://localhost:6379
URL=https://app.outline.dev:3000
PORT=3000
""",
    ".env": """\
NODE_ENV=production
DATABASE_URL=postgres://outline:s3cret@db:5432/outline
DATABASE_CONNECTION_POOL_MIN=2
DATABASE_CONNECTION_POOL_MAX=20
REDIS_URL=redis://redis:6379
WEB_CONCURRENCY=2
""",
    "deploy/n8n.env": """\
DB_TYPE=postgresdb
DB_POSTGRESDB_HOST=postgres
DB_POSTGRESDB_POOL_SIZE=4
N8N_CONCURRENCY_PRODUCTION_LIMIT=10
EXECUTIONS_DATA_PRUNE=true
""",
    "deploy/hasura.env": """\
HASURA_GRAPHQL_DATABASE_URL=postgres://postgres:postgrespassword@postgres:5432/postgres
HASURA_GRAPHQL_PG_CONNECTIONS=50
HASURA_GRAPHQL_PG_TIMEOUT=180
HASURA_GRAPHQL_ENABLE_CONSOLE=true
""",
    "deploy/metabase.env": """\
MB_DB_TYPE=postgres
MB_DB_DBNAME=metabase
MB_APPLICATION_DB_MAX_CONNECTION_POOL_SIZE=15
MB_JDBC_DATA_WAREHOUSE_MAX_CONNECTION_POOL_SIZE=30
MB_JETTY_MAXTHREADS=254
""",
    "deploy/ghost.env": """\
database__client=mysql
database__connection__host=db
database__pool__min=2
database__pool__max=20
mail__transport=SMTP
""",
    "deploy/directus.env": """\
DB_CLIENT="pg"
DB_HOST="localhost"
DB_POOL__MIN=0
DB_POOL__MAX=10
CACHE_ENABLED=true
RATE_LIMITER_POINTS=50
""",
    "deploy/strapi.env": """\
HOST=0.0.0.0
PORT=1337
DATABASE_CLIENT=postgres
DATABASE_POOL_MIN=2
DATABASE_POOL_MAX=10
DATABASE_CONNECTION_TIMEOUT=60000
""",
    "deploy/prisma.env": """\
DATABASE_URL="postgresql://johndoe:mypassword@localhost:5432/mydb?schema=public&connection_limit=5&pool_timeout=10"
DIRECT_URL="postgresql://johndoe:mypassword@localhost:5432/mydb?schema=public"
""",
    "deploy/mongo.env": """\
MONGODB_URI=mongodb+srv://app:secret@cluster0.example.net/app?retryWrites=true&w=majority&maxPoolSize=50&minPoolSize=5
""",
}

PROJECTS["helm-k8s"] = {
    "chart/Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    "chart/values.yaml": """\
replicaCount: 2
image:
  repository: ghcr.io/acme/api
  tag: ""
env:
  DB_POOL_SIZE: "20"
  DB_POOL_TIMEOUT: "30"
  WEB_CONCURRENCY: "4"
  REDIS_POOL_SIZE: "50"
extraEnvVars:
  - name: DB_MAX_OVERFLOW
    value: "10"
app:
  config:
    dbPool: 12
    httpPoolSize: 100
resources: {}
autoscaling:
  enabled: true
  minReplicas: 2
  maxReplicas: 10
postgresql:
  enabled: true
  auth:
    username: app
    database: app
  primary:
    extendedConfiguration: |
      max_connections = 200
      shared_buffers = 256MB
    extraEnvVars:
      - name: POSTGRESQL_MAX_CONNECTIONS
        value: "300"
    resources:
      limits:
        memory: 1Gi
  readReplicas:
    replicaCount: 1
redis:
  enabled: true
  architecture: standalone
  master:
    extraFlags:
      - "--maxclients 1000"
pgbouncer:
  enabled: true
  poolMode: transaction
  defaultPoolSize: 25
  maxClientConn: 1000
""",
    "chart/values-production.yaml": """\
replicaCount: 4
env:
  DB_POOL_SIZE: "40"
""",
    "chart/templates/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "api.fullname" . }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: api
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            - name: DB_POOL_SIZE
              value: {{ .Values.app.config.dbPool | default "8" | quote }}
""",
    "k8s/base/deployment.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 3
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.2.3
          env:
            - name: DB_POOL_SIZE
              value: "20"
            - name: DB_POOL_TIMEOUT
              value: "30"
            - name: WORKER_CONCURRENCY
              value: "4"
            - name: REDIS_POOL_SIZE
              value: "50"
            - name: HTTP_POOL_MAXSIZE
              value: "100"
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db
                  key: password
          envFrom:
            - configMapRef:
                name: api-config
        - name: cloud-sql-proxy
          image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.0
          args:
            - "--max-connections=100"
            - "--port=5432"
""",
    "k8s/base/configmap.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  DB_MAX_OVERFLOW: "10"
  LOG_LEVEL: info
  SQLALCHEMY_POOL_RECYCLE: "1800"
""",
    "k8s/overlays/production/kustomization.yaml": """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
configMapGenerator:
  - name: api-config
    behavior: merge
    literals:
      - DB_POOL_SIZE=40
      - LOG_LEVEL=info
""",
    "k8s/pgbouncer.yaml": """\
apiVersion: postgresql.cnpg.io/v1
kind: Pooler
metadata:
  name: pooler-example-rw
spec:
  cluster:
    name: cluster-example
  instances: 3
  type: rw
  pgbouncer:
    poolMode: session
    parameters:
      max_client_conn: "1000"
      default_pool_size: "10"
""",
    "k8s/cnpg-cluster.yaml": """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: cluster-example
spec:
  instances: 3
  postgresql:
    parameters:
      max_connections: "200"
      shared_buffers: 256MB
  storage:
    size: 1Gi
""",
}

PROJECTS["rails-chatwoot"] = {
    "Gemfile": "source 'https://rubygems.org'\n",
    "config/database.yml": """\
default: &default
  adapter: postgresql
  encoding: unicode
  host: <%= ENV.fetch('POSTGRES_HOST', 'localhost') %>
  port: <%= ENV.fetch('POSTGRES_PORT', '5432') %>
  # ref: https://github.com/mperham/sidekiq/wiki/Advanced-Options#concurrency
  # multiplying by 2 to ensure that the sidekiq concurrency is less than the pool size
  pool: <%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5) %>
  variables:
    # we are setting this value to be close to the racktimeout value, we will iterate and reduce this value going forward
    statement_timeout: <%= ENV["POSTGRES_STATEMENT_TIMEOUT"] || "14s" %>

development:
  <<: *default
  database: "<%= ENV.fetch('POSTGRES_DATABASE', 'chatwoot_dev') %>"
  username: "<%= ENV.fetch('POSTGRES_USERNAME', 'postgres') %>"
  password: "<%= ENV.fetch('POSTGRES_PASSWORD', '') %>"

test:
  <<: *default
  database: "<%= ENV.fetch('POSTGRES_DATABASE', 'chatwoot_test') %>"
  username: "<%= ENV.fetch('POSTGRES_USERNAME', 'postgres') %>"
  password: "<%= ENV.fetch('POSTGRES_PASSWORD', '') %>"

production:
  <<: *default
  database: "<%= ENV.fetch('POSTGRES_DATABASE', 'chatwoot_production') %>"
  username: "<%= ENV.fetch('POSTGRES_USERNAME', 'chatwoot_prod') %>"
  password: "<%= ENV.fetch('POSTGRES_PASSWORD', 'chatwoot_prod') %>"
""",
    "config/sidekiq.yml": """\
# Sample configuration file for Sidekiq.
# Options here can still be overridden by cmd line args.
# Place this file at config/sidekiq.yml and Sidekiq will
# pick it up automatically.
---
:verbose: false
:concurrency: <%= ENV.fetch("SIDEKIQ_CONCURRENCY", 10) %>
:timeout: 25
:max_retries: 3

# Sidekiq will run this file through ERB when reading it so you can
# even put in dynamic logic, like a host-specific queue.
# http://www.mikeperham.com/2013/11/13/advanced-sidekiq-host-specific-queues/
:queues:
  - critical
  - high
""",
    "config/cable.yml": """\
development:
  adapter: redis
  url: <%= ENV.fetch('REDIS_URL', 'redis://127.0.0.1:6379') %>
  channel_prefix: chatwoot_dev

production:
  adapter: redis
  url: <%= ENV.fetch('REDIS_URL', 'redis://127.0.0.1:6379') %>
  pool_size: 20
""",
    ".env.example": """\
SECRET_KEY_BASE=replace_with_lengthy_secure_hex
FRONTEND_URL=http://0.0.0.0:3000
POSTGRES_HOST=postgres
POSTGRES_USERNAME=postgres
POSTGRES_PASSWORD=
RAILS_MAX_THREADS=5
SIDEKIQ_CONCURRENCY=10
""",
}
