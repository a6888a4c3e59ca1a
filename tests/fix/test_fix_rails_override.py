"""A Rails `default: &default` anchor merged by development, test and production: under the
default policy (`pools.fix_shared: edit`) a fix raises the anchor's value, for every
environment; under `fix_shared: override`, when development and test inherit the same value
and need no fix, the anchor is left alone and production gets its own `pool:` at the end of
its section, and the change says so.  Exact unified diffs, LF and CRLF, and a second run that
changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import changelog

from .conftest import make_tree, run_fix, tree_bytes

DB = "config/database.yml"
GEMFILE = {"Gemfile": 'source "https://rubygems.org"\n'}
OVERRIDE = {".poolaudit.yaml": "pools:\n  fix_shared: override\n"}
HEAD = f"--- a/{DB}\n+++ b/{DB}\n"
TEXT = (
    "default: &default\n"
    "  adapter: postgresql\n"
    '  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n'
    "\n"
    "development:\n"
    "  <<: *default\n"
    "  database: app_dev\n"
    "\n"
    "test:\n"
    "  <<: *default\n"
    "  database: app_test\n"
    "\n"
    "production:\n"
    "  <<: *default\n"
    "  database: app_prod  # the primary\n"
    "\n"
    "# replicas are configured elsewhere\n"
)
NOTE = "override added to production (default: is shared with development, test)"


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


CASES = [
    pytest.param(
        OVERRIDE,
        TEXT,
        HEAD + "@@ -13,5 +13,6 @@\n"
        " production:\n"
        "   <<: *default\n"
        "   database: app_prod  # the primary\n"
        "+  pool: 10\n"
        " \n"
        " # replicas are configured elsewhere\n",
        TEXT.replace("# the primary\n", "# the primary\n  pool: 10\n"),
        ("production.pool", "", "10"),
        NOTE,
        id="override-lf-production-gets-its-own-key",
    ),
    pytest.param(
        OVERRIDE,
        _crlf(TEXT),
        HEAD + "@@ -13,5 +13,6 @@\n"
        " production:\r\n"
        "   <<: *default\r\n"
        "   database: app_prod  # the primary\r\n"
        "+  pool: 10\r\n"
        " \r\n"
        " # replicas are configured elsewhere\r\n",
        _crlf(TEXT.replace("# the primary\n", "# the primary\n  pool: 10\n")),
        ("production.pool", "", "10"),
        NOTE,
        id="override-crlf-kept",
    ),
    pytest.param(
        OVERRIDE,
        TEXT.split("production:")[0] + "production:\n  <<: *default  # all of it",
        HEAD + "@@ -11,4 +11,5 @@\n"
        "   database: app_test\n"
        " \n"
        " production:\n"
        "-  <<: *default  # all of it\n"
        "\\ No newline at end of file\n"
        "+  <<: *default  # all of it\n"
        "+  pool: 10\n"
        "\\ No newline at end of file\n",
        None,
        ("production.pool", "", "10"),
        NOTE,
        id="override-after-a-merge-line-no-trailing-newline",
    ),
    pytest.param(
        {},
        TEXT,
        HEAD + "@@ -1,6 +1,6 @@\n"
        " default: &default\n"
        "   adapter: postgresql\n"
        '-  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>\n'
        '+  pool: <%= ENV.fetch("RAILS_MAX_THREADS") { 10 } %>\n'
        " \n"
        " development:\n"
        "   <<: *default\n",
        TEXT.replace("{ 5 }", "{ 10 }"),
        ("production.pool", "5", "10"),
        None,
        id="default-policy-edits-the-anchor",
    ),
]


@pytest.mark.parametrize(("policy", "text", "diff", "after", "change", "note"), CASES)
def test_shared_anchor_is_edited_or_overridden(
    service: Path,
    policy: dict[str, str],
    text: str,
    diff: str,
    after: str | None,
    change: tuple[str, str, str],
    note: str | None,
) -> None:
    make_tree(service, {**GEMFILE, **policy, DB: text})
    before = tree_bytes(service)
    preview = run_fix(service, write=False)
    assert changelog.diff(preview) == diff
    assert tree_bytes(service) == before
    report = run_fix(service, write=True)
    assert [(c.key, c.old, c.new) for c in report.changes] == [change]
    assert report.refused == []
    (only,) = report.changes
    if note is None:
        # The anchor's edit names every environment it changes.
        assert only.environments == ("any", "development", "production", "test")
        assert "override" not in only.reason
    else:
        assert only.environments == ("production",)
        assert only.reason.endswith("; " + note)
        assert note in changelog.commit_message(report.changes)
    if after is not None:
        assert (service / DB).read_bytes() == after.encode()
    again = run_fix(service, write=True)
    assert again.new_texts == {} and again.written == []
    assert not [f for f in again.remaining if f.code == "PA101"]


NO_OVERRIDE = [
    pytest.param(
        TEXT.replace("test:\n  <<: *default\n  database: app_test\n\n", "").replace(
            "development:\n  <<: *default\n  database: app_dev\n\n", ""),
        id="only-production-merges-the-anchor",
    ),
    pytest.param(
        TEXT.replace("  database: app_dev\n", "  database: app_dev\n  pool: 2\n").replace(
            "  database: app_test\n", "  database: app_test\n  pool: 2\n"),
        id="the-other-environments-write-their-own-pool",
    ),
]


@pytest.mark.parametrize("text", NO_OVERRIDE)
def test_anchor_shared_with_nobody_else_is_still_edited(service: Path, text: str) -> None:
    """`override` leaves only values other environments share: here none does."""
    make_tree(service, {**GEMFILE, **OVERRIDE, DB: text})
    report = run_fix(service, write=True)
    assert [(c.key, c.old, c.new) for c in report.changes] == [("production.pool", "5", "10")]
    assert "{ 10 }" in (service / DB).read_text()
