"""Elixir, Node/TypeScript, Haskell (Hasura), PHP and .NET services as their repositories ship
their deployment configs, third round: a Phoenix app and Plausible (`POOL_SIZE`, Ecto URLs),
Unleash, Umami (Prisma URL parameters), a knex/Sequelize app and a TypeORM 0.2 app, Hasura (env
and `metadata/databases/databases.yaml`), Laravel and Symfony `.env` files, an ASP.NET service
(connection strings in compose, Kubernetes and an env file), Rocket.Chat and LibreChat (MongoDB
URIs), and a service whose env is all look-alikes.

`.exs`, `.js`/`.ts`, `.php` and JSON (`appsettings.json`, `config/config.json`) are not read.
Known miss, left as it is (see the expectations): a compose placeholder inside a URL parameter
(`?connection_limit=${PRISMA_CONNECTION_LIMIT:-12}`).
Written from those projects' own files (trimmed); read by test_realworld_battery_3.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["phoenix-app"] = {
    "mix.exs": 'defmodule Shop.MixProject do\n  use Mix.Project\n\n  def project do\n    [app: :shop, version: "0.1.0"]\n  end\nend\n',
    "config/runtime.exs": """\
import Config

if config_env() == :prod do
  database_url =
    System.get_env("DATABASE_URL") ||
      raise \"\"\"
      environment variable DATABASE_URL is missing.
      For example: ecto://USER:PASS@HOST/DATABASE
      \"\"\"

  maybe_ipv6 = if System.get_env("ECTO_IPV6") in ~w(true 1), do: [:inet6], else: []

  config :shop, Shop.Repo,
    # ssl: true,
    url: database_url,
    pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10"),
    # For machines with several cores, consider starting multiple pools of `pool_size`
    # pool_count: 4,
    socket_options: maybe_ipv6
end
""",
    ".env.prod": """\
PHX_HOST=shop.example.com
PHX_SERVER=true
DATABASE_URL=ecto://shop:secret@db/shop_prod?ssl=true&pool_size=15
POOL_SIZE=20
ECTO_IPV6=false
ERL_MAX_PORTS=65536
OBAN_QUEUES=default:10,mailers:20
""",
    "fly.toml": """\
app = "shop"
primary_region = "ams"
kill_signal = "SIGTERM"

[env]
PHX_HOST = "shop.fly.dev"
PORT = "8080"
POOL_SIZE = "8"

[http_service]
internal_port = 8080
force_https = true

[http_service.concurrency]
type = "connections"
hard_limit = 1000
soft_limit = 1000
""",
}

PROJECTS["plausible"] = {
    "mix.exs": 'defmodule Plausible.MixProject do\n  use Mix.Project\nend\n',
    "plausible-conf.env": """\
BASE_URL=https://plausible.example.com
SECRET_KEY_BASE=replace-me
DATABASE_URL=postgres://postgres:postgres@plausible_db:5432/plausible_db
CLICKHOUSE_DATABASE_URL=http://plausible_events_db:8123/plausible_events_db
CLICKHOUSE_FLUSH_INTERVAL_MS=5000
CLICKHOUSE_MAX_BUFFER_SIZE_BYTES=100000
""",
    "compose.yml": """\
services:
  plausible_db:
    image: postgres:16-alpine
    restart: always
    volumes:
      - db-data:/var/lib/postgresql/data
    environment:
      - POSTGRES_PASSWORD=postgres
    command: ["postgres", "-c", "max_connections=300"]

  plausible_events_db:
    image: clickhouse/clickhouse-server:24.3.3.102-alpine
    restart: always
    ulimits:
      nofile:
        soft: 262144
        hard: 262144

  plausible:
    image: ghcr.io/plausible/community-edition:v2.1.4
    restart: always
    command: sh -c "/entrypoint.sh db createdb && /entrypoint.sh db migrate && /entrypoint.sh run"
    depends_on:
      - plausible_db
      - plausible_events_db
    env_file:
      - plausible-conf.env
    environment:
      - DATABASE_POOL_SIZE=${DATABASE_POOL_SIZE:-10}
""",
}

PROJECTS["unleash"] = {
    "package.json": '{"name": "unleash-server", "version": "6.0.0"}\n',
    "docker-compose.yml": """\
