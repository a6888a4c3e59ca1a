"""Whole config files as public projects write them: Rails database.yml and Sidekiq shapes (Mastodon, Discourse, GitLab).

Written from those projects' own files (trimmed); read by test_realworld_battery.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["mastodon"] = {
    "Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n",
    ".env.production.sample": """\
# This is a sample configuration file. You can generate your configuration
# with the `bundle exec rails mastodon:setup` interactive setup wizard, but to customize
# your setup even further, you'll need to edit it manually. This sample does
# not demonstrate all available configuration options. Please look at
# https://docs.joinmastodon.org/admin/config/ for the full documentation.

# Federation
# ----------
# This identifies your server and cannot be changed safely later
# ----------
LOCAL_DOMAIN=example.com

# Redis
# -----
REDIS_HOST=localhost
REDIS_PORT=6379

# PostgreSQL
# ----------
DB_HOST=/var/run/postgresql
DB_USER=mastodon
DB_NAME=mastodon_production
DB_PASS=
DB_PORT=5432
DB_POOL=25

# Elasticsearch (optional)
# ------------------------
ES_ENABLED=true
ES_HOST=localhost
ES_PORT=9200

# Puma and Sidekiq
# ----------------
WEB_CONCURRENCY=2
MAX_THREADS=5
# SIDEKIQ_CONCURRENCY=25
STREAMING_CLUSTER_NUM=1
""",
    ".env.production": """\
LOCAL_DOMAIN=social.example.org
REDIS_HOST=redis
DB_HOST=db
DB_USER=postgres
DB_NAME=postgres
DB_PASS=s3cret
DB_PORT=5432
DB_POOL=30
MAX_THREADS=10
WEB_CONCURRENCY=3
""",
    "config/database.yml": """\
default: &default
  adapter: postgresql
  pool: <%= ENV["DB_POOL"] || ENV['MAX_THREADS'] || 5 %>
  timeout: 5000
  connect_timeout: 15
  encoding: unicode
  sslmode: <%= ENV['DB_SSLMODE'] || "prefer" %>
  sslcert: <%= ENV['DB_SSLCERT'] || nil %>
  sslkey: <%= ENV['DB_SSLKEY'] || nil %>
  sslrootcert: <%= ENV['DB_SSLROOTCERT'] || nil %>

development:
  <<: *default
  database: <%= ENV['DB_NAME'] || 'mastodon_development' %>
  username: <%= ENV['DB_USER'] %>
  password: <%= (ENV['DB_PASS'] || '').to_json %>
  host: <%= ENV['DB_HOST'] %>
  port: <%= ENV['DB_PORT'] %>

# Warning: The database defined as "test" will be erased and
# re-generated from your development database when you run "rake".
# Do not set this db to the same as development or production.
test:
  <<: *default
  database: <%= ENV['DB_NAME'] || 'mastodon' %>_test<%= ENV['TEST_ENV_NUMBER'] %>
  username: <%= ENV['DB_USER'] %>
  password: <%= (ENV['DB_PASS'] || '').to_json %>
  host: <%= ENV['DB_HOST'] %>
  port: <%= ENV['DB_PORT'] %>

production:
  <<: *default
  database: <%= ENV['DB_NAME'] || 'mastodon_production' %>
  username: <%= ENV['DB_USER'] || 'mastodon' %>
  password: <%= (ENV['DB_PASS'] || '').to_json %>
  host: <%= ENV['DB_HOST'] || 'localhost' %>
  port: <%= ENV['DB_PORT'] || 5432 %>
  prepared_statements: <%= ENV['PREPARED_STATEMENTS'] || 'true' %>
""",
    "config/sidekiq.yml": """\
---
:concurrency: 5
:queues:
  - [default, 8]
  - [push, 6]
  - [ingress, 4]
  - [mailers, 2]
  - [pull]
  - [scheduler]

:scheduler:
  :listened_queues_only: true
  :schedule:
    scheduled_statuses_scheduler:
      every: '5m'
      class: Scheduler::ScheduledStatusesScheduler
      queue: scheduler
""",
    "docker-compose.yml": """\
