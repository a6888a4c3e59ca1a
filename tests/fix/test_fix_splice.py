"""Splicing edits into text and spelling a new value the way the file spells the old one."""

from __future__ import annotations

import pytest

from poolaudit.errors import FixError
from poolaudit.splice import Edit, apply, line_of, moved, spell, split_lines, words


@pytest.mark.parametrize(
    ("text", "edits", "expected"),
    [
        pytest.param("pool: 5\n", [Edit(6, 7, "10")], "pool: 10\n", id="one-replacement"),
        pytest.param("a=1\nb=2\n", [Edit(6, 7, "20"), Edit(2, 3, "10")], "a=10\nb=20\n", id="order-given-does-not-matter"),
        pytest.param("f(x)", [Edit(3, 3, ", pool_size=10")], "f(x, pool_size=10)", id="insertion"),
        pytest.param("f(x)", [Edit(3, 3, ", a=1"), Edit(3, 3, ", b=2")], "f(x, a=1, b=2)", id="two-insertions-keep-order"),
        pytest.param("x: 5", [Edit(3, 4, "9"), Edit(3, 4, "9")], "x: 9", id="duplicate-edit-once"),
        pytest.param("5", [], "5", id="no-edit"),
        pytest.param("a\r\nb: 3\r\n", [Edit(6, 7, "30")], "a\r\nb: 30\r\n", id="crlf-untouched"),
    ],
)
def test_apply(text: str, edits: list[Edit], expected: str) -> None:
    assert apply(text, edits) == expected


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([Edit(0, 3, "x"), Edit(2, 4, "y")], id="overlapping"),
        pytest.param([Edit(0, 2, "x"), Edit(0, 2, "y")], id="same-span-different-text"),
        pytest.param([Edit(3, 9, "x")], id="outside-the-text"),
    ],
)
def test_apply_refuses(edits: list[Edit]) -> None:
    with pytest.raises(FixError):
        apply("abcd", edits)


def test_moved_reports_where_each_new_text_lands() -> None:
    placed = moved([Edit(8, 9, "100"), Edit(2, 3, "10")])
    assert [(start, end) for _, start, end in placed] == [(2, 4), (9, 12)]


def test_split_lines_knows_only_lf_crlf_cr() -> None:
    assert split_lines("a\r\nb\rc\nd\x0ce") == ["a\r\n", "b\r", "c\n", "d\x0ce"]
    assert line_of("a\r\nb\rc\n", 5) == 2


@pytest.mark.parametrize(
    ("old", "after", "unit", "value", "expected"),
    [
        pytest.param("5", "", None, 10, "10", id="int"),
        pytest.param("30000", "", "ms", 30, "30000", id="hikari-milliseconds-stay-milliseconds"),
        pytest.param("60000", "", "ms", 0.5, "500", id="milliseconds-of-a-fraction"),
        pytest.param("30s", "", "duration", 20, "20s", id="duration-suffix"),
        pytest.param("2m", "", "duration", 180, "3m", id="duration-minutes"),
        pytest.param("500ms", "", "duration", 2, "2000ms", id="duration-ms-suffix"),
        pytest.param("PT60S", "", "duration", 30, "PT30S", id="iso-8601"),
        pytest.param("60", "s}", "duration", 30, "30", id="suffix-outside-the-span"),
        pytest.param("30.0", "", "s", 10, "10.0", id="float-stays-float"),
        pytest.param("1_000", "", None, 2000, "2_000", id="underscores-kept"),
        pytest.param("false", "", None, True, "true", id="yaml-bool"),
        pytest.param("False", "", None, True, "True", id="python-bool"),
        pytest.param("no", "", None, True, "yes", id="yes-no"),
        pytest.param("OFF", "", None, True, "ON", id="upper-case-kept"),
        pytest.param("", "", None, 10, "10", id="insertion-int"),
        pytest.param("", "", "ms", 30, "30000", id="insertion-milliseconds"),
    ],
)
def test_spell(old: str, after: str, unit: str | None, value: object, expected: str) -> None:
    assert spell(old, after, unit, value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "unit", "value"),
    [
        pytest.param("5", None, 2.5, id="fraction-into-an-int"),
        pytest.param("1m", "duration", 90, id="not-whole-minutes"),
        pytest.param("${X}", None, 10, id="not-a-number"),
        pytest.param("5fortnights", "duration", 10, id="unknown-unit"),
    ],
)
def test_spell_refuses(old: str, unit: str | None, value: object) -> None:
    with pytest.raises(FixError):
        spell(old, "", unit, value)  # type: ignore[arg-type]


def test_words_of_a_template() -> None:
    assert words(", pool_size={value}") == ["pool_size"]
    assert words("\n      maximum-pool-size: {value}") == ["maximum-pool-size"]