services:
  web:
    image: unleashorg/unleash-server:latest
    ports:
      - "4242:4242"
    environment:
      DATABASE_URL: "postgres://postgres:unleash@db/db"
      DATABASE_SSL: "false"
      DATABASE_POOL_MIN: 0
      DATABASE_POOL_MAX: 4
      DATABASE_POOL_IDLE_TIMEOUT_MS: 30000
      LOG_LEVEL: "warn"
      INIT_FRONTEND_API_TOKENS: "default:development.unleash-insecure-frontend-api-token"
    depends_on:
      db:
        condition: service_healthy
  db:
    image: postgres:15
    environment:
      POSTGRES_DB: "db"
      POSTGRES_HOST_AUTH_METHOD: "trust"
""",
}

PROJECTS["umami"] = {
    "package.json": '{"name": "umami", "version": "2.13.0"}\n',
    ".env.example": """\
DATABASE_URL="postgresql://umami:umami@localhost:5432/umami?connection_limit=10&pool_timeout=20"
# DATABASE_URL="mysql://umami:umami@localhost:3306/umami?connection_limit=5"
APP_SECRET=replace-me
REDIS_URL=redis://localhost:6379
""",
    "docker-compose.yml": """\
services:
  umami:
    image: ghcr.io/umami-software/umami:postgresql-latest
    ports:
      - "3000:3000"
    environment:
      DATABASE_URL: postgresql://umami:umami@db:5432/umami?connection_limit=${PRISMA_CONNECTION_LIMIT:-12}
      DATABASE_TYPE: postgresql
      APP_SECRET: replace-me-with-a-random-string
    depends_on:
      db:
        condition: service_healthy
    restart: always
  db:
    image: postgres:15-alpine
    environment:
      POSTGRES_DB: umami
      POSTGRES_USER: umami
      POSTGRES_PASSWORD: umami
""",
}

PROJECTS["node-knex-sequelize"] = {
    "package.json": '{"name": "billing-api", "dependencies": {"knex": "^3.1.0", "sequelize": "^6.37.0"}}\n',
    ".env": """\
NODE_ENV=production
PORT=3000
DB_HOST=postgres
DB_POOL_MIN=2
DB_POOL_MAX=20
DB_POOL_ACQUIRE=30000
DB_POOL_IDLE=10000
KNEX_POOL_MAX=15
SEQUELIZE_POOL_MAX=12
UV_THREADPOOL_SIZE=64
WEB_CONCURRENCY=4
BULL_CONCURRENCY=5
QUEUE_CONCURRENCY=10
REDIS_POOL_SIZE=20
HTTP_AGENT_MAX_SOCKETS=50
NODE_OPTIONS=--max-old-space-size=4096
""",
    "ormconfig.env": """\
TYPEORM_CONNECTION=postgres
TYPEORM_URL=postgres://billing:secret@postgres:5432/billing
TYPEORM_DRIVER_EXTRA='{"max": 25, "idleTimeoutMillis": 30000, "connectionTimeoutMillis": 2000}'
TYPEORM_ENTITIES=dist/**/*.entity.js
TYPEORM_MIGRATIONS_RUN=true
""",
}

PROJECTS["hasura"] = {
    "docker-compose.yaml": """\
services:
  postgres:
    image: postgres:15
    restart: always
    environment:
      POSTGRES_PASSWORD: postgrespassword
  graphql-engine:
    image: hasura/graphql-engine:v2.40.0
    ports:
      - "8080:8080"
    restart: always
    environment:
      HASURA_GRAPHQL_METADATA_DATABASE_URL: postgres://postgres:postgrespassword@postgres:5432/postgres
      PG_DATABASE_URL: postgres://postgres:postgrespassword@postgres:5432/postgres
      HASURA_GRAPHQL_ENABLE_CONSOLE: "true"
      HASURA_GRAPHQL_PG_CONNECTIONS: 50
      HASURA_GRAPHQL_PG_TIMEOUT: 180
      HASURA_GRAPHQL_PG_CONN_LIFETIME: 600
      HASURA_GRAPHQL_PG_POOL_TIMEOUT: 10
      HASURA_GRAPHQL_LIVE_QUERIES_MULTIPLEXED_BATCH_SIZE: 100
      HASURA_GRAPHQL_EVENTS_HTTP_POOL_SIZE: 100
""",
    "metadata/databases/databases.yaml": """\
