"""The check stage: pools, skipped environments, selection, severities, suppressions,
fingerprints, order and the failing verdict."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from poolaudit import policy
from poolaudit.check import active_rules, check, failing
from poolaudit.errors import PolicyError
from poolaudit.model import Finding, Origin, Provenance, Setting, Severity, Skipped, Span, Suppression

APP = "payments-api/src/main/resources/application-prod.yml"


def s(canonical: str = "max_size", value: Any = 4, **kw: Any) -> Setting:
    base: dict[str, Any] = dict(
        path=APP, line=7, column=30, span=Span(100, 101), kind="yaml", framework="spring",
        key=f"spring.datasource.hikari.{canonical}", canonical=canonical, raw=str(value), value=value,
        provenance=Provenance.LITERAL, written=value, environment="production", service="payments-api",
        pool="spring.datasource.hikari",
    )  # fmt: skip
    base.update(kw)
    return Setting(**base)


def pol(**data: Any) -> policy.Policy:
    data.setdefault("pools", {"min_size": 10, "acquire_timeout_max": 30})
    return policy.Policy.model_validate(data)


def codes(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(f.code, f.line) for f in findings]


def test_the_outage_under_the_shipped_default() -> None:
    default = policy.load(policy.presets_dir() / "default.yaml", Path("."))
    findings = check([s(value=5, key="spring.datasource.hikari.maximum-pool-size")], [], [], default)
    assert [(f.code, f.severity, f.message) for f in findings] == [
        ("PA101", Severity.ERROR, "maximum-pool-size is 5; policy minimum for production is 10"),
        ("PA103", Severity.WARNING,
         "no acquire timeout is set for this pool; policy for production requires one of at most 30 s"),
    ]  # fmt: skip
    assert failing(findings, default)


def test_pools_are_grouped_by_path_pool_and_environment() -> None:
    required = pol(pools={"require_acquire_timeout": True})
    settings = [
        s(line=3), s("acquire_timeout", 10, line=4),  # pool 1: has a timeout
        s(line=9, pool="spring.datasource.replica.hikari"),  # pool 2: none
        s(line=12, environment="staging"),  # same pool id, other environment: its own pool
        s(line=15, path="other/app.yml"),  # same pool id, other file
    ]
    assert codes(check(settings, [], [], required)) == [("PA103", 15), ("PA103", 9), ("PA103", 12)]


@pytest.mark.parametrize(
    ("setting", "data"),
    [
        pytest.param(s(environment="test"), {}, id="test-environment"),
        pytest.param(s(environment="development"), {"pools": {"min_size": 10, "skip_environments": ["development"]}}, id="custom-skip"),
        pytest.param(s(environment="any"), {"pools": {"min_size": 10, "assume_environment": "test"}}, id="assumed-test"),
        pytest.param(s(migration_only=True), {}, id="migration-only"),
        pytest.param(s(path="svc/.env.example", kind="env", framework="env", environment="any"), {}, id="env-example-documents"),
        pytest.param(s(path="svc/env.sample", kind="env", framework="env", environment="any"), {}, id="env-sample-documents"),
        pytest.param(s(framework="redis"), {}, id="redis-not-included"),
        pytest.param(s(framework="celery"), {"include": ["redis"]}, id="celery-not-included"),
    ],
)  # fmt: skip
def test_not_checked(setting: Setting, data: dict[str, Any]) -> None:
    assert check([setting], [], [], pol(**data)) == []


def test_env_files_that_deploy_are_checked() -> None:
    for path in (".env", ".env.production", "deploy/app.env", ".env.local"):
        assert codes(check([s(path=path, kind="env", framework="env")], [], [], pol())) == [("PA101", 7)], path


def test_included_redis_is_checked() -> None:
    assert codes(check([s(framework="redis")], [], [], pol(include=["redis"]))) == [("PA101", 7)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param({}, ["PA101", "PA104", "PA201"], id="all-by-default"),
        pytest.param({"select": ["PA1"]}, ["PA101", "PA104"], id="select-prefix"),
        pytest.param({"select": ["pool-undersized"]}, ["PA101"], id="select-name"),
        pytest.param({"ignore": ["PA104", "value-unresolved"]}, ["PA101"], id="ignore"),
        pytest.param({"select": ["ALL"], "ignore": ["PA1"]}, ["PA201"], id="all-minus-prefix"),
    ],
)  # fmt: skip
def test_select_and_ignore(data: dict[str, Any], expected: list[str]) -> None:
    settings = [s(line=1), s("acquire_timeout", 60, line=2), s(value=None, provenance=Provenance.UNRESOLVED, line=3)]
    assert [f.code for f in check(settings, [], [], pol(**data))] == expected


def test_cli_selection_is_validated_at_check_time() -> None:
    # The CLI merges --select with model_copy, which does not validate.
    loaded = pol().model_copy(update={"select": ["PA999"]})
    with pytest.raises(PolicyError, match="select: unknown rule 'PA999'"):
        check([s()], [], [], loaded)
    assert active_rules(pol().model_copy(update={"ignore": ["PA2", "PA3", "PA4"]})) == [f"PA10{i}" for i in range(1, 9)]


def test_overrides_can_switch_a_rule_off_for_some_services() -> None:
    data = {"pools": {"min_size": 10, "overrides": [{"services": ["legacy-*"], "ignore": ["pool-undersized"]}]}}
    settings = [s(line=1), s(line=2, service="legacy-batch", path="legacy-batch/app.yml")]
    assert [(f.code, f.path) for f in check(settings, [], [], pol(**data))] == [("PA101", APP)]


def test_severity_from_policy() -> None:
    findings = check([s()], [], [], pol(severity={"pool-undersized": "warning"}))
    assert [(f.code, f.severity) for f in findings] == [("PA101", Severity.WARNING)]
    assert not failing(findings, pol())
    assert failing(findings, pol(fail_on="warning"))


@pytest.mark.parametrize(
    ("severities", "fail_on", "fails"),
    [
        pytest.param([], "error", False, id="clean"),
        pytest.param([Severity.INFO, Severity.WARNING], "error", False, id="warnings-under-error"),
        pytest.param([Severity.INFO, Severity.WARNING], "warning", True, id="warnings-under-warning"),
        pytest.param([Severity.INFO], "warning", False, id="info-never-fails"),
        pytest.param([Severity.ERROR], "error", True, id="error"),
    ],
)
def test_failing(severities: list[Severity], fail_on: str, fails: bool) -> None:
    findings = [Finding("PA101", "pool-undersized", sev, "m", "a", 1, 1) for sev in severities]
    assert failing(findings, pol(fail_on=fail_on)) is fails


def test_a_rails_anchor_is_checked_in_its_environments_not_again_as_any() -> None:
    common = dict(path="config/database.yml", line=14, column=9, framework="rails", value=5)
    settings = [
        s(key="default.pool", environment="any", pool="default", **common),
        s(key="development.pool", environment="development", pool="development", **common),
        s(key="production.primary.pool", environment="production", pool="production.primary", **common),
    ]
    assert [(f.code, f.setting.key) for f in check(settings, [], [], pol(pools={"environments": {"production": {"min_size": 10}}}))] == [  # type: ignore[union-attr]
        ("PA101", "production.primary.pool")
    ]


def test_an_anchor_no_named_environment_inherits_is_checked() -> None:
    setting = s(key="default.pool", environment="any", pool="default", path="config/database.yml", line=3)
    assert codes(check([setting], [], [], pol())) == [("PA101", 3)]


def test_a_value_read_from_an_env_file_is_reported_once_where_it_is_written() -> None:
    env = s(path=".env.production", line=4, column=14, span=Span(40, 41), kind="env", framework="env", key="DB_POOL_SIZE", value=5, pool="DB")
    reader = s(
        path="app/db.py", line=14, column=15, span=Span(300, 321), kind="python", framework="sqlalchemy", key="pool_size",
        value=5, raw="settings.db_pool_size", provenance=Provenance.ENV_FILE, env_var="DB_POOL_SIZE",
        env_file=".env.production", environment="any", pool="create_engine@12",
        origin=Origin(".env.production", Span(40, 41), 4, 14),
    )  # fmt: skip
    assert [(f.code, f.path) for f in check([env, reader], [], [], pol())] == [("PA101", ".env.production")]
    # In hook mode only the reader may be reported: then it is.
    assert [(f.code, f.path) for f in check([reader], [], [], pol())] == [("PA101", "app/db.py")]


# -- pools split over a base file and per-environment files ----------------------------------------

BASE = "orders/src/main/resources/application.yml"
PROD = "orders/src/main/resources/application-prod.yml"
DEFAULT_LIKE = {"pools": {
    "acquire_timeout_max": 30,
    "environments": {"production": {"min_size": 10, "require_acquire_timeout": True}},
}}  # fmt: skip


def spring(path: str, environment: str, canonical: str, value: Any, line: int) -> Setting:
    return s(canonical, value, path=path, environment=environment, line=line, service="orders")


SPLIT_CASES = [
    pytest.param(
        [spring(BASE, "any", "max_size", 5, 3), spring(PROD, "production", "max_size", 20, 4)], [("PA103", PROD)],
        id="base-overridden-by-production-is-not-production",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 5, 3), spring(PROD, "production", "max_size", 6, 4)],
        [("PA101", PROD), ("PA103", PROD)], id="only-the-production-value-is-production",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 5, 3), spring(PROD, "production", "acquire_timeout", 60, 4)],
        [("PA101", BASE), ("PA104", PROD)], id="base-size-not-overridden-is-assumed-production",
    ),
    pytest.param(
        [spring(BASE, "any", "acquire_timeout", 10, 3), spring(PROD, "production", "max_size", 20, 4)], [],
        id="production-pool-inherits-the-base-timeout",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 12, 3), spring(PROD, "production", "acquire_timeout", 10, 4)], [],
        id="base-pool-sees-the-production-timeout",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 12, 3), spring(PROD, "production", "min_idle", 2, 4)], [("PA103", BASE)],
        id="one-missing-timeout-for-one-pool",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 5, 3), spring(BASE, "production", "max_size", 20, 12)], [("PA103", BASE)],
        id="profile-documents-in-one-file",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 5, 3), s(path="ledger/application-prod.yml", service="ledger", value=20, line=4)],
        [("PA101", BASE), ("PA103", BASE), ("PA103", "ledger/application-prod.yml")], id="other-services-do-not-override",
    ),
    pytest.param(
        [spring(BASE, "any", "max_size", 500, 3), spring(PROD, "production", "max_size", 20, 4)],
        [("PA102", BASE), ("PA103", PROD)], id="overridden-base-still-meets-the-bounds-of-every-environment",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("settings", "expected"), SPLIT_CASES)
def test_pools_split_over_files(settings: list[Setting], expected: list[tuple[str, str]]) -> None:
    data = {**DEFAULT_LIKE, "pools": {**DEFAULT_LIKE["pools"], "max_size": 100}}
    found = check(settings, [], [], pol(**data))
    assert sorted((f.code, f.path) for f in found) == sorted(expected)


def test_env_file_overridden_by_the_production_env_file() -> None:
    base = s(path="svc/.env", kind="env", framework="env", key="DB_POOL_SIZE", pool="DB", environment="any", value=5)
    prod = s(path="svc/.env.production", kind="env", framework="env", key="DB_POOL_SIZE", pool="DB", value=20)
    assert check([base, prod], [], [], pol(**DEFAULT_LIKE)) == []
    assert [(f.code, f.path) for f in check([base], [], [], pol(**DEFAULT_LIKE))] == [("PA101", "svc/.env")]


# -- suppressions ---------------------------------------------------------------------------------

SUPPRESSION_CASES = [
    # (suppressions, remaining (code, line)); PA302 sits at column 1, before the value
    pytest.param([Suppression(APP, 7, ("PA101",))], [], id="on-the-line"),
    pytest.param([Suppression(APP, 6, ("PA101",), "batch job")], [], id="on-the-line-before"),
    pytest.param([Suppression(APP, 7, ())], [], id="all-codes"),
    pytest.param([Suppression(APP, 7, ("pool-undersized",))], [], id="by-name"),
    pytest.param([Suppression(APP, 7, ("PA104", "PA101"))], [("PA302", 7)], id="one-code-of-two-unused"),
    pytest.param([Suppression(APP, 5, ("PA101",))], [("PA302", 5), ("PA101", 7)], id="two-lines-before-is-too-far"),
    pytest.param([Suppression(APP, 8, ("PA101",))], [("PA101", 7), ("PA302", 8)], id="the-line-after-is-not-covered"),
    pytest.param([Suppression("other.yml", 7, ("PA101",))], [("PA302", 7), ("PA101", 7)], id="other-file"),
    pytest.param([Suppression(APP, 7, ("PA102",))], [("PA302", 7), ("PA101", 7)], id="other-code"),
    pytest.param([Suppression(APP, 7, ("PA999",))], [("PA302", 7), ("PA101", 7)], id="unknown-code"),
    pytest.param([Suppression(APP, 7, ("PA101", "PA999"))], [("PA302", 7)], id="unknown-beside-a-used-code"),
    pytest.param([Suppression(APP, 2, ())], [("PA302", 2), ("PA101", 7)], id="blanket-unused"),
    pytest.param([Suppression(APP, 7, ("PA101",)), Suppression(APP, 6, ("PA101",))], [], id="two-cover-one-finding"),
]  # fmt: skip


@pytest.mark.parametrize(("suppressions", "remaining"), SUPPRESSION_CASES)
def test_suppressions(suppressions: list[Suppression], remaining: list[tuple[str, int]]) -> None:
    assert codes(check([s()], [], suppressions, pol())) == remaining


def test_unused_suppression_messages() -> None:
    found = check([s()], [], [Suppression(APP, 7, ("PA101", "PA104", "PA999"))], pol())
    assert [f.message for f in found] == ["poolaudit: ignore[PA101,PA104,PA999]: unknown rule PA999; PA104 matched no finding"]


@pytest.mark.parametrize(
    ("settings", "suppressions", "data"),
    [
        pytest.param([s(environment="test")], [Suppression(APP, 7, ("PA101",))], {}, id="beside-a-skipped-setting"),
        pytest.param([s(value=20)], [Suppression(APP, 7, ("PA104",))], {"ignore": ["PA104"]}, id="code-not-run"),
        pytest.param([s(value=20)], [Suppression(APP, 7, ("PA101",))], {"ignore": ["PA302"]}, id="PA302-ignored"),
    ],
)  # fmt: skip
def test_suppressions_not_reported_as_unused(settings: list[Setting], suppressions: list[Suppression], data: dict[str, Any]) -> None:
    assert check(settings, [], suppressions, pol(**data)) == []


def test_unused_suppressions_can_be_raised_to_errors() -> None:
    (finding,) = check([], [], [Suppression("a.yml", 1, ("PA101",))], pol(severity={"PA302": "error"}))
    assert finding.severity is Severity.ERROR


# -- skipped files ----------------------------------------------------------------------------------


def test_files_that_do_not_parse() -> None:
    skipped = [
        Skipped("svc/config/app.yml", "does not parse: mapping values are not allowed here", 3),
        Skipped("svc/tests/data/broken.yml", "does not parse: bad indentation", 2),  # test folder: skipped env
        Skipped("svc/logo.yml", "binary file"),
    ]
    assert [(f.code, f.path, f.line) for f in check([], skipped, [], pol())] == [("PA301", "svc/config/app.yml", 3)]


# -- fingerprints and order -------------------------------------------------------------------------


def fingerprint(setting: Setting, data: dict[str, Any] | None = None) -> str:
    (finding,) = check([setting], [], [], pol(**(data or {})))
    return finding.fingerprint


def test_fingerprint_is_short_hex() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", fingerprint(s()))


@pytest.mark.parametrize(
    ("other", "same"),
    [
        pytest.param(s(line=40, column=3, span=Span(900, 901)), True, id="moved-to-another-line"),
        pytest.param(s(value=3, raw="3"), True, id="another-undersized-value"),
        pytest.param(s(key="spring.datasource.hikari.maximumPoolSize"), False, id="different-key"),
        pytest.param(s(environment="staging"), False, id="different-environment"),
        pytest.param(s(pool="spring.datasource.replica.hikari"), False, id="different-pool"),
        pytest.param(s(path="ledger/application-prod.yml"), False, id="different-path"),
    ],
)  # fmt: skip
def test_fingerprint_stability(other: Setting, same: bool) -> None:
    assert (fingerprint(other, {"pools": {"min_size": 10, "environments": {"staging": {"min_size": 10}}}}) == fingerprint(s())) is same


def test_colliding_findings_get_distinct_stable_fingerprints() -> None:
    twins = [s(line=3), s(line=9)]  # same key, pool and environment: e.g. a key written twice
    first = [f.fingerprint for f in check(twins, [], [], pol())]
    assert len(set(first)) == 2
    moved = [f.fingerprint for f in check([s(line=5), s(line=12)], [], [], pol())]
    assert moved == first


def test_file_level_fingerprints_ignore_the_line() -> None:
    one = check([], [Skipped("a.yml", "does not parse: x", 3)], [], pol())
    two = check([], [Skipped("a.yml", "does not parse: x", 8)], [], pol())
    assert one[0].fingerprint == two[0].fingerprint


def test_findings_sorted_by_path_line_column_code() -> None:
    settings = [
        s(path="b.yml", line=1, pool="p1"),
        s("acquire_timeout", 60, path="a.yml", line=5, column=9, pool="p2"),
        s(path="a.yml", line=5, column=9, pool="p2"),
        s(path="a.yml", line=5, column=2, pool="p3"),
        s(path="a.yml", line=2, pool="p4"),
    ]
    found = check(settings, [], [], pol())
    assert [(f.path, f.line, f.column, f.code) for f in found] == [
        ("a.yml", 2, 30, "PA101"),
        ("a.yml", 5, 2, "PA101"),
        ("a.yml", 5, 9, "PA101"),
        ("a.yml", 5, 9, "PA104"),
        ("b.yml", 1, 30, "PA101"),
    ]
