"""A policy that does not load names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from poolaudit import policy
from poolaudit.errors import PolicyError


def load_text(tmp_path: Path, name: str, text: str) -> policy.Policy:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return policy.load(path, tmp_path)


YAML_CASES = [
    pytest.param(
        "pools:\n  environments:\n    production:\n      min_size: ten\n",
        4, "pools.environments.production.min_size: Input should be a valid integer", id="wrong-type",
    ),
    pytest.param(
        "fail_on: error\npools:\n  min_sise: 10\n",
        3, "pools.min_sise: unknown field (did you mean 'min_size'?)", id="typo-unknown-field",
    ),
    pytest.param("colour: red\n", 1, "colour: unknown field", id="unknown-top-level"),
    pytest.param(
        "pools:\n  environments:\n    prod:\n      min_size: 10\n",
        3, "pools.environments.prod: Input should be 'production', 'staging'", id="unknown-environment",
    ),
    pytest.param(
        "pools:\n  overrides:\n    - services: [a]\n      min_size: 5\n    - services: [b]\n      max_size: 0\n",
        6, "pools.overrides[1].max_size: Input should be greater than or equal to 1", id="override-index",
    ),
    pytest.param("select: [PA101, PA999]\n", 1, "select[1]: unknown rule 'PA999'", id="unknown-rule-in-select"),
    pytest.param(
        "\nseverity:\n  pool-undersize: warning\n", 2, "severity: unknown rule 'pool-undersize'", id="unknown-rule-in-severity",
    ),
    pytest.param("severity:\n  PA101: fatal\n", 2, "severity.PA101: Input should be 'error', 'warning' or 'info'", id="bad-level"),
    pytest.param("fail_on: info\n", 1, "fail_on: Input should be 'error' or 'warning'", id="bad-fail-on"),
    pytest.param(
        "pools:\n  require_recycle: 'yes'\n", 2, "pools.require_recycle: Input should be a valid boolean", id="strict-bool",
    ),
    pytest.param(
        "pools:\n  min_size: '10'\n", 2, "pools.min_size: Input should be a valid integer", id="strict-int",
    ),
    pytest.param(
        "pools:\n  reason:\n    min_sizes: because\n", 2,
        "pools.reason: reason for unknown bound 'min_sizes'", id="reason-for-unknown-bound",
    ),
    pytest.param(
        "databases:\n  - name: main\n    max_connections: 100\n  - name: main\n    max_connections: 50\n",
        1, "databases: database 'main' is declared twice", id="duplicate-database",
    ),
    pytest.param(
        "databases:\n  - name: main\n    max_connections: 3\n", 2,
        "databases[0]: reserved_connections must be smaller than max_connections", id="reserve-above-budget",
    ),
    pytest.param(
        "databases:\n  - name: main\n", 2, "databases[0].max_connections: Field required", id="missing-field",
    ),
    pytest.param(
        "capacity:\n  replicas:\n    payments-*: many\n", 3, "capacity.replicas.payments-*: Input should be a valid integer",
        id="multiplier-type",
    ),
    pytest.param(
        "capacity:\n  processes:\n    default: 1\n    use_hpa_max: true\n", 4,
        "capacity.processes.use_hpa_max: Input should be a valid integer", id="replica-option-under-processes",
    ),
    pytest.param(
        "traffic:\n  payments-api:\n    peak_rps: 200\n    db_time_ms: 0\n", 4,
        "traffic.payments-api.db_time_ms: Input should be greater than 0", id="traffic-bound",
    ),
    pytest.param("pools:\n  min_size: [1\n", 3, "invalid YAML", id="bad-yaml"),
    pytest.param("- min_size: 1\n", 1, "a policy must be a mapping of fields, not list", id="not-a-mapping"),
    pytest.param("extends: 3\n", 1, "extends: Input should be a valid string", id="extends-type"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "message"), YAML_CASES)
def test_bad_yaml_policy(tmp_path: Path, text: str, line: int, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_text(tmp_path, ".poolaudit.yaml", text)
    error = caught.value
    assert (error.path, error.line) == (str(tmp_path / ".poolaudit.yaml"), line)
    assert str(error).startswith(f"{tmp_path / '.poolaudit.yaml'}:{line}: {message}")


TOML_CASES = [
    pytest.param(
        ".poolaudit.toml", '[pools]\nmax_size = 50\n\n[pools.environments.production]\nmin_size = "ten"\n',
        5, "pools.environments.production.min_size: Input should be a valid integer", id="table-key",
    ),
    pytest.param(
        ".poolaudit.toml", 'fail_on = "error"\npools.min_sise = 3\n', 2, "pools.min_sise: unknown field", id="dotted-key",
    ),
    pytest.param(
        ".poolaudit.toml", '[[pools.overrides]]\nservices = ["a"]\n\n[[pools.overrides]]\nservices = ["b"]\nmin_size = -1\n',
        6, "pools.overrides[1].min_size: Input should be greater than or equal to 0", id="array-of-tables",
    ),
    pytest.param(
        "pyproject.toml", '[project]\nname = "x"\n\n[tool.poolaudit]\nignore = ["PA101"]\nfail_on = 1\n',
        6, "tool.poolaudit.fail_on: Input should be 'error' or 'warning'", id="pyproject",
    ),
    pytest.param(".poolaudit.toml", "[pools\nmin_size = 1\n", 1, "invalid TOML", id="bad-toml"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "text", "line", "message"), TOML_CASES)
def test_bad_toml_policy(tmp_path: Path, name: str, text: str, line: int, message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        load_text(tmp_path, name, text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{tmp_path / name}:{line}: {message}")


def test_error_in_a_parent_names_the_parent(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("extends: none\npools:\n  max_size: lots\n")
    with pytest.raises(PolicyError) as caught:
        load_text(tmp_path, ".poolaudit.yaml", "extends: base.yaml\n")
    assert (caught.value.path, caught.value.line) == (str(tmp_path / "base.yaml"), 3)


def test_several_errors_are_counted(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"pools.min_size: .* \(and 1 more error\)$"):
        load_text(tmp_path, ".poolaudit.yaml", "pools:\n  min_size: a\n  max_size: b\n")


def test_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".poolaudit.yaml").write_bytes(b"fail_on: \xff\n")
    with pytest.raises(PolicyError, match="not UTF-8"):
        policy.load(tmp_path / ".poolaudit.yaml", tmp_path)


@pytest.mark.parametrize(
    ("text", "check"),
    [
        pytest.param("pools:\n  acquire_timeout_max: 30s\n", lambda p: p.pools.acquire_timeout_max == 30.0, id="duration"),
        pytest.param("pools:\n  acquire_timeout_max: 500ms\n", lambda p: p.pools.acquire_timeout_max == 0.5, id="millis"),
        pytest.param("pools:\n  acquire_timeout_max: 12\n", lambda p: p.pools.acquire_timeout_max == 12.0, id="seconds"),
        pytest.param("", lambda p: p.pools.environments["production"].min_size == 10, id="empty-file-is-the-default"),
        pytest.param(
            "databases:\n  - name: main\n    max_connections: 100\n    pooler: {default_pool_size: 20}\n"
            "    services: [payments-*]\n    hosts: [db.internal]\n"
            "capacity:\n  replicas: {payments-api: 3, ledger: {production: 4, staging: 1}}\n"
            "  processes: {'*': 2}\n"
            "traffic:\n  payments-api: {peak_rps: 200, db_time_ms: 15}\n",
            lambda p: (
                p.databases[0].reserved_connections == 3
                and p.databases[0].pooler.kind == "pgbouncer"
                and p.capacity.replicas.by_service() == {"payments-api": 3, "ledger": {"production": 4, "staging": 1}}
                and p.capacity.replicas.use_hpa_max is True
                and p.traffic["payments-api"].headroom == 1.5
            ),
            id="capacity-sections-validate-now",
        ),
        pytest.param(
            "capacity:\n  replicas:\n    use_hpa_max: false\n    include_surge: true\n    default: 1\n"
            "    payments: 4\n  processes:\n    default: 2\n",
            lambda p: (
                (p.capacity.replicas.use_hpa_max, p.capacity.replicas.default, p.capacity.processes.default) == (False, 1, 2)
                and p.capacity.replicas.by_service() == {"payments": 4}
            ),
            id="capacity-options-beside-globs",
        ),
    ],
)
def test_good_policies(tmp_path: Path, text: str, check) -> None:  # type: ignore[no-untyped-def]
    assert check(load_text(tmp_path, ".poolaudit.yaml", text))
