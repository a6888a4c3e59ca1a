"""Whole deployment files as public projects ship them, second round: Supabase's docker-compose
(Supavisor pooler and PostgREST), Sentry's and Airflow's Helm values (their PgBouncer), a Bitnami
PostgreSQL subchart whose `extendedConfiguration` sets the server's `max_connections`, a
PgBouncer sidecar in a Deployment, and Mattermost's `config.json` (JSON: not read).

Written from those projects' own files (trimmed); read by test_realworld_battery_2.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["supabase"] = {
    "docker/docker-compose.yml": """\
# Usage
#   Start:              docker compose up
#   With helpers:       docker compose -f docker-compose.yml -f ./dev/docker-compose.dev.yml up
#   Stop:               docker compose down

name: supabase

services:
  rest:
    container_name: supabase-rest
    image: postgrest/postgrest:v12.2.0
    depends_on:
      db:
        # Disable this if you are using an external Postgres database
        condition: service_healthy
    restart: unless-stopped
    environment:
      PGRST_DB_URI: postgres://authenticator:${POSTGRES_PASSWORD}@${POSTGRES_HOST}:${POSTGRES_PORT}/${POSTGRES_DB}
      PGRST_DB_SCHEMAS: ${PGRST_DB_SCHEMAS}
      PGRST_DB_ANON_ROLE: anon
      PGRST_JWT_SECRET: ${JWT_SECRET}
      PGRST_DB_USE_LEGACY_GUCS: "false"
      PGRST_APP_SETTINGS_JWT_SECRET: ${JWT_SECRET}
      PGRST_APP_SETTINGS_JWT_EXP: ${JWT_EXPIRY}
      PGRST_DB_POOL: 10
      PGRST_DB_POOL_ACQUISITION_TIMEOUT: 10
    command: "postgrest"

  db:
    container_name: supabase-db
    image: supabase/postgres:15.8.1.020
    restart: unless-stopped
    volumes:
      - ./volumes/db/realtime.sql:/docker-entrypoint-initdb.d/migrations/99-realtime.sql:Z
    environment:
      POSTGRES_HOST: /var/run/postgresql
      PGPORT: ${POSTGRES_PORT}
      POSTGRES_PORT: ${POSTGRES_PORT}
      PGPASSWORD: ${POSTGRES_PASSWORD}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      PGDATABASE: ${POSTGRES_DB}
      POSTGRES_DB: ${POSTGRES_DB}
      JWT_SECRET: ${JWT_SECRET}
      JWT_EXP: ${JWT_EXPIRY}
    command:
      [
        "postgres",
        "-c",
        "config_file=/etc/postgresql/postgresql.conf",
        "-c",
        "log_min_messages=fatal",
        "-c",
        "max_connections=200"
      ]

  supavisor:
    container_name: supabase-pooler
    image: supabase/supavisor:2.4.12
    restart: unless-stopped
    ports:
      - ${POSTGRES_PORT}:5432
      - ${POOLER_PROXY_PORT_TRANSACTION}:6543
    environment:
      PORT: 4000
      POSTGRES_PORT: ${POSTGRES_PORT}
      POSTGRES_DB: ${POSTGRES_DB}
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
      DATABASE_URL: ecto://supabase_admin:${POSTGRES_PASSWORD}@db:${POSTGRES_PORT}/_supabase
      CLUSTER_POSTGRES: true
      SECRET_KEY_BASE: ${SECRET_KEY_BASE}
      VAULT_ENC_KEY: ${VAULT_ENC_KEY}
      API_JWT_SECRET: ${JWT_SECRET}
      METRICS_JWT_SECRET: ${JWT_SECRET}
      REGION: local
      ERL_AFLAGS: -proto_dist inet_tcp
      POOLER_TENANT_ID: ${POOLER_TENANT_ID}
      POOLER_DEFAULT_POOL_SIZE: ${POOLER_DEFAULT_POOL_SIZE}
      POOLER_MAX_CLIENT_CONN: ${POOLER_MAX_CLIENT_CONN}
      POOLER_POOL_MODE: transaction
      DB_POOL_SIZE: ${POOLER_DB_POOL_SIZE}
""",
    "docker/.env.example": """\
############
# Secrets
# YOU MUST CHANGE THESE BEFORE GOING INTO PRODUCTION
############

POSTGRES_PASSWORD=your-super-secret-and-long-postgres-password
JWT_SECRET=your-super-secret-jwt-token-with-at-least-32-characters-long

