"""Whole config files as public Rails projects write them, second round: Forem (dev.to), Solidus
and Spree sandboxes, Diaspora, Redmine, and Sidekiq's own YAML beside them.

Written from those projects' own files (trimmed); read by test_realworld_battery_2.py."""

from __future__ import annotations

PROJECTS: dict[str, dict[str, str]] = {}

PROJECTS["forem"] = {
    "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 7.0"\n',
    "config/database.yml": """\
# PostgreSQL. Versions 9.3 and up are supported.
#
# Install the pg driver:
#   gem install pg
# On macOS with Homebrew:
#   gem install pg -- --with-pg-config=/usr/local/bin/pg_config
#
# Configure Using Gemfile
# gem 'pg'
#
default: &default
  adapter: postgresql
  encoding: unicode
  # For details on connection pooling, see Rails configuration guide
  # http://guides.rubyonrails.org/configuring.html#database-pooling
  pool: <%= ENV.fetch("DATABASE_POOL_SIZE", ENV.fetch("RAILS_MAX_THREADS", 5)) %>
  connect_timeout: 2
  checkout_timeout: <%= ENV.fetch("DATABASE_CHECKOUT_TIMEOUT", 5).to_i %>
  variables:
    statement_timeout: <%= ENV.fetch("STATEMENT_TIMEOUT", 10_000).to_i %>

development:
  <<: *default
  url: <%= ENV.fetch("DATABASE_URL", "postgres://localhost/PracticalDeveloper_development") %>
  database: PracticalDeveloper_development

test:
  <<: *default
  url: <%= ENV.fetch("DATABASE_URL_TEST", "postgres://localhost/PracticalDeveloper_test") %>
  database: PracticalDeveloper_test

production:
  <<: *default
  url: <%= ENV["DATABASE_URL"] %>
  database: PracticalDeveloper_production
""",
    "config/sidekiq.yml": """\
---
:concurrency: <%= ENV.fetch("SIDEKIQ_CONCURRENCY", 10) %>
:queues:
  - [scheduled_jobs, 10]
  - [high_priority, 10]
  - [medium_priority, 5]
  - [low_priority, 1]
  - default
  - mailers
""",
    ".env.production": """\
RAILS_MAX_THREADS=5
WEB_CONCURRENCY=2
DATABASE_POOL_SIZE=12
SIDEKIQ_CONCURRENCY=10
""",
}

PROJECTS["solidus-sandbox"] = {
    "Gemfile": 'source "https://rubygems.org"\ngem "solidus"\n',
    "config/database.yml": """\
<% adapter = ENV.fetch('DB', 'sqlite') %>
<% db_host = ENV.fetch('DB_HOST', nil) %>
<% db_username = ENV.fetch('DB_USERNAME', nil) %>
<% db_password = ENV.fetch('DB_PASSWORD', nil) %>
<% case adapter when 'mysql' %>
development:
  adapter: mysql2
  database: sandbox_development
  encoding: utf8
  pool: 5
<% when 'postgresql' %>
development:
  adapter: postgresql
  database: sandbox_development
  min_messages: warning
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
<% else %>
development:
  adapter: sqlite3
  database: db/development.sqlite3
<% end %>
""",
}

PROJECTS["diaspora"] = {
    "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 6.1"\n',
    "config/database.yml": """\
postgresql: &postgresql
  adapter: postgresql
  host: "localhost"
  port: 5432
  username: "postgres"
  password: ""
  encoding: unicode

mysql: &mysql
  adapter: mysql2
  host: "localhost"
  port: 3306
  username: "root"
  password: ""
  encoding: utf8mb4
  collation: utf8mb4_bin

# Comment the mysql line and uncomment the postgresql line
# if you want to use MySQL
common: &common
  # Choose one of the following
  <<: *postgresql
  #<<: *mysql

  # Should match environment.sidekiq.concurrency
  #pool: 25

##################################################
#### CONFIGURE ABOVE #############################
##################################################

# Normally you don't need to touch anything here

combined: &combined
  <<: *common
  pool: <%= ENV['DB_POOL'] || 5 %>
development:
  <<: *combined
  database: diaspora_development
production:
  <<: *combined
  database: diaspora_production
test:
  <<: *combined
  database: "diaspora_test"
integration1:
  <<: *combined
  database: diaspora_integration1
""",
    "config/diaspora.toml.example": """\
[configuration.server]
sidekiq_workers = 1
""",
    "config/diaspora.yml": """\
configuration:
  environment:
    sidekiq:
      concurrency: 5
      retry: 10
      backtrace: 15
  server:
    unicorn_worker: 2
    unicorn_timeout: 90
""",
}
