"""The policy: what a run checks pools against, and where it comes from.

    models.py      the pydantic models a policy file is validated against (strict, no extras)
    lookup.py      which file: --policy, the nearest .poolaudit.* or pyproject.toml, the default
    loading.py     that file and the chain it `extends`, merged and validated
    reading.py     one file read: YAML, TOML or pyproject's [tool.poolaudit] table
    merging.py     layers merged key by key; every bound keeps the reason of the layer that set it
    validation.py  pydantic errors turned into one PolicyError with the field's dotted path
    lines.py       the line of a field in YAML or TOML text, for those errors
    bounds.py      the effective bounds of one pool, and the reported name of its service
    snapshot.py    a validated policy kept between runs, read back without pydantic

This package is the only one that imports pydantic, and only models.py does: the names below
are imported when first asked for, so that a run whose policy comes from its snapshot (and the
check, which reads bounds) never imports it (~50 ms of a 110 ms run).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Eager (no pydantic), and after the submodule's import: `bounds` is the function, not the module.
from poolaudit.policy.bounds import BOUND_FIELDS, Bounds, bounds, service_name

if TYPE_CHECKING:
    from poolaudit.policy.loading import load
    from poolaudit.policy.lookup import PRESETS, USER_FILES, presets_dir
    from poolaudit.policy.models import (
        BoundsModel,
        Capacity,
        Count,
        Database,
        Environment,
        Level,
        Multiplier,
        Override,
        Policy,
        PoolCounts,
        Pooler,
        Pools,
        Processes,
        Replicas,
        RuleSelector,
        Service,
        Traffic,
    )

__all__ = [
    "BOUND_FIELDS",
    "PRESETS",
    "USER_FILES",
    "Bounds",
    "BoundsModel",
    "Capacity",
    "Count",
    "Database",
    "Environment",
    "Level",
    "Multiplier",
    "Override",
    "Policy",
    "PoolCounts",
    "Pooler",
    "Pools",
    "Processes",
    "Replicas",
    "RuleSelector",
    "Service",
    "Traffic",
    "bounds",
    "load",
    "presets_dir",
    "service_name",
]

_HOMES = {"PRESETS": "lookup", "USER_FILES": "lookup", "load": "loading", "presets_dir": "lookup"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f"poolaudit.policy.{_HOMES.get(name, 'models')}")
    return getattr(module, name)
