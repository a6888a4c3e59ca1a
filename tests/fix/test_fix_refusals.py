"""What fix refuses, and why: computed values, test-only settings, edits that fail verification
(all edits of that file refused, the file untouched), flow mappings, aliases; and where an
edit goes when several settings share one written value."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from poolaudit import fix
from poolaudit.model import Finding, Origin, Provenance, Result, Setting, Severity, Span
from poolaudit.splice import Edit
from poolaudit.verify import Expect, VerifyError, verify

from .conftest import audited, make_tree, run_fix, tree_bytes


def _setting(**changes: object) -> Setting:
    base = Setting(
        path="app/db.py", line=3, column=40, span=Span(60, 90), kind="python", framework="sqlalchemy",
        key="pool_size", canonical="max_size", raw="max(WORKERS // 2, 2)", value=2,
        provenance=Provenance.LITERAL, written=2, environment="production",
    )
    return base.replace(**changes)


def _finding(setting: Setting, fix_to: object = 10) -> Finding:
    return Finding("PA101", "pool-undersized", Severity.ERROR, "pool_size is 2; policy minimum for production is 10",
                   setting.path, setting.line, setting.column, setting, 10, fix_to, "fp")


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        pytest.param(_setting(origin=None), "cannot fix safely: value is computed", id="computed"),
        pytest.param(_setting(environment="test", origin=Origin("app/db.py", Span(60, 61), 3, 40)),
                     "test-only configuration is not edited", id="test-only"),
        pytest.param(_setting(migration_only=True, origin=Origin("alembic.ini", Span(1, 2), 1, 2)),
                     "migration-only configuration is not edited", id="migration-only"),
        pytest.param(_setting(provenance=Provenance.LIBRARY_DEFAULT, span=None, value=5, written=None),
                     "cannot fix safely: no place to add the setting", id="default-without-insertion"),
    ],
)
def test_refused_before_planning_an_edit(setting: Setting, reason: str) -> None:
    finding = _finding(setting)
    plan = fix.plan(Result(settings=[setting], findings=[finding], roots=["/nonexistent"]))
    assert plan.files == []
    assert plan.refused == [(finding, reason)]


def test_findings_without_a_fix_value_are_left_with_a_reason(service: Path) -> None:
    make_tree(service, {"app/db.py": "from sqlalchemy import create_engine\nengine = create_engine(URL)\n",
                        "pyproject.toml": "[project]\nname='x'\n"})
    report = run_fix(service, write=False)
    from poolaudit import changelog

    left = {(f.code, reason) for f, reason in changelog.left(report)}
    assert ("PA103", "no automatic fix (see `poolaudit explain PA103`)") in left


def test_a_file_whose_edit_fails_verification_keeps_all_its_edits_unmade(service: Path) -> None:
    text = "DB_POOL_SIZE=3\nWORKERS=3\nDATABASE_URL=postgres://db/app?pool_max_conns=2\n"
    make_tree(service, {".env": text})
    at = text.index("WORKERS=3") + len("WORKERS=")
    result, loaded = audited(service)
    findings = sorted((f for f in result.findings if f.code == "PA101"), key=lambda f: f.line)
    assert [f.setting.key for f in findings] == ["DB_POOL_SIZE", "pool_max_conns"]  # type: ignore[union-attr]
    wrong = findings[0].setting.origin  # type: ignore[union-attr]
    assert wrong is not None
    # Aim the first finding at WORKERS' "3": the same text, the wrong setting.
    doctored = dataclasses.replace(
        findings[0], setting=findings[0].setting.replace(origin=dataclasses.replace(wrong, span=Span(at, at + 1)))  # type: ignore[union-attr]
    )
    result.findings = [doctored if f is findings[0] else f for f in result.findings]
    before = tree_bytes(service)
    report = fix.apply(fix.plan(result, loaded), write=True)
    assert tree_bytes(service) == before
    assert report.changes == [] and report.new_texts == {}
    reasons = {f.setting.key: reason for f, reason in report.refused if f.code == "PA101"}  # type: ignore[union-attr]
    assert set(reasons) == {"DB_POOL_SIZE", "pool_max_conns"}
    assert len(set(reasons.values())) == 1
    assert reasons["DB_POOL_SIZE"].startswith("cannot fix safely: ")
    assert "DB_POOL_SIZE" in reasons["DB_POOL_SIZE"]


def test_a_failed_edit_in_a_flow_mapping_says_so(service: Path) -> None:
    text = "spring: {datasource: {hikari: {minimum-idle: 4, maximum-pool-size: 4, connection-timeout: 30000}}}\n"
    make_tree(service, {"pom.xml": "<p/>", "src/main/resources/application.yml": text})
    result, loaded = audited(service)
    (finding,) = [f for f in result.findings if f.code == "PA101"]
    assert finding.setting is not None and finding.setting.origin is not None
    at = text.index("idle: 4") + 6
    wrong = dataclasses.replace(finding.setting.origin, span=Span(at, at + 1))
    result.findings = [dataclasses.replace(finding, setting=finding.setting.replace(origin=wrong))]
    report = fix.apply(fix.plan(result, loaded), write=True)
    ((_, reason),) = report.refused
    assert reason.startswith("cannot fix safely: flow mapping (")
    assert (service / "src/main/resources/application.yml").read_text() == text


def test_an_edit_of_a_yaml_anchor_that_other_keys_alias_is_refused() -> None:
    before = "small: &small 4\npool:\n  size: *small\nworker:\n  threads: *small\n"
    at = before.index("4")
    edit = Edit(at, at + 1, "10")
    after = before[:at] + "10" + before[at + 1 :]
    with pytest.raises(VerifyError, match="^alias"):
        verify("yaml", "values.yaml", before, after, [Expect(edit, "4", 10, 10, "max_size", "", (), "10")])


def test_an_edit_that_changes_another_value_is_refused() -> None:
    before = "[database]\npool_size = 3\n[cache]\nsize = 3\n"
    at = before.rindex("3")  # the cache's size, not the pool's
    after = before[:at] + "10" + before[at + 1 :]
    expect = Expect(Edit(at, at + 1, "10"), "3", 10, 10, "max_size", "database", (), "10",
                    frozenset({("database.pool_size", "max_size", "database", 2, 13)}))
    with pytest.raises(VerifyError, match="database.pool_size reads 3"):
        verify("toml", "config.toml", before, after, [expect])


def test_an_edit_that_breaks_the_syntax_is_refused() -> None:
    before = "[database]\npool_size = 3\n"
    at = before.index("3")
    after = before[:at] + "10 10" + before[at + 1 :]
    with pytest.raises(VerifyError, match="does not parse"):
        verify("toml", "config.toml", before, after, [Expect(Edit(at, at + 1, "10 10"), "3", 10, 10)])


def test_rails_default_anchor_one_edit_names_every_environment(service: Path) -> None:
    make_tree(service, {"Gemfile": "", "config/database.yml": (
        "default: &default\n  adapter: postgresql\n  pool: 5\n  checkout_timeout: 5\n\n"
        "development:\n  <<: *default\n\nstaging:\n  <<: *default\n\nproduction:\n  <<: *default\n"
        "  database: app\n")})
    report = run_fix(service, write=True)
    (change,) = report.changes
    assert (change.path, change.old, change.new) == ("config/database.yml", "5", "10")
    assert set(change.environments) >= {"development", "staging", "production"}
    assert {key for _, _, key in change.settings} >= {"production.pool", "staging.pool", "development.pool"}
    assert b"  pool: 10\n" in (service / "config/database.yml").read_bytes()


def test_env_file_that_sets_the_variable_is_edited_not_the_test_one(service: Path) -> None:
    make_tree(service, {
        "pyproject.toml": "[project]\nname='x'\n",
        "app/config.py": "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n"
                         "    db_pool_size: int = 20\n\nsettings = Settings()\n",
        "app/db.py": "from sqlalchemy import create_engine\nfrom .config import settings\n"
                     "engine = create_engine(URL, pool_size=settings.db_pool_size, max_overflow=10, pool_timeout=30, pool_recycle=1800)\n",
        ".env": "DB_POOL_SIZE=3\n",
        ".env.test": "DB_POOL_SIZE=1\n",
    })
    report = run_fix(service, write=True)
    assert [(c.path, c.key, c.old, c.new) for c in report.changes] == [(".env", "DB_POOL_SIZE", "3", "10")]
    assert (service / ".env").read_bytes() == b"DB_POOL_SIZE=10\n"
    assert (service / ".env.test").read_bytes() == b"DB_POOL_SIZE=1\n"
    assert (service / "app/config.py").read_text().count("= 20") == 1


def test_pydantic_default_used_by_two_engines_is_one_edit(service: Path) -> None:
    make_tree(service, {
        "pyproject.toml": "[project]\nname='x'\n",
        "app/config.py": "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n"
                         "    db_pool_size: int = 3\n\nsettings = Settings()\n",
        "app/db.py": "from sqlalchemy import create_engine\nfrom .config import settings\n"
                     "rw = create_engine(URL, pool_size=settings.db_pool_size, max_overflow=10, pool_timeout=30, pool_recycle=1800)\n"
                     "ro = create_engine(RO, pool_size=settings.db_pool_size, max_overflow=10, pool_timeout=30, pool_recycle=1800)\n",
    })
    report = run_fix(service, write=True)
    (change,) = report.changes
    assert (change.path, change.old, change.new) == ("app/config.py", "3", "10")
    assert sum(1 for path, _, _ in change.settings if path == "app/db.py") == 2
    assert "db_pool_size: int = 10\n" in (service / "app/config.py").read_text()


def test_insertion_and_replacement_in_one_file(service: Path) -> None:
    make_tree(service, {"pyproject.toml": "[project]\nname='x'\n", "app/db.py": (
        "from sqlalchemy import create_engine\n\n"
        "a = create_engine(A, pool_size=2, max_overflow=10, pool_timeout=30, pool_recycle=1800)\n"
        "b = create_engine(B)\n")})
    report = run_fix(service, write=True)
    assert sorted((c.old, c.new) for c in report.changes) == [("", "10"), ("2", "10")]
    text = (service / "app/db.py").read_text()
    assert "a = create_engine(A, pool_size=10, max_overflow=10" in text
    assert "b = create_engine(B, pool_size=10)\n" in text


def test_several_roots(tmp_path: Path) -> None:
    one = make_tree(tmp_path / "one", {".env": "DB_POOL_SIZE=3\n"})
    two = make_tree(tmp_path / "two", {"config.toml": "[database]\npool_size = 4\npool_timeout = 30\n"})
    from poolaudit import policy
    from poolaudit.audit import audit

    loaded = policy.load(None, one)
    report = fix.run(audit([one, two], loaded), loaded, write=True)
    assert sorted(c.path for c in report.changes) == [f"{one.as_posix()}/.env", f"{two.as_posix()}/config.toml"]
    assert (one / ".env").read_bytes() == b"DB_POOL_SIZE=10\n"
    assert (two / "config.toml").read_bytes() == b"[database]\npool_size = 10\npool_timeout = 30\n"


def test_file_changed_between_audit_and_fix_is_refused(service: Path) -> None:
    make_tree(service, {".env": "DB_POOL_SIZE=3\n"})
    result, loaded = audited(service)
    (service / ".env").write_bytes(b"DB_POOL_SIZE=7\n")
    report = fix.apply(fix.plan(result, loaded), write=True)
    assert report.changes == []
    assert [reason for _, reason in report.refused] == ["cannot fix safely: the file changed since it was audited"]
    assert (service / ".env").read_bytes() == b"DB_POOL_SIZE=7\n"


def test_read_only_file_is_reported_not_crashed_on(service: Path) -> None:
    path = make_tree(service, {".env": "DB_POOL_SIZE=3\n"}) / ".env"
    path.chmod(0o444)
    report = run_fix(service, write=True)
    assert [reason for f, reason in report.refused if f.code == "PA101"] == ["not written: read-only file"]
    assert path.read_bytes() == b"DB_POOL_SIZE=3\n"


def test_symlinked_file_is_not_written_through(service: Path) -> None:
    shared = make_tree(service, {"config/pool-settings.txt": "DB_POOL_SIZE=3\n"}) / "config/pool-settings.txt"
    (service / ".env").symlink_to(shared)
    report = run_fix(service, write=True)
    assert [reason for f, reason in report.refused if f.code == "PA101"] == [
        "not written: symbolic link: not written through (edit the file it points to)"
    ]
    assert shared.read_bytes() == b"DB_POOL_SIZE=3\n"
    assert (service / ".env").is_symlink()
    assert report.written == []


@pytest.mark.parametrize(
    ("rel", "text", "after", "template", "key", "pool", "expected"),
    [
        pytest.param(
            "src/main/resources/application.yml",
            "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\nother: x\n",
            "30000", "\n      maximum-pool-size: {value}", "spring.datasource.hikari.maximum-pool-size",
            "spring.datasource.hikari",
            "spring:\n  datasource:\n    hikari:\n      minimum-idle: 2\n      connection-timeout: 30000\n"
            "      maximum-pool-size: 10\nother: x\n",
            id="spring-hikari-block-gets-the-key-at-its-indentation",
        ),
        pytest.param(
            "config.toml", "[database]\nurl = \"postgres://db/app\"\npool_timeout = 30\n\n[cache]\nsize = 2\n",
            "30", "\npool_size = {value}", "database.pool_size", "database",
            "[database]\nurl = \"postgres://db/app\"\npool_timeout = 30\npool_size = 10\n\n[cache]\nsize = 2\n",
            id="toml-table-gets-the-key-after-its-last-key",
        ),
    ],
)
def test_missing_setting_added_in_the_files_style(
    service: Path, rel: str, text: str, after: str, template: str, key: str, pool: str, expected: str
) -> None:
    """A source that reports a library default with an insertion point gets the key added there
    (built by hand here: the setting a YAML or TOML source would report)."""
    from poolaudit.model import Insertion

    make_tree(service, {"pom.xml": "<p/>", rel: text})
    result, loaded = audited(service)
    offset = text.index(after) + len(after)
    missing = Setting(
        path=rel, line=1, column=1, span=None, kind=rel.rsplit(".", 1)[-1].replace("yml", "yaml"), framework="spring",
        key=key, canonical="max_size", raw="", value=8, provenance=Provenance.LIBRARY_DEFAULT,
        pool=pool, insertion=Insertion(rel, offset, template),
    )
    result.settings.append(missing)
    result.findings = [_finding(missing)]
    report = fix.apply(fix.plan(result, loaded), write=True)
    assert report.refused == []
    assert [(c.key, c.old, c.new) for c in report.changes] == [(key, "", "10")]
    assert (service / rel).read_text() == expected


def test_an_insertion_that_adds_the_wrong_key_is_refused(service: Path) -> None:
    from poolaudit.model import Insertion

    text = "[database]\npool_timeout = 30\n"
    make_tree(service, {"config.toml": text})
    result, loaded = audited(service)
    missing = Setting(
        path="config.toml", line=1, column=1, span=None, kind="toml", framework="app-config", key="database.pool_size",
        canonical="max_size", raw="", value=5, provenance=Provenance.LIBRARY_DEFAULT, pool="database",
        insertion=Insertion("config.toml", text.index("30") + 2, "\nmax_overflow = {value}"),
    )
    result.findings = [_finding(missing)]
    report = fix.apply(fix.plan(result, loaded), write=True)
    assert report.changes == []
    ((_, reason),) = report.refused
    assert reason.startswith("cannot fix safely: ")
    assert (service / "config.toml").read_text() == text


def test_a_value_set_in_a_test_only_file_is_not_edited_there(service: Path) -> None:
    setting = _setting(path="app/db.py", origin=Origin("tests/.env", Span(13, 14), 1, 14), environment="production")
    finding = _finding(setting)
    plan = fix.plan(Result(settings=[setting], findings=[finding], roots=[str(service)]))
    assert plan.refused == [(finding, "the value is set in test-only configuration (tests/.env); not edited")]


def test_two_settings_added_to_one_call(service: Path) -> None:
    """Two missing settings of one engine share the insertion point: both are added, in order."""
    from poolaudit.model import Insertion

    make_tree(service, {"pyproject.toml": "[project]\nname='x'\n",
                        "app/db.py": "from sqlalchemy import create_engine\n\nengine = create_engine(URL)\n"})
    result, loaded = audited(service)
    (size,) = [s for s in result.settings if s.canonical == "max_size"]
    assert size.insertion is not None
    timeout = size.replace(
        key="pool_timeout", canonical="acquire_timeout", value=30, unit="s",
        insertion=Insertion(size.insertion.path, size.insertion.offset, ", pool_timeout={value}"),
    )
    pa101 = next(f for f in result.findings if f.code == "PA101")
    pa103 = dataclasses.replace(pa101, code="PA103", name="acquire-timeout-missing", setting=timeout, fix_to=20)
    result.findings = [pa101, pa103]
    report = fix.apply(fix.plan(result, loaded), write=True)
    assert report.refused == []
    assert (service / "app/db.py").read_text().endswith("engine = create_engine(URL, pool_size=10, pool_timeout=20)\n")


def test_one_variable_read_in_seconds_and_milliseconds_is_refused(service: Path) -> None:
    make_tree(service, {
        "pom.xml": "<p/>",
        "src/main/resources/application.yml": (
            "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 20\n"
            "      connection-timeout: ${DB_TIMEOUT:30000}\n"),
        "pyproject.toml": "[project]\nname='x'\n",
        "app/db.py": (
            "import os\nfrom sqlalchemy import create_engine\n"
            "engine = create_engine(URL, pool_size=20, max_overflow=10, pool_recycle=1800,\n"
            "                       pool_timeout=int(os.getenv('DB_TIMEOUT', '30')))\n"),
        ".env": "DB_TIMEOUT=90\n",
    })
    result, _ = audited(service)
    users = [s for s in result.settings if s.env_var == "DB_TIMEOUT"]
    if len({s.unit or "s" for s in users}) < 2 or not any(f.code == "PA104" for f in result.findings):
        pytest.skip("the sources do not resolve both readers of DB_TIMEOUT to the env file")
    report = run_fix(service, write=True)
    assert (service / ".env").read_bytes() == b"DB_TIMEOUT=90\n"
    assert any("different units" in reason for _, reason in report.refused)