############
# Database - You can change these to any PostgreSQL database that has logical replication enabled.
############

POSTGRES_HOST=db
POSTGRES_DB=postgres
POSTGRES_PORT=5432
# default user is postgres


############
# Supavisor -- Database pooler
############
POOLER_PROXY_PORT_TRANSACTION=6543
POOLER_DEFAULT_POOL_SIZE=20
POOLER_MAX_CLIENT_CONN=100
POOLER_TENANT_ID=your-tenant-id
POOLER_DB_POOL_SIZE=5
""",
}

PROJECTS["helm-pgbouncer"] = {
    "charts/sentry/Chart.yaml": "apiVersion: v2\nname: sentry\nversion: 25.0.0\n",
    "charts/sentry/values.yaml": """\
# The pgbouncer in front of Sentry's database
pgbouncer:
  enabled: false
  postgres:
    cp_max: 10
    cp_min: 5
    host: ''
    dbname: ''
    user: ''
    password: ''
  image:
    repository: bitnami/pgbouncer
    tag: "1.23.1-debian-12-r5"
  replicas: 2
  podDisruptionBudget:
    enabled: true
    minAvailable: 1
  authType: "md5"
  maxClientConn: "100"
  poolSize: "10"
  poolMode: "transaction"

sentry:
  web:
    workers: 3
    replicas: 1
  worker:
    replicas: 1
    concurrency: 4
""",
    "charts/airflow/Chart.yaml": "apiVersion: v2\nname: airflow\nversion: 1.15.0\n",
    "charts/airflow/values.yaml": """\
# PgBouncer settings
pgbouncer:
  # Enable PgBouncer
  enabled: true
  # Number of PgBouncer replicas to run in Deployment
  replicas: 1
  # Max number of connections to a single database in PgBouncer
  maxClientConn: 100
  # Pool sizes for the metadata and result backend databases
  metadataPoolSize: 10
  resultBackendPoolSize: 5
  # Add extra general PgBouncer ini configuration: https://www.pgbouncer.org/config.html
  extraIniMetadata: ~
  extraIniResultBackend: ~

workers:
  replicas: 1
  resources: {}

config:
  celery:
    worker_concurrency: 16
""",
    "charts/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: postgresql\n    version: 15.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n",
    "charts/app/values.yaml": """\
replicaCount: 3

env:
  DB_POOL_SIZE: "10"
  WEB_CONCURRENCY: "4"

postgresql:
  enabled: true
  auth:
    username: app
    database: app
  primary:
    extendedConfiguration: |-
      max_connections = 200
      shared_buffers = 256MB
      idle_in_transaction_session_timeout = 60000
    resources:
      requests:
        memory: 512Mi
""",
    "k8s/sidecar.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  template:
    spec:
      containers:
        - name: api
          image: api:2.3
          env:
            - name: DATABASE_URL
              value: postgres://app@localhost:6432/app
            - name: DB_POOL_SIZE
              value: "8"
        - name: pgbouncer
          image: bitnami/pgbouncer:1.23.1
          env:
            - name: PGBOUNCER_DATABASE
              value: app
            - name: PGBOUNCER_POOL_MODE
              value: transaction
            - name: PGBOUNCER_DEFAULT_POOL_SIZE
              value: "20"
            - name: PGBOUNCER_MAX_CLIENT_CONN
              value: "400"
""",
}

PROJECTS["mattermost"] = {
    "go.mod": "module github.com/mattermost/deploy\n\ngo 1.22\n",
    "config/config.json": """\
{
    "SqlSettings": {
        "DriverName": "postgres",
        "DataSource": "postgres://mmuser:mostest@localhost/mattermost_test?sslmode=disable&connect_timeout=10",
        "DataSourceReplicas": [],
        "MaxIdleConns": 20,
        "ConnMaxLifetimeMilliseconds": 3600000,
        "ConnMaxIdleTimeMilliseconds": 300000,
        "MaxOpenConns": 300,
        "Trace": false,
        "AtRestEncryptKey": "",
        "QueryTimeout": 30
    }
}
""",
    "docker/.env": """\
MM_SQLSETTINGS_DRIVERNAME=postgres
MM_SQLSETTINGS_DATASOURCE=postgres://mmuser:mmuser_password@postgres:5432/mattermost?sslmode=disable&connect_timeout=10
MM_SQLSETTINGS_MAXOPENCONNS=100
MM_SQLSETTINGS_MAXIDLECONNS=20
MM_SERVICESETTINGS_SITEURL=https://mm.example.com
""",
}
