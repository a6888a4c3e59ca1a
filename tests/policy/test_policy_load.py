"""Policy lookup order, `extends`, merging, and the shipped presets, on a fake file system."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml  # noqa: F401

from poolaudit import policy
from poolaudit.errors import PolicyError
from poolaudit.sources import _values  # noqa: F401 - imported before pyfakefs takes over

try:
    import tomllib  # noqa: F401
except ModuleNotFoundError:  # Python 3.10
    import tomli  # noqa: F401

ROOT = Path("/repo")


@pytest.fixture
def repo(fs):  # type: ignore[no-untyped-def]
    # On Python 3.10 a Path made before pyfakefs took over keeps reading the real disk (its
    # accessor is bound at creation): remake the module's ROOT inside the fake file system.
    global ROOT
    ROOT = Path("/repo")
    fs.add_real_directory(str(policy.presets_dir()))
    fs.create_dir(ROOT)
    return fs


def production_min(loaded: policy.Policy) -> int | None:
    env = loaded.pools.environments.get("production")
    return env.min_size if env else None


YAML_POLICY = "pools:\n  environments:\n    production:\n      min_size: 21\n"
TOML_POLICY = "[pools.environments.production]\nmin_size = 22\n"
PYPROJECT = '[project]\nname = "x"\n\n[tool.poolaudit.pools.environments.production]\nmin_size = 23\n'


@pytest.mark.parametrize(
    ("files", "explicit", "expected_min", "expected_file"),
    [
        pytest.param({}, None, 10, "default.yaml", id="nothing-shipped-default"),
        pytest.param({"pyproject.toml": PYPROJECT}, None, 23, "/repo/pyproject.toml", id="pyproject-tool-table"),
        pytest.param(
            {"pyproject.toml": '[project]\nname = "x"\n'}, None, 10, "default.yaml", id="pyproject-without-table"
        ),
        pytest.param(
            {"pyproject.toml": PYPROJECT, ".poolaudit.toml": TOML_POLICY}, None, 22, "/repo/.poolaudit.toml",
            id="toml-beats-pyproject",
        ),
        pytest.param(
            {".poolaudit.toml": TOML_POLICY, ".poolaudit.yaml": YAML_POLICY}, None, 21, "/repo/.poolaudit.yaml",
            id="yaml-beats-toml",
        ),
        pytest.param({".poolaudit.yml": YAML_POLICY}, None, 21, "/repo/.poolaudit.yml", id="yml-spelling"),
        pytest.param(
            {".poolaudit.yaml": YAML_POLICY, "elsewhere/team.toml": "[pools.environments.production]\nmin_size = 30\n"},
            "/repo/elsewhere/team.toml", 30, "/repo/elsewhere/team.toml", id="explicit-beats-everything",
        ),
        pytest.param(
            {"ci/pyproject.toml": PYPROJECT}, "/repo/ci/pyproject.toml", 23, "/repo/ci/pyproject.toml",
            id="explicit-pyproject",
        ),
    ],
)  # fmt: skip
def test_lookup_order(repo, files, explicit, expected_min, expected_file) -> None:  # type: ignore[no-untyped-def]
    for name, text in files.items():
        repo.create_file(ROOT / name, contents=text)
    loaded = policy.load(Path(explicit) if explicit else None, ROOT)
    assert production_min(loaded) == expected_min
    assert loaded.files[-1].endswith(expected_file)


def test_user_policy_extends_default_implicitly(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / ".poolaudit.yaml", contents="ignore: [PA201]\n")
    loaded = policy.load(None, ROOT)
    assert loaded.ignore == ["PA201"]
    assert production_min(loaded) == 10  # the default's floor is still there
    assert loaded.pools.acquire_timeout_max == 30
    assert [Path(f).name for f in loaded.files] == ["default.yaml", ".poolaudit.yaml"]


def test_extends_none_stands_alone(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / ".poolaudit.yaml", contents="extends: none\nfail_on: warning\n")
    loaded = policy.load(None, ROOT)
    assert production_min(loaded) is None
    assert loaded.pools.acquire_timeout_max is None
    assert loaded.fail_on == "warning"


def test_extends_strict_layers_three_files(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / ".poolaudit.yaml", contents="extends: strict\nfail_on: error\n")
    loaded = policy.load(None, ROOT)
    assert [Path(f).name for f in loaded.files] == ["default.yaml", "strict.yaml", ".poolaudit.yaml"]
    assert loaded.fail_on == "error"  # the child wins
    assert loaded.pools.acquire_timeout_max == 10  # strict wins over default
    assert loaded.pools.environments["production"].require_recycle is True
    assert loaded.severity == {"PA201": "warning"}


def test_extends_relative_path_from_the_files_folder(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / "policy/base.yaml", contents="extends: none\npools:\n  max_size: 40\n")
    repo.create_file(ROOT / "policy/team.toml", contents='extends = "base.yaml"\n[pools]\nmin_size = 3\n')
    loaded = policy.load(ROOT / "policy/team.toml", ROOT)
    assert (loaded.pools.max_size, loaded.pools.min_size) == (40, 3)
    assert production_min(loaded) is None  # base.yaml said `extends: none`


def test_merge_replaces_lists_merges_mappings_and_concatenates_overrides(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(
        ROOT / "base.yaml",
        contents=(
            "extends: none\nexclude: [a/*]\nseverity: {PA103: error}\n"
            "pools:\n  overrides:\n    - {services: [pay*], min_size: 20}\n"
        ),
    )
    repo.create_file(
        ROOT / ".poolaudit.yaml",
        contents=(
            "extends: base.yaml\nexclude: [b/*]\nseverity: {value-unresolved: warning}\n"
            "pools:\n  overrides:\n    - {services: [payments-api], min_size: 30}\n"
        ),
    )
    loaded = policy.load(None, ROOT)
    assert loaded.exclude == ["b/*"]
    assert loaded.severity == {"PA103": "error", "PA201": "warning"}  # names become codes
    assert [o.min_size for o in loaded.pools.overrides] == [20, 30]


def test_a_child_bound_takes_its_own_reason_not_the_parents(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / ".poolaudit.yaml", contents="pools:\n  environments:\n    production:\n      min_size: 5\n")
    loaded = policy.load(None, ROOT)
    reasons = loaded.pools.environments["production"].reason
    assert isinstance(reasons, dict)
    assert reasons["min_size"] == ".poolaudit.yaml: pools.environments.production.min_size"
    assert "library defaults" in reasons["require_acquire_timeout"]  # untouched: the default's


@pytest.mark.parametrize(
    ("files", "start", "message"),
    [
        pytest.param({"a.yaml": "extends: b.yaml\n", "b.yaml": "extends: a.yaml\n"}, "a.yaml", "extends: cycle", id="cycle"),
        pytest.param({"a.yaml": "extends: missing.yaml\n"}, "a.yaml", "not found", id="missing-parent"),
        pytest.param({"a.yaml": "extends: lenient\n"}, "a.yaml", "unknown preset 'lenient'", id="unknown-preset"),
    ],
)
def test_bad_extends(repo, files, start, message) -> None:  # type: ignore[no-untyped-def]
    for name, text in files.items():
        repo.create_file(ROOT / name, contents=text)
    with pytest.raises(PolicyError, match=message):
        policy.load(ROOT / start, ROOT)


def test_explicit_file_missing(repo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PolicyError, match=r"^/repo/nope.yaml: policy file not found$"):
        policy.load(ROOT / "nope.yaml", ROOT)


def test_pyproject_mentioning_poolaudit_elsewhere_is_not_a_policy(repo) -> None:  # type: ignore[no-untyped-def]
    repo.create_file(ROOT / "pyproject.toml", contents='[project]\ndependencies = ["poolaudit"]\n')
    with pytest.raises(PolicyError, match=r"no \[tool.poolaudit\] table"):
        policy.load(ROOT / "pyproject.toml", ROOT)
    assert production_min(policy.load(None, ROOT)) == 10  # found by lookup: ignored, default used


def test_presets_dir_prefers_the_installed_copy(fs) -> None:  # type: ignore[no-untyped-def]
    import poolaudit

    installed = Path(poolaudit.__file__).parent / "policies"
    fs.create_file(installed / "default.yaml", contents="extends: none\n")
    assert policy.presets_dir() == installed


def test_presets_dir_falls_back_to_the_checkout(fs) -> None:  # type: ignore[no-untyped-def]
    import poolaudit

    assert policy.presets_dir() == Path(poolaudit.__file__).parent.parent / "policies"
