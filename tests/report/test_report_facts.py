"""What every format calls a value, a provenance, a bound and a count."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from poolaudit.model import Provenance, Result, Skipped
from poolaudit.report import _facts


@pytest.mark.parametrize(
    ("value", "canonical", "text"),
    [
        pytest.param(10, "max_size", "10", id="connections"),
        pytest.param(30.0, "acquire_timeout", "30 s", id="whole-seconds"),
        pytest.param(0.25, "idle_timeout", "0.25 s", id="fraction-of-a-second"),
        pytest.param(1800, "max_lifetime", "1800 s", id="lifetime"),
        pytest.param(True, "pre_ping", "true", id="flag"),
        pytest.param(False, "pool_class", "false", id="no-pooling"),
        pytest.param(None, "max_size", "?", id="unknown"),
        pytest.param(None, "acquire_timeout", "?", id="unknown-time-has-no-unit"),
    ],
)
def test_quantity(value: object, canonical: str, text: str) -> None:
    assert _facts.quantity(value, canonical) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        pytest.param(
            {"provenance": Provenance.LITERAL, "env_var": None}, "4 (literal)", id="literal"
        ),
        pytest.param({}, "4 (env-default DB_POOL_SIZE)", id="env-default"),
        pytest.param(
            {"provenance": Provenance.ENV_FILE, "env_file": ".env.production", "value": 12},
            "12 (from .env.production)",
            id="env-file",
        ),
        pytest.param(
            {"provenance": Provenance.LIBRARY_DEFAULT, "value": 5, "env_var": None},
            "5 (library default)",
            id="library-default",
        ),
        pytest.param(
            {"provenance": Provenance.UNRESOLVED, "value": None},
            "? (unresolved DB_POOL_SIZE)",
            id="unresolved-variable",
        ),
        pytest.param(
            {"provenance": Provenance.UNRESOLVED, "value": None, "env_var": None},
            "? (unresolved)",
            id="unresolved-expression",
        ),
    ],
)
def test_value_cell(samples: SimpleNamespace, changes: dict[str, object], text: str) -> None:
    assert _facts.value_cell(samples.POOL.replace(**changes)) == text


def test_summary_sentence(samples: SimpleNamespace) -> None:
    assert _facts.summary_sentence(_facts.summarize(samples.sample())) == (
        "40 files scanned: 4 pool settings in 3 files of 2 services; 2 errors, 1 warning, 1 notice; "
        "1 compliant; 2 files skipped (YAML does not parse: 1, binary file: 1)."
    )


def test_skip_reasons_are_grouped_most_frequent_first() -> None:
    skipped = [
        Skipped(f"{i}.yml", r)
        for i, r in enumerate(
            ["binary file", "YAML does not parse: x", "YAML does not parse: y", "too large"]
        )
    ]
    summary = _facts.summarize(Result(skipped=skipped))
    assert summary.skip_reasons == {"YAML does not parse": 2, "binary file": 1, "too large": 1}


def test_a_setting_with_several_findings_is_not_compliant(samples: SimpleNamespace) -> None:
    result = samples.sample()
    result.findings.append(result.findings[1])
    assert _facts.summarize(result).compliant == 1


@pytest.mark.parametrize(
    "text",
    [
        "postgres://app:s3cr3t@db/x?pool_max_conns=3",
        "mysql+pymysql://root:s3cr3t@localhost:3306/app",
        "host=db user=app password=s3cr3t pool_max_conns=3",
        "Server=db;Database=app;Password=s3cr3t;Max Pool Size=3",
    ],
)
def test_masked(text: str) -> None:
    assert "s3cr3t" not in _facts.masked(text)


@pytest.mark.parametrize(
    ("doc", "text"),
    [
        pytest.param(
            "PA101 pool-undersized: the pool is small.\n\nIt queues\nrequests.\n\nFlagged:\n\n    pool: 4",
            "The pool is small. It queues requests.",
            id="title-and-first-paragraph",
        ),
        pytest.param("The pool is small.", "The pool is small.", id="one-line"),
        pytest.param("", "Summary.", id="no-doc"),
    ],
)
def test_description(doc: str, text: str) -> None:
    rule = _facts.RuleInfo("PA101", "pool-undersized", "error", "Summary.", doc)
    assert _facts.description(rule) == text
