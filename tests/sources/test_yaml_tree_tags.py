"""The tags composed YAML nodes carry: the sources and the verifier read merge keys, nulls and
explicit tags from them, and everything else plain is a string."""

from __future__ import annotations

import pytest

from poolaudit.sources import yaml_tree as tree

STR, NULL, MERGE = "tag:yaml.org,2002:str", tree.NULL_TAG, tree.MERGE_TAG
SEQ, MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        pytest.param("v: 10\n", STR, id="int-is-str"),
        pytest.param("v: true\n", STR, id="bool-is-str"),
        pytest.param("v: 1.5\n", STR, id="float-is-str"),
        pytest.param("v: ~\n", NULL, id="tilde"),
        pytest.param("v: null\n", NULL, id="null"),
        pytest.param("v: NULL\n", NULL, id="upper-null"),
        pytest.param("v:\n", NULL, id="empty"),
        pytest.param("v: 'null'\n", STR, id="quoted-null"),
        pytest.param("v: '<<'\n", STR, id="quoted-merge-word"),
        pytest.param("v: !!int 3\n", "tag:yaml.org,2002:int", id="explicit-tag"),
        pytest.param("v: ! 3\n", STR, id="non-specific-tag"),
        pytest.param("v: !Ref x\n", "!Ref", id="local-tag"),
        pytest.param("v: [1]\n", SEQ, id="flow-sequence"),
        pytest.param("v:\n  - 1\n", SEQ, id="block-sequence"),
        pytest.param("v: {a: 1}\n", MAP, id="flow-mapping"),
        pytest.param("v:\n  a: 1\n", MAP, id="block-mapping"),
    ],
)
def test_value_tags(text: str, tag: str) -> None:
    (doc,) = tree.compose(text)
    value = tree.get(doc, "v")
    assert value is not None
    assert value.tag == tag


def test_merge_key_tag_and_merged_pairs() -> None:
    (doc,) = tree.compose("base: &b\n  pool: 5\n  idle: 2\nprod:\n  <<: *b\n  pool: 9\n")
    prod = tree.get(doc, "prod")
    assert isinstance(prod, tree.MappingNode)
    assert [key.tag for key, _ in prod.value] == [MERGE, STR]
    found = [(p.key.value, tree.scalar(p.value), p.source is not None) for p in tree.pairs(prod)]
    assert found == [("pool", "9", False), ("idle", "2", True)]
    assert tree.pairs(prod) is tree.pairs(prod)  # kept on the node: asked once per mapping


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("a: &x 5\nb: *x\nc:\n  d: [1, *x]\n  e: {f: 2}\n", id="aliases"),
        pytest.param("base: &b\n  pool: 5\nprod:\n  <<: *b\n  idle: 1\n", id="merge"),
        pytest.param("m: &m {k: 1}\nn: *m\no: [*m, *m]\n? [x]\n: 3\n", id="alias-mapping-complex-key"),
    ],
)
def test_leaves_are_the_same_whether_a_text_may_hold_merges_or_not(text: str) -> None:
    """A text without `<<` and `!` has no merge key, and its mappings are walked as written."""

    def walked(source: str) -> list[tuple[object, ...]]:
        (doc,) = tree.compose(source)
        return [(leaf.segments, leaf.node.value, leaf.parent is None, leaf.inherited) for leaf in tree.leaves(doc)]

    assert walked(text) == walked(text + "# !\n")
