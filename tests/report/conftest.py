"""Hand-built results for the report tests, and a fixed rule registry.

`poolaudit.rules` is faked so that golden output does not move when the real rules' wording
changes (the real registry is exercised by `test_real_rule_registry`).  Tests reach the
results through the `samples` fixture: with `--import-mode=importlib` a helper module beside
the tests cannot be imported by name.
"""

from __future__ import annotations

import sys
from types import ModuleType, SimpleNamespace

import pytest

from poolaudit.model import Finding, Provenance, Result, Setting, Severity, Skipped, Span

FAKE_RULES = {
    "PA101": SimpleNamespace(
        CODE="PA101",
        NAME="pool-undersized",
        SEVERITY=Severity.ERROR,
        SUMMARY="A pool is smaller than the policy's minimum for its environment.",
        __doc__="""A pool is smaller than the policy's minimum for its environment.

        Under peak load requests wait for a connection instead of running.
        """,
    ),
    "PA103": SimpleNamespace(
        CODE="PA103",
        NAME="acquire-timeout",
        SEVERITY=Severity.WARNING,
        SUMMARY="The acquire timeout is missing or longer than the policy allows.",
        __doc__="The acquire timeout is missing or longer than the policy allows.",
    ),
}


@pytest.fixture(autouse=True)
def fake_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """`poolaudit.rules` as the formats import it, holding FAKE_RULES only."""
    module = ModuleType("poolaudit.rules")
    module.RULES = FAKE_RULES  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "poolaudit.rules", module)


SECRET_URL = "postgres://app:s3cr3t@db/x?pool_max_conns=3"


def setting(**changes: object) -> Setting:
    base = Setting(
        path="config/application.yml",
        line=4,
        column=28,
        span=Span(60, 77),
        kind="yaml",
        framework="spring",
        key="spring.datasource.hikari.maximum-pool-size",
        canonical="max_size",
        raw="${DB_POOL_SIZE:4}",
        value=4,
        provenance=Provenance.ENV_DEFAULT,
        written=4,
        env_var="DB_POOL_SIZE",
        environment="production",
        service="payments-api",
        pool="spring.datasource.hikari",
    )
    return base.replace(**changes)


POOL = setting()
TIMEOUT = setting(
    line=5,
    column=31,
    span=Span(110, 115),
    key="spring.datasource.hikari.connection-timeout",
    canonical="acquire_timeout",
    raw="60000",
    value=60.0,
    written=60.0,
    provenance=Provenance.LITERAL,
    env_var=None,
    unit="ms",
)
LEDGER = setting(
    path="ledger/.env.production",
    line=2,
    column=14,
    span=Span(20, 22),
    kind="env",
    framework="dotenv",
    key="DB_POOL_SIZE",
    raw="12",
    value=12,
    written=12,
    provenance=Provenance.LITERAL,
    env_var=None,
    service="ledger",
    pool="production",
)
COMPLIANT = setting(
    path="ledger/config/database.yml",
    line=3,
    column=9,
    span=Span(30, 32),
    key="production.pool",
    raw="20",
    value=20,
    written=20,
    provenance=Provenance.ENV_FILE,
    env_var="RAILS_MAX_THREADS",
    env_file="ledger/.env.production",
    service="ledger",
    framework="rails",
    pool="production",
)


def sample() -> Result:
    return Result(
        settings=[POOL, TIMEOUT, LEDGER, COMPLIANT],
        findings=[
            Finding(
                "PA103",
                "acquire-timeout",
                Severity.WARNING,
                "connection-timeout is 60 s; policy maximum for production is 30 s",
                TIMEOUT.path,
                TIMEOUT.line,
                TIMEOUT.column,
                TIMEOUT,
                expected=30,
                fix_to=30,
                fingerprint="fp-timeout",
            ),
            Finding(
                "PA101",
                "pool-undersized",
                Severity.ERROR,
                "maximum-pool-size is 4; policy minimum for production is 10",
                POOL.path,
                POOL.line,
                POOL.column,
                POOL,
                expected=10,
                fix_to=10,
                fingerprint="fp-pool",
            ),
            Finding(
                "PA101",
                "pool-undersized",
                Severity.ERROR,
                "DB_POOL_SIZE is 12; policy minimum for production is 16",
                LEDGER.path,
                LEDGER.line,
                LEDGER.column,
                LEDGER,
                expected=16,
                fix_to=16,
                fingerprint="fp-ledger",
            ),
            Finding(
                "PA301",
                "file-not-parsed",
                Severity.INFO,
                "YAML does not parse: mapping values are not allowed here",
                "ledger/config/broken.yml",
                7,
                1,
                None,
                fingerprint="fp-broken",
            ),
        ],
        skipped=[
            Skipped(
                "ledger/config/broken.yml",
                "YAML does not parse: mapping values are not allowed here",
                7,
            ),
            Skipped("ledger/blob.env", "binary file"),
        ],
        roots=["/src"],
        files_scanned=40,
    )


def empty() -> Result:
    return Result(settings=[COMPLIANT], roots=["/src"], files_scanned=3)


def secret() -> Result:
    """Every text field that comes from a file carries a database URL with a password."""
    s = setting(
        path=".env",
        line=1,
        column=14,
        span=Span(13, 13 + len(SECRET_URL)),
        kind="env",
        framework="dotenv",
        key=f"DATABASE_URL {SECRET_URL}",
        raw=SECRET_URL,
        value=3,
        written=3,
        provenance=Provenance.LITERAL,
        env_var=None,
        note=f"from {SECRET_URL}",
    )
    message = f"pool_max_conns is 3 in {SECRET_URL}; policy minimum is 10"
    return Result(
        settings=[s],
        findings=[
            Finding(
                "PA101",
                "pool-undersized",
                Severity.ERROR,
                message,
                s.path,
                s.line,
                s.column,
                s,
                expected=10,
                fix_to=10,
                fingerprint="fp",
            )
        ],
        skipped=[Skipped("bad.env", f"cannot parse {SECRET_URL}", 2)],
        files_scanned=2,
    )


def small() -> Result:
    """One undersized pool and one skipped file: small enough for whole-document goldens."""
    finding = Finding(
        "PA101",
        "pool-undersized",
        Severity.ERROR,
        "maximum-pool-size is 4; policy minimum for production is 10",
        POOL.path,
        POOL.line,
        POOL.column,
        POOL,
        expected=10,
        fix_to=10,
        fingerprint="fp-pool",
    )
    return Result(
        settings=[POOL],
        findings=[finding],
        skipped=[Skipped("blob.env", "binary file")],
        files_scanned=5,
    )


@pytest.fixture
def samples() -> SimpleNamespace:
    """The builders and constants above, for tests."""
    return SimpleNamespace(
        SECRET_URL=SECRET_URL,
        sample=sample,
        empty=empty,
        small=small,
        secret=secret,
        setting=setting,
        POOL=POOL,
        TIMEOUT=TIMEOUT,
        LEDGER=LEDGER,
        COMPLIANT=COMPLIANT,
    )
