"""Every rule on Setting records: a flagged table (exact message, bound, fix) and an OK table."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from poolaudit import rules
from poolaudit.model import Insertion, Provenance, Setting, Severity, Skipped, Span, Suppression
from poolaudit.policy import Bounds

HIKARI = "spring.datasource.hikari"


def s(canonical: str = "max_size", value: Any = 4, **kw: Any) -> Setting:
    """A setting of a Spring production pool, unless told otherwise."""
    leaf = {
        "max_size": "maximum-pool-size", "acquire_timeout": "connection-timeout", "min_idle": "minimum-idle",
        "overflow": "max-overflow", "recycle": "pool-recycle", "pre_ping": "pre-ping",
        "max_lifetime": "max-lifetime", "pool_class": "poolclass",
    }[canonical]  # fmt: skip
    base: dict[str, Any] = dict(
        path="payments-api/src/main/resources/application-prod.yml", line=7, column=30, span=Span(100, 101),
        kind="yaml", framework="spring", key=f"{HIKARI}.{leaf}", canonical=canonical, raw=str(value), value=value,
        provenance=Provenance.LITERAL, written=value, environment="production", service="payments-api", pool=HIKARI,
    )  # fmt: skip
    base.update(kw)
    return Setting(**base)


def b(**kw: Any) -> Bounds:
    return Bounds(environment=kw.pop("environment", "production"), **kw)


FLAGGED = [
    # (code, pool, bounds, message, expected, fix_to)
    pytest.param("PA101", [s()], b(min_size=10), "maximum-pool-size is 4; policy minimum for production is 10", 10, 10, id="PA101-literal"),
    pytest.param("PA101", [s()], b(min_size=10, recommended_size=20), None, 10, 20, id="PA101-recommended"),
    pytest.param("PA101", [s()], b(min_size=10, recommended_size=20, max_size=15), None, 10, 15, id="PA101-recommended-capped"),
    pytest.param("PA101", [s()], b(min_size=10, recommended_size=5), None, 10, 10, id="PA101-recommended-below-min"),
    pytest.param("PA101", [s()], b(min_size=10, max_size=8), None, 10, None, id="PA101-bound-cannot-be-met"),
    pytest.param(
        "PA101", [s(raw="${DB_POOL_SIZE:4}", provenance=Provenance.ENV_DEFAULT, env_var="DB_POOL_SIZE")], b(min_size=10),
        "maximum-pool-size is 4 (default of ${DB_POOL_SIZE:4}); policy minimum for production is 10", 10, 10, id="PA101-env-default",
    ),
    pytest.param(
        "PA101", [s(raw="${DB_POOL_SIZE:20}", provenance=Provenance.ENV_FILE, env_var="DB_POOL_SIZE", env_file=".env.production")],
        b(min_size=10), "maximum-pool-size is 4 (DB_POOL_SIZE set in .env.production); policy minimum for production is 10",
        10, 10, id="PA101-env-file",
    ),
    pytest.param(
        "PA101", [s(value=5, raw="", span=None, key="create_engine.pool_size", provenance=Provenance.LIBRARY_DEFAULT, framework="sqlalchemy", kind="python")],
        b(min_size=10), "pool_size uses the library default 5; policy minimum for production is 10", 10, 10, id="PA101-library-default",
    ),
    pytest.param(
        "PA101", [s(environment="any")], b(min_size=10, assumed=True),
        "maximum-pool-size is 4; policy minimum for production is 10 (no environment named; production assumed)", 10, 10,
        id="PA101-assumed-environment",
    ),
    pytest.param("PA101", [s(raw="'4'")], b(min_size=10), "maximum-pool-size is 4; policy minimum for production is 10", 10, 10, id="PA101-quoted"),
    pytest.param(
        "PA101", [s(key="spec.template.spec.containers[0].env[name=DB_POOL_SIZE].value", framework="k8s")], b(min_size=10),
        "DB_POOL_SIZE is 4; policy minimum for production is 10", 10, 10, id="PA101-k8s-env-entry",
    ),
    pytest.param("PA102", [s(value=200)], b(max_size=100), "maximum-pool-size is 200; policy maximum for production is 100", 100, 100, id="PA102"),
    pytest.param("PA102", [s(value=200)], b(max_size=100, min_size=150), None, 100, None, id="PA102-bound-cannot-be-met"),
    pytest.param(
        "PA103", [s()], b(require_acquire_timeout=True, acquire_timeout_max=30),
        "no acquire timeout is set for this pool; policy for production requires one of at most 30 s", 30, None, id="PA103",
    ),
    pytest.param(
        "PA103",
        [s(), s("acquire_timeout", 30, raw="", span=None, provenance=Provenance.LIBRARY_DEFAULT, line=3,
               insertion=Insertion("a.py", 10, ", pool_timeout={value}"))],
        b(require_acquire_timeout=True, acquire_timeout_max=10),
        "no acquire timeout is set for this pool (library default 30 s); policy for production requires one of at most 10 s",
        10, 10, id="PA103-at-library-default-with-insertion",
    ),  # fmt: skip
    pytest.param(
        "PA104", [s("acquire_timeout", 60, raw="60000", unit="ms")], b(acquire_timeout_max=30),
        "connection-timeout is 60000 (60 s); policy maximum for production is 30 s", 30, 30, id="PA104-ms",
    ),
    pytest.param(
        "PA104", [s("acquire_timeout", 45, raw="45", key="pool_timeout")], b(acquire_timeout_max=30),
        "pool_timeout is 45 s; policy maximum for production is 30 s", 30, 30, id="PA104-seconds",
    ),
    pytest.param(
        "PA104", [s("acquire_timeout", 60, raw="1m", unit="duration")], b(acquire_timeout_max=30.0),
        "connection-timeout is 1m (60 s); policy maximum for production is 30 s", 30, 30, id="PA104-duration",
    ),
    pytest.param(
        "PA104", [s("acquire_timeout", 60, key="database.pool.timeout", framework="helm")], b(acquire_timeout_max=30),
        "pool.timeout is 60 s; policy maximum for production is 30 s", 30, 30, id="PA104-generic-key-keeps-its-parent",
    ),
    pytest.param(
        "PA104", [s("acquire_timeout", -1, raw="-1", key="maxWait")], b(acquire_timeout_max=30),
        "maxWait is -1: waits forever; policy maximum for production is 30 s", 30, 30, id="PA104-forever",
    ),
    pytest.param(
        "PA105", [s("overflow", 0, key="create_engine.max_overflow")], b(min_overflow=5),
        "max_overflow is 0; policy minimum overflow for production is 5", 5, 5, id="PA105",
    ),
    pytest.param(
        "PA106", [s(value=10)], b(require_recycle=True),
        "connections are never recycled or pre-pinged; policy for production requires one (pool_recycle, maxLifetime, CONN_MAX_AGE or pool_pre_ping)",
        None, None, id="PA106",
    ),
    pytest.param("PA106", [s(value=10), s("recycle", -1)], b(require_recycle=True), None, None, None, id="PA106-recycle-never"),
    pytest.param("PA106", [s(value=10), s("recycle", 0)], b(require_recycle=True), None, None, None, id="PA106-lifetime-infinite"),
    pytest.param("PA106", [s(value=10), s("pre_ping", False)], b(require_recycle=True), None, None, None, id="PA106-pre-ping-off"),
    pytest.param(
        # Django ignores CONN_MAX_AGE inside OPTIONS (PA108 reports it): it recycles nothing.
        "PA106",
        [s(value=10), s("recycle", 600, key="DATABASES.default.OPTIONS.CONN_MAX_AGE", framework="django",
                        note="ignored by Django inside OPTIONS: CONN_MAX_AGE belongs beside ENGINE")],
        b(require_recycle=True), None, None, None, id="PA106-dead-conn-max-age",
    ),
    pytest.param(
        "PA107", [s("pool_class", False, raw="NullPool", key="create_engine.poolclass")], b(),
        "poolclass is NullPool: every checkout opens a new connection in production", None, None, id="PA107",
    ),
    pytest.param(
        "PA108", [s(value=20, key="SQLALCHEMY_POOL_SIZE", note="ignored by Flask-SQLAlchemy 3 (removed in 3.0)")], b(),
        "SQLALCHEMY_POOL_SIZE has no effect: ignored by Flask-SQLAlchemy 3 (removed in 3.0)", None, None, id="PA108",
    ),
    pytest.param(
        "PA201", [s(value=None, raw="${DB_POOL_SIZE}", provenance=Provenance.UNRESOLVED, env_var="DB_POOL_SIZE")], b(),
        "maximum-pool-size is ${DB_POOL_SIZE}: value not known; no default and nothing in the repository sets DB_POOL_SIZE",
        None, None, id="PA201-env-var",
    ),
    pytest.param(
        "PA201", [s(value=None, raw="int(x)", note="max(DB_POOL // WEB_CONCURRENCY, 5)", provenance=Provenance.UNRESOLVED)], b(),
        "maximum-pool-size is max(DB_POOL // WEB_CONCURRENCY, 5): value not known", None, None, id="PA201-computed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("code", "pool", "bounds", "message", "expected", "fix_to"), FLAGGED)
def test_flagged(code: str, pool: list[Setting], bounds: Bounds, message: str | None, expected: Any, fix_to: Any) -> None:
    rule = rules.RULES[code]
    findings = rule.check(pool, bounds)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.code, finding.name, finding.severity) == (code, rule.NAME, rule.SEVERITY)
    if message is not None:
        assert finding.message == message
    assert (finding.expected, finding.fix_to) == (expected, fix_to)
    assert (finding.path, finding.line, finding.column) == (finding.setting.path, finding.setting.line, finding.setting.column)  # type: ignore[union-attr]


OK = [
    pytest.param("PA101", [s(value=10)], b(min_size=10), id="PA101-at-minimum"),
    pytest.param("PA101", [s(value=0, key="pool_size")], b(min_size=10), id="PA101-zero-is-unlimited"),
    pytest.param("PA101", [s(value=None, provenance=Provenance.UNRESOLVED)], b(min_size=10), id="PA101-unresolved"),
    pytest.param("PA101", [s()], b(), id="PA101-no-minimum"),
    pytest.param("PA101", [s("min_idle", 2)], b(min_size=10), id="PA101-min-idle-is-not-the-size"),
    pytest.param("PA101", [s(value=True)], b(min_size=10), id="PA101-not-a-number"),
    pytest.param("PA101", [s(note="ignored by Flask-SQLAlchemy 3")], b(min_size=10), id="PA101-dead-setting-is-PA108s"),
    pytest.param("PA102", [s(value=100)], b(max_size=100), id="PA102-at-maximum"),
    pytest.param("PA102", [s(value=500)], b(), id="PA102-no-maximum"),
    pytest.param("PA103", [s(), s("acquire_timeout", 10)], b(require_acquire_timeout=True), id="PA103-set"),
    pytest.param("PA103", [s()], b(), id="PA103-not-required"),
    pytest.param(
        "PA103", [s(kind="env", framework="env", key="DB_POOL_SIZE", pool="")], b(require_acquire_timeout=True),
        id="PA103-env-file-only-feeds-the-pool",
    ),
    pytest.param(
        "PA103", [s(kind="yaml", framework="k8s", key="env.DB_POOL_SIZE")], b(require_acquire_timeout=True),
        id="PA103-manifest-only-feeds-the-pool",
    ),
    pytest.param(
        "PA103", [s(), s("acquire_timeout", None, provenance=Provenance.UNRESOLVED)], b(require_acquire_timeout=True),
        id="PA103-set-but-unresolved",
    ),
    pytest.param(
        "PA103", [s("recycle", 600, framework="django", key="conn_max_age"), s("pre_ping", True, framework="django")],
        b(require_acquire_timeout=True), id="PA103-persistent-connections-are-no-pool",
    ),
    pytest.param(
        "PA103", [s(framework="pgbouncer", kind="ini", key="pgbouncer.default_pool_size")], b(require_acquire_timeout=True),
        id="PA103-pgbouncer-is-the-server-side",
    ),
    pytest.param(
        "PA103", [s(key="SQLALCHEMY_POOL_SIZE", note="ignored by Flask-SQLAlchemy 3")], b(require_acquire_timeout=True),
        id="PA103-dead-pool",
    ),
    pytest.param("PA104", [s("acquire_timeout", 30)], b(acquire_timeout_max=30), id="PA104-at-maximum"),
    pytest.param("PA104", [s("acquire_timeout", 0.25, raw="250", unit="ms")], b(acquire_timeout_max=30), id="PA104-short"),
    pytest.param("PA104", [s("acquire_timeout", 90)], b(), id="PA104-no-maximum"),
    pytest.param("PA104", [s("acquire_timeout", None, provenance=Provenance.UNRESOLVED)], b(acquire_timeout_max=30), id="PA104-unresolved"),
    pytest.param("PA105", [s("overflow", 0)], b(), id="PA105-no-minimum"),
    pytest.param("PA105", [s("overflow", 10)], b(min_overflow=5), id="PA105-enough"),
    pytest.param("PA105", [s("overflow", -1)], b(min_overflow=5), id="PA105-negative-is-unlimited"),
    pytest.param("PA105", [s()], b(min_overflow=5), id="PA105-no-overflow-written"),
    pytest.param("PA106", [s(), s("pre_ping", True)], b(require_recycle=True), id="PA106-pre-ping"),
    pytest.param("PA106", [s(), s("recycle", 3600)], b(require_recycle=True), id="PA106-recycle"),
    pytest.param("PA106", [s(), s("recycle", 0, key="CONN_MAX_AGE")], b(require_recycle=True), id="PA106-conn-max-age-0"),
    pytest.param("PA106", [s(), s("recycle", 1800, provenance=Provenance.LIBRARY_DEFAULT)], b(require_recycle=True), id="PA106-hikari-default-lifetime"),
    pytest.param("PA106", [s(), s("recycle", None, provenance=Provenance.UNRESOLVED)], b(require_recycle=True), id="PA106-unresolved"),
    pytest.param("PA106", [s(kind="env", framework="env")], b(require_recycle=True), id="PA106-env-file-only"),
    pytest.param("PA106", [s()], b(), id="PA106-not-required"),
    pytest.param("PA107", [s("pool_class", True, raw="QueuePool")], b(), id="PA107-pooling"),
    pytest.param("PA107", [s("pool_class", False, note="never bound: wrong prefix")], b(), id="PA107-dead"),
    pytest.param("PA108", [s()], b(), id="PA108-no-note"),
    pytest.param("PA108", [s(note="from settings.db_pool_size")], b(), id="PA108-neutral-note"),
    pytest.param("PA108", [s(value=None, provenance=Provenance.UNRESOLVED, note="ENV['IGNORED_POOL']")], b(), id="PA108-expression"),
    pytest.param("PA201", [s()], b(), id="PA201-literal"),
    pytest.param("PA201", [s(provenance=Provenance.LIBRARY_DEFAULT)], b(), id="PA201-library-default"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "pool", "bounds"), OK)
def test_ok(code: str, pool: list[Setting], bounds: Bounds) -> None:
    assert rules.RULES[code].check(pool, bounds) == []


def test_every_size_setting_of_a_pool_is_checked() -> None:
    pool = [s(value=4, line=3), s(value=5, line=9, key="spring.datasource.hikari.maximumPoolSize")]
    assert [f.line for f in rules.RULES["PA101"].check(pool, b(min_size=10))] == [3, 9]


def test_pool_level_findings_sit_at_the_size_setting() -> None:
    pool = [s("min_idle", 2, line=3), s(value=10, line=8)]
    (finding,) = rules.RULES["PA103"].check(pool, b(require_acquire_timeout=True))
    assert finding.line == 8


def test_messages_never_show_passwords() -> None:
    url = "postgresql://app:s3cr3t@db.internal/pay?pool=${POOL}"
    pool = [
        s(value=None, raw=url, provenance=Provenance.UNRESOLVED, note=url),
        s(value=2, raw=url.replace("${POOL}", "2")),
        s(value=2, raw="x", note=f"ignored: {url}"),
    ]
    messages = [f.message for code in ("PA101", "PA108", "PA201") for f in rules.RULES[code].check(pool, b(min_size=10))]
    assert len(messages) == 3  # PA101 (not for the dead setting), PA108, PA201
    for message in messages:
        assert "s3cr3t" not in message
        assert "app:****@" in message


@pytest.mark.parametrize(
    ("skipped", "expected"),
    [
        pytest.param(Skipped("svc/app.yml", "does not parse: mapping values are not allowed here", 3), ("svc/app.yml", 3), id="parse-error"),
        pytest.param(Skipped("svc/app.toml", "does not parse: nested too deeply"), ("svc/app.toml", 1), id="no-line"),
        pytest.param(Skipped("svc/logo.yml", "binary file"), None, id="binary-is-not-a-finding"),
        pytest.param(Skipped("svc/big.yml", "file too large (9 bytes; limit 4 MiB)"), None, id="too-large"),
        pytest.param(
            Skipped("chart/templates/deployment.yaml", "does not parse: Helm template: not YAML until rendered", 6),
            None, id="helm-template",
        ),
    ],
)  # fmt: skip
def test_file_not_parsed(skipped: Skipped, expected: tuple[str, int] | None) -> None:
    findings = rules.RULES["PA301"].check(skipped)
    assert [(f.path, f.line) for f in findings] == ([expected] if expected else [])
    for finding in findings:
        assert (finding.code, finding.severity, finding.setting) == ("PA301", Severity.WARNING, None)
        assert finding.message == f"file not checked: {skipped.reason}"


@pytest.mark.parametrize(
    ("suppression", "unused", "unknown", "message"),
    [
        pytest.param(Suppression("a.yml", 4, ("PA101",)), ("PA101",), (), "poolaudit: ignore[PA101]: PA101 matched no finding", id="unused"),
        pytest.param(Suppression("a.yml", 4, ()), (), (), "poolaudit: ignore: matched no finding", id="blanket"),
        pytest.param(Suppression("a.yml", 4, ("PA999", "PA101")), (), ("PA999",), "poolaudit: ignore[PA999,PA101]: unknown rule PA999", id="unknown"),
        pytest.param(
            Suppression("a.yml", 4, ("PA9", "PA101")), ("PA101",), ("PA9",),
            "poolaudit: ignore[PA9,PA101]: unknown rule PA9; PA101 matched no finding", id="both",
        ),
    ],
)  # fmt: skip
def test_unused_suppression(suppression: Suppression, unused: tuple[str, ...], unknown: tuple[str, ...], message: str) -> None:
    (finding,) = rules.RULES["PA302"].check(suppression, unused, unknown)
    assert (finding.path, finding.line, finding.column, finding.message) == ("a.yml", 4, 1, message)


def test_unused_suppression_with_nothing_to_say() -> None:
    assert rules.RULES["PA302"].check(Suppression("a.yml", 4, ("PA101",)), (), ()) == []


def test_findings_are_frozen_records() -> None:
    (finding,) = rules.RULES["PA101"].check([s()], b(min_size=10))
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "PA102"  # type: ignore[misc]
