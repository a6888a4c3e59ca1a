"""The TOML source decides from tomllib's data which scalars may be settings and scans positions
only for files that may hold one: what it reports is what scanning every scalar reports."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from poolaudit.model import Extraction, Suppression
from poolaudit.sources import _tomlscan, toml
from poolaudit.sources._lines import LineIndex, suppression
from poolaudit.sources._tomlscan import Scanner

from .test_toml import NOT_SETTINGS, SPELLINGS


def every_scalar(path: str, text: str) -> Extraction:
    """The source without its shortcut: every scalar the scanner finds goes through `_settings`."""
    data = toml.tomllib.loads(text.removeprefix("\ufeff"))
    scanner = Scanner(text).run()
    lines = LineIndex(text)
    found = Extraction()
    for offset, comment in scanner.comments:
        record = suppression(path, lines.line(offset), comment)
        if record is not None:
            found.suppressions.append(record)
    name = path.rsplit("/", 1)[-1]
    file = toml._File(
        path, text, lines, data, name.rsplit(".", 1)[0], name.lower() == "rocket.toml"
    )
    for keys, start, end in scanner.scalars:
        found.settings.extend(toml._settings(file, keys, start, end))
    return found


MORE = [
    pytest.param(
        "config/settings.toml",
        '[database]\nurl = "postgres://h/db?pool_max_conns=10"\n',
        id="url-only",
    ),
    pytest.param(
        "config/settings.toml", 'dsn = "host=db pool_size=4"\n[db]\nx = "a:b"\n', id="scheme-less"
    ),
    pytest.param(
        "Rocket.toml",
        "[release.databases.main]\ntimeout = 5\n[debug.databases.x]\nidle_timeout = 60\n",
        id="rocket",
    ),
    pytest.param(
        "config/database.toml",
        "pool_size = 5\n[[replicas]]\npool_size = 2\n[[replicas]]\npool_size = 3\n",
        id="array-of-tables",
    ),
    pytest.param(
        "a.toml",
        '[app]\ndb = { url = "mysql://h/x", pool = { max = 4 } }\nlist = [{ pool_size = 1 }]\n',
        id="inline-tables",
    ),
    pytest.param(
        "a.toml",
        '"database"."pool_size" = 6\n\'db\'.max_overflow = "${OVER:2}"\n',
        id="quoted-dotted-keys",
    ),
    pytest.param("a.toml", '[database]\npool_size = """\n7"""\n', id="multiline-string"),
    pytest.param(
        "a.toml", "[database]\n# poolaudit: ignore[PA101]\nname = 'x'\n", id="suppression-only"
    ),
    pytest.param("pyproject.toml", "[tool.poolaudit]\nmax_size = 50\n", id="own-policy"),
    pytest.param("a.toml", "\ufeff[database]\npool_size = 1\n", id="bom"),
]


def _cases() -> list[object]:
    return [
        *(
            pytest.param("config/settings.toml", p.values[0], id=f"spelling-{p.id}")
            for p in SPELLINGS
        ),
        *(
            pytest.param("config/settings.toml", p.values[0], id=f"not-{p.id}")
            for p in NOT_SETTINGS
        ),
        *MORE,
    ]


@pytest.mark.parametrize(("path", "text"), _cases())
def test_same_as_scanning_every_scalar(path: str, text: str) -> None:
    assert toml.extract(path, text) == every_scalar(path, text)


def test_a_file_whose_only_setting_is_in_a_url_still_reports_it() -> None:
    found = toml.extract(
        "config/settings.toml", '[database]\nurl = "postgres://h/db?pool_max_conns=10"\n'
    )
    assert [(s.key, s.written, s.line) for s in found.settings] == [("pool_max_conns", 10, 2)]


def test_a_suppression_in_a_file_without_settings_is_still_returned() -> None:
    found = toml.extract("a.toml", "[app]\n# poolaudit: ignore[PA101] because\nname = 'x'\n")
    assert found.settings == []
    assert found.suppressions == [Suppression("a.toml", 2, ("PA101",), "because")]


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(
            alphabet=st.sampled_from("\"\\'0123456789+-_.xe \t\x00\x1f\x7f\u0663aéZ\n"), max_size=8
        ),
        st.text(max_size=6).map(lambda body: '"' + body + '"'),
        st.sampled_from(
            ["true", "false", "True", "0", "00", "007", "-0", "1_0", '""', '"a\\"', '"\t"']
        ),
    )
)
def test_values_read_directly_are_what_tomllib_reads(raw: str) -> None:
    direct = _tomlscan._plain(raw)
    if direct is _tomlscan.MISSING:
        return
    read = toml.tomllib.loads("v = " + raw)["v"]
    assert (direct, type(direct)) == (read, type(read))


SCANNED = [
    pytest.param(
        "# top\n[a]\nx = 1 # c\n\"q.k\" = \"v#\"\n'lit' = 's'\nd.e . f = 2.5\n[[t]]\nn = 1\n[[t]]\n"
        'n = [1, [2, 3], {i = "j"}]\n[t.sub]\nm = 1979-05-27T07:32:00Z\n',
        id="structure",
    ),
    pytest.param(
        's = """\na "" b\n"""\nl = \'\'\'x\'\'\'\ne = "\\u00e9\\t"\nb = true\n', id="strings"
    ),
    pytest.param(
        "arr = [\n  1, # one\n  2,\n]\ninl = { a = 1, b.c = 2 }\nneg = -3\nh = 0x1F\n", id="arrays"
    ),
    pytest.param("\ufeff[database]\npool_size = 1\r\nmax_overflow = 2\r\n", id="bom-crlf"),
]


def _scalar_paths(node: object, path: tuple[object, ...] = ()) -> set[tuple[object, ...]]:
    if isinstance(node, dict):
        return {p for key, value in node.items() for p in _scalar_paths(value, (*path, key))}
    if isinstance(node, list):
        return {p for i, value in enumerate(node) for p in _scalar_paths(value, (*path, i))}
    return {path}


@pytest.mark.parametrize(
    "text", [*SCANNED, *(pytest.param(p.values[0], id=p.id) for p in [*SPELLINGS, *NOT_SETTINGS])]
)
def test_the_scanner_finds_every_scalar_where_tomllib_reads_it(text: str) -> None:
    data = toml.tomllib.loads(text.removeprefix("\ufeff"))
    scanner = Scanner(text).run()
    assert {keys for keys, _, _ in scanner.scalars} == _scalar_paths(data)
    for keys, start, end in scanner.scalars:
        assert _tomlscan.confirmed(data, keys, text[start:end]) is not _tomlscan.MISSING, keys
