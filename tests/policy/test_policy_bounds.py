"""The bounds one pool must meet: layers by environment, framework and service; reasons; presets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from poolaudit import policy
from poolaudit.model import Provenance, Setting

POLICY = """
extends: none
pools:
  min_size: 1
  max_size: 100
  acquire_timeout_max: 30
  reason: base policy
  frameworks:
    rails:
      min_size: 5
      reason: {min_size: puma threads}
  environments:
    production:
      min_size: 10
      require_acquire_timeout: true
    staging:
      min_size: 3
    any:
      min_size: 2
  overrides:
    - services: [payments-*]
      min_size: 20
      reason: the payments outage
    - services: [payments-api]
      environments: [production]
      recommended_size: 25
      ignore: [pooling-disabled]
    - frameworks: [sqlalchemy]
      environments: [staging]
      max_size: 8
    - services: [legacy/batch]
      min_size: 0
"""


@pytest.fixture(scope="module")
def layered(tmp_path_factory: pytest.TempPathFactory) -> policy.Policy:
    path = tmp_path_factory.mktemp("p") / "policy.yaml"
    path.write_text(POLICY)
    return policy.load(path, path.parent)


def setting(environment: str = "production", framework: str = "spring", service: str = "ledger", path: str = "ledger/app.yml") -> Setting:
    return Setting(
        path=path, line=1, column=1, span=None, kind="yaml", framework=framework, key="pool", canonical="max_size",
        raw="5", value=5, provenance=Provenance.LITERAL, environment=environment, service=service,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        pytest.param(setting("development"), {"min_size": 1, "max_size": 100}, id="base-only"),
        pytest.param(setting("production"), {"min_size": 10, "require_acquire_timeout": True}, id="environment"),
        pytest.param(setting("development", "rails"), {"min_size": 5}, id="framework"),
        pytest.param(setting("production", "rails"), {"min_size": 10}, id="environment-beats-framework"),
        pytest.param(setting("production", service="payments-api"), {"min_size": 20, "recommended_size": 25}, id="overrides-beat-environment"),
        pytest.param(setting("staging", service="payments-worker"), {"min_size": 20, "recommended_size": None}, id="override-needs-all-criteria"),
        pytest.param(setting("staging", "sqlalchemy"), {"min_size": 3, "max_size": 8}, id="framework-and-environment-override"),
        pytest.param(setting("production", "sqlalchemy"), {"max_size": 100}, id="override-environment-mismatch"),
        pytest.param(setting("production", path="legacy/batch/config.yml", service="batch"), {"min_size": 0}, id="service-glob-on-folder"),
        pytest.param(setting("any"), {"min_size": 2, "require_acquire_timeout": False}, id="environments-any-block"),
    ],
)  # fmt: skip
def test_layers(layered: policy.Policy, where: Setting, expected: dict[str, object]) -> None:
    found = policy.bounds(layered, where)
    assert {key: getattr(found, key) for key in expected} == expected


def test_reasons_follow_the_layer_that_set_the_bound(layered: policy.Policy) -> None:
    found = policy.bounds(layered, setting("production", "rails", service="payments-api"))
    assert found.reason("min_size") == "the payments outage"
    assert found.reason("max_size") == "base policy"
    assert found.reason("recommended_size") == "policy.yaml: pools.overrides[1].recommended_size"
    assert found.ignore == frozenset({"PA107"})


def test_unnamed_environment_assumes_production_by_default() -> None:
    loaded = policy.load(policy.presets_dir() / "default.yaml", Path("."))
    found = policy.bounds(loaded, setting("any"))
    assert (found.environment, found.assumed, found.min_size) == ("production", True, 10)
    assert "payments outage" in found.reason("min_size")
    assert policy.bounds(loaded, setting("development")).min_size is None


def test_assume_environment_can_be_changed(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("pools:\n  assume_environment: any\n")
    loaded = policy.load(tmp_path / "p.yaml", tmp_path)
    found = policy.bounds(loaded, setting("any"))
    assert (found.environment, found.assumed, found.min_size) == ("any", False, None)


def test_a_policy_built_in_code_without_load_has_string_reasons() -> None:
    built = policy.Policy.model_validate({"pools": {"min_size": 4, "reason": "why"}})
    assert policy.bounds(built, setting()).reason("min_size") == "why"


@pytest.mark.parametrize(
    ("patterns", "folder", "default", "expected"),
    [
        pytest.param({"services/pay*": {"name": "payments"}}, "services/payments-api", "payments-api", "payments", id="path-glob"),
        pytest.param({"ledger": {"name": "ledger-svc"}}, "apps/ledger", "ledger", "ledger-svc", id="name-glob"),
        pytest.param({"other": {"name": "x"}}, "apps/ledger", "ledger", "ledger", id="no-match"),
    ],
)  # fmt: skip
def test_service_name(patterns: dict[str, object], folder: str, default: str, expected: str) -> None:
    built = policy.Policy.model_validate({"services": patterns})
    assert policy.service_name(built, folder, default) == expected


# -- the shipped presets -------------------------------------------------------------------------

NUMBER = re.compile(r"^\s*(?:-\s*)?[A-Za-z_]+:\s*\d")


@pytest.mark.parametrize("name", ["default.yaml", "strict.yaml"])
def test_every_number_in_a_preset_has_a_comment_and_a_reason(name: str) -> None:
    path = policy.presets_dir() / name
    lines = path.read_text().splitlines()
    numbered = [line for line in lines if NUMBER.match(line) and not line.lstrip().startswith("#")]
    assert numbered, "the preset sets numbers"
    for line in numbered:
        assert "#" in line, f"{name}: no reason beside {line.strip()!r}"
    loaded = policy.load(path, path.parent)
    blocks = [loaded.pools, *loaded.pools.environments.values()]
    for block in blocks:
        for bound in block.model_fields_set & set(policy.BOUND_FIELDS):
            assert isinstance(block.reason, dict) and not block.reason[bound].endswith(f".{bound}"), (
                f"{name}: {bound} has no written reason"
            )


def test_default_preset_numbers() -> None:
    data = yaml.safe_load((policy.presets_dir() / "default.yaml").read_text())
    assert data["pools"]["environments"]["production"]["min_size"] == 10
    assert data["pools"]["acquire_timeout_max"] == 30
    assert data["pools"]["skip_environments"] == ["test"]
    assert "extends" not in data


def test_strict_extends_default() -> None:
    loaded = policy.load(policy.presets_dir() / "strict.yaml", Path("."))
    assert [Path(f).name for f in loaded.files] == ["default.yaml", "strict.yaml"]
    assert loaded.pools.max_size == 100  # from default
    assert loaded.pools.environments["production"].max_size == 50
