"""The YAML source on Rails `config/database.yml`: ERB values, anchors and merges, sections per
environment, multi-database nesting, URLs with `?pool=`."""

from __future__ import annotations

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Provenance, Setting
from poolaudit.sources import yaml as source
from ._facts import setting_facts

LIT, DEF, UNRES = Provenance.LITERAL, Provenance.ENV_DEFAULT, Provenance.UNRESOLVED
DB = "config/database.yml"


FIELDS = (
    "line", "column", "raw", "key", "canonical", "written", "value", "provenance", "env_var",
    "environment", "origin",
)


def facts(text: str, s: Setting) -> tuple[object, ...]:
    return setting_facts(text, s, FIELDS)


def settings(text: str) -> dict[str, Setting]:
    found = source.extract(DB, text).settings
    by_key = {s.key: s for s in found}
    assert len(by_key) == len(found), "one setting per key"
    return by_key


ERB = [
    pytest.param(
        'production:\n  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n',
        (2, 9, '<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>', "production.pool", "max_size", 5, 5, DEF, "RAILS_MAX_THREADS", "production", "5"),
        id="fetch-block-default",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV.fetch('DB_POOL', 12) %>\n",
        (2, 9, "<%= ENV.fetch('DB_POOL', 12) %>", "production.pool", "max_size", 12, 12, DEF, "DB_POOL", "production", "12"),
        id="fetch-argument-default",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV.fetch('DB_POOL', '7').to_i %>\n",
        (2, 9, "<%= ENV.fetch('DB_POOL', '7').to_i %>", "production.pool", "max_size", 7, 7, DEF, "DB_POOL", "production", "7"),
        id="fetch-quoted-default-to-i",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV[\"DB_POOL\"] || ENV['MAX_THREADS'] || 5 %>\n",
        (2, 9, "<%= ENV[\"DB_POOL\"] || ENV['MAX_THREADS'] || 5 %>", "production.pool", "max_size", 5, 5, DEF, "DB_POOL", "production", "5"),
        id="or-chain-mastodon",
    ),
    pytest.param(
        "production:\n  pool: <%= (ENV['DB_POOL'] || 10).to_i %>\n",
        (2, 9, "<%= (ENV['DB_POOL'] || 10).to_i %>", "production.pool", "max_size", 10, 10, DEF, "DB_POOL", "production", "10"),
        id="parenthesized-chain",
    ),
    pytest.param(
        "production:\n  pool: <%= Integer(ENV.fetch('DB_POOL') { 6 }) %>\n",
        (2, 9, "<%= Integer(ENV.fetch('DB_POOL') { 6 }) %>", "production.pool", "max_size", 6, 6, DEF, "DB_POOL", "production", "6"),
        id="integer-wrapper",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV['RAILS_MAX_THREADS'] { 5 } %>\n",
        (2, 9, "<%= ENV['RAILS_MAX_THREADS'] { 5 } %>", "production.pool", "max_size", None, None, UNRES, "RAILS_MAX_THREADS", "production", None),
        id="index-with-ignored-block",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV['DB_POOL'] %>\n",
        (2, 9, "<%= ENV['DB_POOL'] %>", "production.pool", "max_size", None, None, UNRES, "DB_POOL", "production", None),
        id="index-no-default",
    ),
    pytest.param(
        "production:\n  pool: <%= ENV.fetch('DB_POOL') %>\n",
        (2, 9, "<%= ENV.fetch('DB_POOL') %>", "production.pool", "max_size", None, None, UNRES, "DB_POOL", "production", None),
        id="fetch-no-default",
    ),
    pytest.param(
        "production:\n  pool: <%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5) %>\n",
        (2, 9, "<%= Sidekiq.server? ? ENV.fetch('SIDEKIQ_CONCURRENCY', 10) : ENV.fetch('RAILS_MAX_THREADS', 5) %>", "production.pool", "max_size", None, None, UNRES, None, "production", None),
        id="ternary-chatwoot",
    ),
    pytest.param(
        "production:\n  pool: <%= 15 %>\n",
        (2, 9, "<%= 15 %>", "production.pool", "max_size", 15, 15, LIT, None, "production", "15"),
        id="erb-literal",
    ),
    pytest.param(
        "production:\n  pool: \"<%= ENV.fetch('DB_POOL') { 9 } %>\"\n",
        (2, 9, "\"<%= ENV.fetch('DB_POOL') { 9 } %>\"", "production.pool", "max_size", 9, 9, DEF, "DB_POOL", "production", "9"),
        id="quoted-erb",
    ),
    pytest.param(
        "staging:\n  max_connections: 25\n",
        (2, 20, "25", "staging.max_connections", "max_size", 25, 25, LIT, None, "staging", "25"),
        id="rails-8-1-max-connections",
    ),
    pytest.param(
        "production:\n  min_connections: 2\n",
        (2, 20, "2", "production.min_connections", "min_idle", 2, 2, LIT, None, "production", "2"),
        id="min-connections",
    ),
    pytest.param(
        "production:\n  checkout_timeout: 5\n",
        (2, 21, "5", "production.checkout_timeout", "acquire_timeout", 5, 5, LIT, None, "production", "5"),
        id="checkout-timeout",
    ),
    pytest.param(
        "production:\n  idle_timeout: 300\n",
        (2, 17, "300", "production.idle_timeout", "idle_timeout", 300, 300, LIT, None, "production", "300"),
        id="idle-timeout",
    ),
    pytest.param(
        'production:\n  url: <%= ENV["DATABASE_URL"] %>?pool=15\n',
        (2, 40, "15", "production.url?pool", "max_size", 15, 15, LIT, None, "production", "15"),
        id="url-pool-param",
    ),
    pytest.param(
        "production:\n  url: postgres://app@db/app?sslmode=require&pool=8\n",
        (2, 51, "8", "production.url?pool", "max_size", 8, 8, LIT, None, "production", "8"),
        id="literal-url-pool-param",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERB)
def test_rails_value(text: str, expected: tuple[object, ...]) -> None:
    (s,) = source.extract(DB, text).settings
    assert facts(text, s) == expected
    assert (s.path, s.kind, s.framework) == (DB, "yaml", "rails")


def test_ignored_block_and_ternary_say_why_in_the_note() -> None:
    block = source.extract(DB, "production:\n  pool: <%= ENV['X'] { 5 } %>\n").settings[0]
    assert block.note is not None and "ignored" in block.note
    ternary = source.extract(DB, "production:\n  pool: <%= a? ? 1 : 2 %>\n").settings[0]
    assert ternary.note == "computed by ERB: a? ? 1 : 2"


GENERATED = """\
# PostgreSQL. Versions 9.3 and up are supported.
default: &default
  adapter: postgresql
  encoding: unicode
  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>
  timeout: 5000

development:
  <<: *default
  database: orders_development

test:
  <<: *default
  database: orders_test
  pool: 2

production:
  <<: *default
  database: orders_production
  password: <%= ENV["ORDERS_DATABASE_PASSWORD"] %>
"""


def test_anchor_is_reported_and_inherited_by_each_merging_section() -> None:
    found = settings(GENERATED)
    anchor = (5, 9, '<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>')
    assert facts(GENERATED, found["default.pool"])[:3] == anchor
    assert facts(GENERATED, found["development.pool"])[:3] == anchor
    assert facts(GENERATED, found["production.pool"])[:3] == anchor
    assert [(k, s.environment, s.written) for k, s in found.items()] == [
        ("default.pool", "any", 5),
        ("development.pool", "development", 5),
        ("test.pool", "test", 2),
        ("production.pool", "production", 5),
    ]
    # Every inherited setting edits the anchor: one place, written once.
    assert found["production.pool"].origin == found["default.pool"].origin
    assert found["production.pool"].note == "inherited from default"
    assert found["default.pool"].note == "anchor: inherited by development, production"
    assert found["production.pool"].pool == "production"
    assert (found["test.pool"].line, found["test.pool"].note) == (15, None)


def test_section_override_wins_over_the_anchor() -> None:
    text = "default: &default\n  pool: 5\nproduction:\n  <<: *default\n  pool: 20\n"
    found = settings(text)
    assert sorted(found) == ["default.pool", "production.pool"]
    assert (found["production.pool"].line, found["production.pool"].written, found["production.pool"].note) == (5, 20, None)


def test_multi_database_nesting_and_chained_anchors() -> None:
    text = (
        "default: &default\n  adapter: postgresql\n  max_connections: 5\n"
        "production:\n"
        "  primary: &primary_production\n    <<: *default\n    database: app\n"
        "  primary_replica:\n    <<: *primary_production\n    replica: true\n"
        "  cache:\n    <<: *default\n    max_connections: 3\n"
        "  queue:\n    <<: *default\n"
    )
    found = settings(text)
    assert {k: (s.line, s.written, s.environment, s.pool) for k, s in found.items()} == {
        "default.max_connections": (3, 5, "any", "default"),
        "production.primary.max_connections": (3, 5, "production", "production.primary"),
        "production.primary_replica.max_connections": (3, 5, "production", "production.primary_replica"),
        "production.cache.max_connections": (13, 3, "production", "production.cache"),
        "production.queue.max_connections": (3, 5, "production", "production.queue"),
    }
    assert found["production.primary_replica.max_connections"].note == "inherited from default"


def test_merge_of_a_list_of_anchors_takes_the_first() -> None:
    text = "a: &a\n  pool: 4\nb: &b\n  pool: 9\n  checkout_timeout: 3\nproduction:\n  <<: [*a, *b]\n"
    found = settings(text)
    assert (found["production.pool"].line, found["production.pool"].written) == (2, 4)
    assert (found["production.checkout_timeout"].line, found["production.checkout_timeout"].written) == (5, 3)


def test_whole_section_alias() -> None:
    text = "default: &default\n  pool: 6\nstaging: *default\n"
    found = settings(text)
    assert (found["staging.pool"].line, found["staging.pool"].environment, found["staging.pool"].note) == (
        2, "staging", "inherited from default",
    )


def test_erb_control_flow_lines_parse() -> None:
    text = (
        "production:\n"
        "<% if ENV['SHARDED'] %>\n"
        "  pool: 30\n"
        "<% else %>\n"
        "  pool: <%= ENV.fetch('DB_POOL') { 10 } %>\n"
        "<% end %>\n"
        "<%# a comment tag %>\n"
    )
    found = source.extract(DB, text).settings
    # Both branches are written in the file; each is a setting at its own line.
    assert [(s.line, s.written) for s in found] == [(3, 30), (5, 10)]


def test_crlf_database_yml() -> None:
    text = GENERATED.replace("\n", "\r\n")
    found = settings(text)
    assert facts(text, found["default.pool"])[:3] == (5, 9, '<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>')
    origin = found["default.pool"].origin
    assert origin is not None and (origin.line, origin.column, text[origin.span.start : origin.span.end]) == (5, 46, "5")


NOT_SETTINGS = [
    pytest.param("production:\n  timeout: 5000\n  reaping_frequency: 10\n", id="sqlite-timeout"),
    pytest.param("production:\n  adapter: postgresql\n  # pool: 50\n", id="commented-out"),
    pytest.param("production:\n  pool:\n", id="empty-pool"),
    pytest.param("production:\n  variables:\n    statement_timeout: 5000\n", id="variables"),
    pytest.param("production:\n  url: <%= ENV['DATABASE_URL'] %>\n", id="url-without-params"),
]


@pytest.mark.parametrize("text", NOT_SETTINGS)
def test_not_settings(text: str) -> None:
    assert source.extract(DB, text).settings == []


def test_malformed_database_yml_names_the_line() -> None:
    with pytest.raises(SourceError) as info:
        source.extract(DB, "default: &default\n  pool: 5\nproduction:\n  <<: *missing\n")
    assert info.value.line == 4


def test_url_only_section() -> None:
    text = "production: postgres://app@db/app?pool=12\n"
    (s,) = source.extract(DB, text).settings
    assert (s.key, s.line, s.column, s.written, s.environment) == ("production?pool", 1, 40, 12, "production")


def test_a_python_database_yaml_is_read_as_app_config() -> None:
    text = "database:\n  host: db\n  pool_size: 10\n"
    (s,) = source.extract("config/database.yaml", text).settings
    assert (s.key, s.framework, s.written) == ("database.pool_size", "app-config", 10)