- name: default
  kind: postgres
  configuration:
    connection_info:
      database_url:
        from_env: PG_DATABASE_URL
      isolation_level: read-committed
      pool_settings:
        connection_lifetime: 600
        idle_timeout: 180
        max_connections: 50
        pool_timeout: 10
        retries: 1
      use_prepared_statements: true
  tables: "!include default/tables/tables.yaml"
""",
}

PROJECTS["laravel"] = {
    "composer.json": '{"name": "laravel/laravel", "require": {"php": "^8.2", "laravel/framework": "^11.0"}}\n',
    ".env.example": """\
APP_NAME=Laravel
APP_ENV=local
APP_KEY=
APP_DEBUG=true
APP_URL=http://localhost

DB_CONNECTION=pgsql
DB_HOST=127.0.0.1
DB_PORT=5432
DB_DATABASE=laravel
DB_USERNAME=root
DB_PASSWORD=

SESSION_DRIVER=database
SESSION_LIFETIME=120

BROADCAST_CONNECTION=log
FILESYSTEM_DISK=local
QUEUE_CONNECTION=database

CACHE_STORE=database
REDIS_CLIENT=phpredis
REDIS_HOST=127.0.0.1
REDIS_PASSWORD=null
REDIS_PORT=6379

OCTANE_SERVER=swoole
OCTANE_WORKERS=4
OCTANE_TASK_WORKERS=6
OCTANE_MAX_REQUESTS=500
PHP_FPM_PM_MAX_CHILDREN=20
""",
}

PROJECTS["symfony"] = {
    "composer.json": '{"name": "acme/shop", "require": {"symfony/framework-bundle": "7.1.*"}}\n',
    ".env": """\
###> symfony/framework-bundle ###
APP_ENV=dev
APP_SECRET=
###< symfony/framework-bundle ###

###> doctrine/doctrine-bundle ###
# Format described at https://www.doctrine-project.org/projects/doctrine-dbal/en/latest/reference/configuration.html#connecting-using-a-url
# IMPORTANT: You MUST configure your server version, either here or in config/packages/doctrine.yaml
#
# DATABASE_URL="sqlite:///%kernel.project_dir%/var/data.db"
# DATABASE_URL="mysql://app:!ChangeMe!@127.0.0.1:3306/app?serverVersion=8.0.32&charset=utf8mb4"
DATABASE_URL="postgresql://app:!ChangeMe!@127.0.0.1:5432/app?serverVersion=16&charset=utf8"
###< doctrine/doctrine-bundle ###

###> symfony/messenger ###
MESSENGER_TRANSPORT_DSN=doctrine://default?auto_setup=0
###< symfony/messenger ###

###> symfony/mailer ###
MAILER_DSN=null://null
###< symfony/mailer ###
""",
    "config/packages/doctrine.yaml": """\
doctrine:
    dbal:
        url: '%env(resolve:DATABASE_URL)%'
        profiling_collect_backtrace: '%kernel.debug%'
        use_savepoints: true
    orm:
        auto_generate_proxy_classes: true
        enable_lazy_ghost_objects: true
        mappings:
            App:
                type: attribute
                is_bundle: false
                dir: '%kernel.project_dir%/src/Entity'
                prefix: 'App\\Entity'
                alias: App
""",
}

PROJECTS["dotnet-service"] = {
    "Ordering.API/Ordering.API.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web">\n</Project>\n',
    "Ordering.API/appsettings.json": """\
{
  "ConnectionStrings": {
    "OrderingDb": "Host=localhost;Database=ordering;Username=postgres;Password=pass;Maximum Pool Size=30"
  },
  "Logging": { "LogLevel": { "Default": "Information" } }
}
""",
    "docker-compose.yml": """\
services:
  ordering-api:
    image: eshop/ordering.api:${TAG:-latest}
    environment:
      - ASPNETCORE_ENVIRONMENT=Development
      - ASPNETCORE_URLS=http://0.0.0.0:80
      - ConnectionStrings__OrderingDb=Host=postgres;Database=ordering;Username=postgres;Password=pass;Maximum Pool Size=50;Minimum Pool Size=5;Connection Idle Lifetime=300
      - ConnectionStrings__Redis=redis:6379,abortConnect=false
      - EventBus__RetryCount=5
  catalog-api:
    image: eshop/catalog.api:${TAG:-latest}
    environment:
      ConnectionStrings__CatalogDb: "Server=sqldata;Database=Catalog;User Id=sa;Password=Pass@word;Max Pool Size=100;Min Pool Size=0;Pooling=true;TrustServerCertificate=true"
      ConnectionStrings__IdentityDb: "Server=sqldata;Database=Identity;User Id=sa;Password=Pass@word;Pooling=false"
