"""The policy: what a run checks pools against, and where it comes from.

    models.py      the pydantic models a policy file is validated against (strict, no extras)
    loading.py     lookup order (--policy, .poolaudit.*, pyproject.toml, default preset), `extends`
    reading.py     one file read: YAML, TOML or pyproject's [tool.poolaudit] table
    merging.py     layers merged key by key; every bound keeps the reason of the layer that set it
    validation.py  pydantic errors turned into one PolicyError with the field's dotted path
    lines.py       the line of a field in YAML or TOML text, for those errors
    bounds.py      the effective bounds of one pool, and the reported name of its service

This package is the only one that imports pydantic (start-up time matters for the pre-commit hook).
"""

from __future__ import annotations

from poolaudit.policy.bounds import Bounds, bounds, service_name
from poolaudit.policy.loading import PRESETS, USER_FILES, load, presets_dir
from poolaudit.policy.models import (
    BOUND_FIELDS,
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
