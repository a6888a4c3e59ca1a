"""Merging policy layers, base first: mappings merge key by key, lists replace, except that
`pools.overrides` concatenate (parent first); every bound keeps the reason of the layer that set it."""

from __future__ import annotations

from typing import Any

from poolaudit.policy.bounds import BOUND_FIELDS
from poolaudit.policy.reading import Doc


def with_reasons(layer: dict[str, Any], doc: Doc) -> dict[str, Any]:
    """Give every bound this layer sets a reason of its own (its `reason`, else where it is set),
    so that merging layers keeps each bound's reason with its value."""
    pools = layer.get("pools")
    if not isinstance(pools, dict):
        return layer
    blocks = [("pools", pools)]
    for section in ("environments", "frameworks"):
        blocks += [(f"pools.{section}.{name}", block) for name, block in pools.get(section, {}).items()]
    blocks += [(f"pools.overrides[{i}]", block) for i, block in enumerate(pools.get("overrides", []))]
    for where, block in blocks:
        given = block.get("reason")
        reasons = {}
        for bound in BOUND_FIELDS:
            if bound not in block:
                continue
            text = given if isinstance(given, str) else (given or {}).get(bound)
            reasons[bound] = text or f"{doc.path.name}: {where}.{bound}"
        block["reason"] = reasons
    return layer


def merge(base: dict[str, Any], over: dict[str, Any], where: str = "") -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        here = f"{where}.{key}" if where else key
        if here == "pools.overrides":
            merged[key] = [*base.get(key, []), *value]  # later entries win: the child's come last
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            merged[key] = merge(base[key], value, here)
        else:
            merged[key] = value
    return merged