version: '3'
services:
  db:
    restart: always
    image: postgres:14-alpine
    shm_size: 256mb
    networks:
      - internal_network
    healthcheck:
      test: ['CMD', 'pg_isready', '-U', 'postgres']
    volumes:
      - ./postgres14:/var/lib/postgresql/data
    environment:
      - 'POSTGRES_HOST_AUTH_METHOD=trust'

  redis:
    restart: always
    image: redis:7-alpine
    networks:
      - internal_network
    healthcheck:
      test: ['CMD', 'redis-cli', 'ping']
    volumes:
      - ./redis:/data

  web:
    build: .
    image: ghcr.io/mastodon/mastodon:v4.2.0
    restart: always
    env_file: .env.production
    command: bundle exec puma -C config/puma.rb
    networks:
      - external_network
      - internal_network
    healthcheck:
      test: ['CMD-SHELL', 'wget -q --spider --proxy=off localhost:3000/health || exit 1']
    ports:
      - '127.0.0.1:3000:3000'
    depends_on:
      - db
      - redis

  sidekiq:
    build: .
    image: ghcr.io/mastodon/mastodon:v4.2.0
    restart: always
    env_file: .env.production
    command: bundle exec sidekiq -c 25
    environment:
      - DB_POOL=25
      - SIDEKIQ_CONCURRENCY=25
    depends_on:
      - db
      - redis
networks:
  external_network:
  internal_network:
    internal: true
""",
}

PROJECTS["discourse"] = {
    "Gemfile": "source 'https://rubygems.org'\n",
    "config/database.yml": """\
development:
  prepared_statements: false
  adapter: postgresql
  database: <%= ENV['DISCOURSE_DEV_DB'] || 'discourse_development' %>
  min_messages: warning
  host_names:
    ### Don't include the port number here. Change the "port" site setting instead, at /admin/site_settings.
    ### If you change this setting you will need to
    ###   - restart sidekiq if you change this setting
    ###   - rebake all to update all posts (run the `posts:rebake` rake task)
    - "localhost"
  variables:
    statement_timeout: <%= ENV["DISCOURSE_STATEMENT_TIMEOUT"] || "10s" %>

# Warning: The database defined as "test" will be erased and
# re-generated from your development database when you run "rake".
# Do not set this db to the same as development or production.
test:
  prepared_statements: false
  adapter: postgresql
  database: <%= test_db = ENV["DISCOURSE_TEST_DB"] || "discourse_test"; ENV["TEST_ENV_NUMBER"] ? "#{test_db}_#{ENV["TEST_ENV_NUMBER"]}" : test_db %>
  min_messages: warning
  pool: 1
  reaping_frequency: 0
  host_names:
    - test.localhost

# profile db is used for benchmarking using the script/bench.rb script
profile:
  prepared_statements: false
  adapter: postgresql
  database: discourse_profile
  min_messages: warning
  pool: 5
  host_names:
    - "localhost"

# You may be surprised production is not here, it is sourced from application.rb using a monkey patch
# This is done for 2 reasons
#
# 1. we need to support blank settings correctly and rendering nothing in yaml/erb is a PITA
# 2. why go through the extra layer of yaml when we can simply set it directly?
""",
    "config/discourse_defaults.conf": """\
# db pool size
db_pool = 8

# connection reaping helps keep connection open counts down, we disable by default
db_reaper_interval = 30
db_timeout = 5
db_connect_timeout = 5
""",
    "config/sidekiq.yml": ":concurrency: 5\n:queues:\n  - [critical, 8]\n  - [default, 4]\n",
}

PROJECTS["gitlab"] = {
    "Gemfile": "source 'https://rubygems.org'\n",
    "config/database.yml": """\
#
# PRODUCTION
#
production:
  main:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_production
    username: git
    password: "secure password"
    host: localhost
    # load_balancing:
    #   hosts:
    #     - host1.example.com
    #     - host2.example.com
    #   discover:
    #     nameserver: 1.2.3.4
    #     port: 8600
    #     record: secondary.postgresql.service.consul
    #     interval: 300
    pool: 20
  ci:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_production
    database_tasks: false
    username: git
    password: "secure password"
    host: localhost
    pool: 10

#
# Development specific
#
development:
  main:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_development
    username: postgres
    password: "secure password"
    host: localhost
    variables:
      statement_timeout: 15s
  ci:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_development
    database_tasks: false
    username: postgres
    password: "secure password"
    host: localhost
    variables:
      statement_timeout: 15s

#
# Staging specific
#
staging:
  main:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_staging
    username: git
    password: "secure password"
    host: localhost
    pool: 8

# Warning: The database defined as "test" will be erased and
# re-generated from your development database when you run "rake".
# Do not set this db to the same as development or production.
test: &test
  main:
    adapter: postgresql
    encoding: unicode
    database: gitlabhq_test
    username: postgres
    password:
    host: localhost
    prepared_statements: false
    reaping_frequency: nil
    variables:
      statement_timeout: 15s
""",
}
