"""The Python source on odd input: syntax errors, null bytes, a 5 MB generated module, deep
nesting; suppression comments; Alembic's migration-only engines."""

from __future__ import annotations

import gc

import pytest

from poolaudit.errors import SourceError
from poolaudit.model import Suppression
from poolaudit.sources import python

from .test_python import source


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("from sqlalchemy import create_engine\nengine = create_engine(URL, pool_size=\n", 2, id="unclosed-call"),
        pytest.param("x = 1\ndef f(:\n    pass\n", 2, id="bad-def"),
        pytest.param("print 'python 2'\n", 1, id="python-2"),
        pytest.param("if True:\n  a = 1\n    b = 2\n", 3, id="indentation"),
    ],
)
def test_syntax_error_is_a_source_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(SourceError) as caught:
        python.extract("app/bad.py", text)
    assert caught.value.line == line


def test_null_bytes_are_a_source_error() -> None:
    with pytest.raises(SourceError):
        python.extract("app/bad.py", "pool_size = 1\x00\n")


def test_invalid_escape_in_scanned_code_is_not_a_warning() -> None:
    # pytest turns warnings into errors: the code we read is not ours to warn about.
    text = 'import re\nPAT = re.compile("\\d+")\nfrom sqlalchemy import create_engine\ne = create_engine(URL, pool_size=2)\n'
    assert [s.value for s in python.extract("app/db.py", text).settings] == [2]


def generated_module(size: int) -> str:
    """Like generated code (protobuf, ORM dumps): mostly data and small functions, with a
    pool setting every 25th block."""
    parts = ["import os", "from sqlalchemy import create_engine", ""]
    total = i = 0
    while total < size:
        chunk = f"ROW_{i} = {{'id': {i}, 'name': 'row{i}', 'tags': ['a', 'b', 'c'], 'score': {i * 0.5}}}\n"
        chunk += f"def handler_{i}(item, limit={i}):\n    return [x for x in item if x > limit]\n\n"
        if i % 25 == 0:
            chunk += (
                f"def engine_{i}(url, size={i}):\n    return create_engine(url, pool_size=size + 1)\n\n"
                f"class Config{i}:\n    SQLALCHEMY_POOL_SIZE = {i % 50}\n"
            )
        parts.append(chunk)
        total += len(chunk) + 1
        i += 1
    return "\n".join(parts) + "\n"


def test_five_megabyte_generated_module_completes() -> None:
    text = generated_module(5_000_000)
    assert len(text) >= 5_000_000
    extraction = python.extract("gen/big.py", text)
    blocks = text.count("def engine_")
    engines = [s for s in extraction.settings if s.key == "pool_size"]
    legacy = [s for s in extraction.settings if s.key == "SQLALCHEMY_POOL_SIZE"]
    assert len(engines) == len(legacy) == blocks
    last = text.rsplit("def engine_", 1)[1].split("(", 1)[0]
    assert engines[-1].value == int(last) + 1  # `size + 1`, size being the parameter's default


def test_deeply_nested_arithmetic_is_unresolved_not_a_crash() -> None:
    expression = " + ".join(["1"] * 400)
    text = f"from sqlalchemy import create_engine\ne = create_engine(URL, pool_size={expression})\n"
    (setting,) = python.extract("app/db.py", text).settings
    assert setting.provenance.value == "unresolved"


SUPPRESSION_CASES = [
    pytest.param("e = create_engine(URL, pool_size=2)  # poolaudit: ignore[PA101] load test only\n",
                 [Suppression("app/db.py", 2, ("PA101",), "load test only")], id="code-and-reason"),
    pytest.param("# poolaudit: ignore[PA101, pa103]\ne = create_engine(URL, pool_size=2)\n",
                 [Suppression("app/db.py", 2, ("PA101", "PA103"), None)], id="line-before-two-codes"),
    pytest.param("e = create_engine(URL, pool_size=2)  # noqa  # poolaudit: ignore\n",
                 [Suppression("app/db.py", 2, (), None)], id="all-codes"),
    pytest.param('e = create_engine(URL, pool_size=2, echo="# poolaudit: ignore[PA101]")\n', [], id="inside-a-string"),
    pytest.param('"""\n# poolaudit: ignore[PA101]\n"""\ne = create_engine(URL, pool_size=2)\n', [], id="inside-a-docstring"),
]


@pytest.mark.parametrize(("text", "want"), SUPPRESSION_CASES)
def test_suppression_comments(text: str, want: list[Suppression]) -> None:
    assert python.extract("app/db.py", "from sqlalchemy import create_engine\n" + text).suppressions == want


def test_suppression_line_numbers_with_crlf() -> None:
    text = "from sqlalchemy import create_engine\r\n\r\ne = create_engine(URL, pool_size=2)  # poolaudit: ignore[PA101]\r\n"
    assert [s.line for s in python.extract("app/db.py", text).suppressions] == [3]


ALEMBIC_ENV = source(
    """
    from alembic import context
    from sqlalchemy import engine_from_config, pool

    def run_migrations_online():
        connectable = engine_from_config(
            config.get_section(config.config_ini_section),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with connectable.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata)
    """
)


@pytest.mark.parametrize("path", ["alembic/env.py", "migrations/env.py", "db/scripts/env.py"])
def test_alembic_env_is_migration_only(path: str) -> None:
    settings = python.extract(path, ALEMBIC_ENV).settings
    assert [(s.key, s.canonical, s.value, s.migration_only) for s in settings] == [("poolclass", "pool_class", False, True)]


def test_ordinary_module_is_not_migration_only() -> None:
    text = "from sqlalchemy import create_engine\ne = create_engine(URL, pool_size=3)\n"
    assert [s.migration_only for s in python.extract("app/env.py", text).settings] == [False]


def test_nothing_keeps_the_tree_alive_after_extract() -> None:
    # Trees left in reference cycles make every later parse slower until a collection runs.
    text = source(
        """
        from sqlalchemy import create_engine
        class Config:
            SQLALCHEMY_POOL_SIZE = 5
        ENGINE_OPTIONS = {"pool_size": 3}
        SQLALCHEMY_POOL_SIZE = 4
        def make():
            return create_engine(URL, pool_size=Config.SQLALCHEMY_POOL_SIZE, **ENGINE_OPTIONS)
        """
    )
    gc.collect()
    python.extract("app/db.py", text)
    assert gc.collect() == 0
    assert gc.isenabled()