""",
    "deploy/k8s/ordering.yaml": """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ordering-api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: ordering-api
          image: eshop/ordering.api:1.0.0
          env:
            - name: ConnectionStrings__OrderingDb
              value: "Host=postgres;Database=ordering;Username=postgres;Password=$(DB_PASSWORD);Maximum Pool Size=40;Timeout=15;Command Timeout=30"
            - name: DOTNET_gcServer
              value: "1"
""",
    "deploy/ordering.env": """\
ConnectionStrings__OrderingDb="Host=pg-primary;Database=ordering;Username=ordering;Password=secret;MaxPoolSize=60;Connection Lifetime=1800"
DOTNET_ThreadPool_MinThreads=64
""",
}

PROJECTS["mongo-apps"] = {
    "rocketchat/compose.yml": """\
services:
  rocketchat:
    image: registry.rocket.chat/rocketchat/rocket.chat:${RELEASE:-latest}
    restart: always
    environment:
      MONGO_URL: "${MONGO_URL:-mongodb://mongodb:27017/rocketchat?replicaSet=rs0&maxPoolSize=50}"
      MONGO_OPLOG_URL: "${MONGO_OPLOG_URL:-mongodb://mongodb:27017/local?replicaSet=rs0}"
      ROOT_URL: ${ROOT_URL:-http://localhost:3000}
      PORT: ${PORT:-3000}
      DEPLOY_METHOD: docker
    depends_on:
      - mongodb
  mongodb:
    image: docker.io/bitnami/mongodb:6.0
    restart: always
    environment:
      MONGODB_REPLICA_SET_MODE: primary
      MONGODB_REPLICA_SET_NAME: rs0
      MONGODB_PORT_NUMBER: 27017
      ALLOW_EMPTY_PASSWORD: "yes"
""",
    "librechat/.env.example": """\
HOST=localhost
PORT=3080
MONGO_URI=mongodb://127.0.0.1:27017/LibreChat?maxPoolSize=20&minPoolSize=2&waitQueueTimeoutMS=5000&maxIdleTimeMS=60000
MONGO_MAX_POOL_SIZE=20
MONGO_MIN_POOL_SIZE=2
MONGO_MAX_IDLE_TIME_MS=60000
MONGO_MAX_CONNECTING=2
MEILI_HOST=http://0.0.0.0:7700
""",
}

PROJECTS["look-alikes"] = {
    "go.mod": "module github.com/acme/gateway\n",
    ".env": """\
GOMAXPROCS=8
UV_THREADPOOL_SIZE=128
WEB_CONCURRENCY=3
RAILS_MAX_THREADS=5
SIDEKIQ_CONCURRENCY=10
TOKIO_WORKER_THREADS=8
MAX_CONNECTIONS=1000
HTTP_MAX_CONNECTIONS=200
HTTP_POOL_SIZE=50
REDIS_POOL_SIZE=20
REDIS_MAX_CONNECTIONS=64
CACHE_POOL_SIZE=10
GRPC_MAX_CONNECTIONS=100
KAFKA_MAX_CONNECTIONS=5
AMQP_URL=amqp://guest:guest@rabbit:5672/?connection_limit=10
ELASTICSEARCH_URL=http://es:9200/?max_connections=10
MEMCACHED_POOL_SIZE=8
POSTGRES_MAX_CONNECTIONS=300
WORKER_POOL_SIZE=16
NGINX_WORKER_CONNECTIONS=4096
""",
    "docker-compose.yml": """\
services:
  gateway:
    image: acme/gateway:1
    environment:
      GOMAXPROCS: 4
      HTTP_CLIENT_POOL_SIZE: 100
      REDIS_URL: redis://redis:6379/0?pool_size=50
  db:
    image: postgres:16
    command: postgres -c max_connections=500 -c shared_buffers=1GB
    environment:
      POSTGRES_MAX_CONNECTIONS: 500
  mysql:
    image: mysql:8
    command: --max-connections=300
""",
}
