"""What the policy asks of one pool: its effective bounds (each with its reason), and the
name its service is reported under."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from poolaudit.model import Setting
    from poolaudit.policy.models import BoundsModel, Override, Policy


# The fields of a bounds block (models.BoundsModel) that are bounds; here, not in models.py,
# so that checking reads no pydantic.
BOUND_FIELDS = (
    "min_size", "max_size", "min_overflow", "acquire_timeout_max",
    "require_acquire_timeout", "require_recycle", "recommended_size",
)  # fmt: skip


@dataclass(frozen=True)
class Bounds:
    """The bounds one pool must meet, each with the reason the policy gives for it."""

    environment: str  # the environment whose bounds apply
    assumed: bool = False  # the settings named no environment; `environment` was assumed
    min_size: int | None = None
    max_size: int | None = None
    min_overflow: int | None = None
    acquire_timeout_max: float | None = None
    require_acquire_timeout: bool = False
    require_recycle: bool = False
    recommended_size: int | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()  # rule codes the matching blocks switch off

    def reason(self, bound: str) -> str:
        return self.reasons.get(bound, "")


def bounds(policy: Policy, setting: Setting, assume: bool = True) -> Bounds:
    """Layers, later winning: `pools`, `pools.frameworks[fw]`, `pools.environments[env]`, then
    every matching override in order.  A setting of no environment gets the bounds of
    `assume_environment` unless `assume` is False (the check passes False for a base value
    that the assumed environment overrides elsewhere)."""
    pools = policy.pools
    environment, assumed = setting.environment, False
    if environment == "any" and "any" not in pools.environments and assume:
        environment = pools.assume_environment
        assumed = environment != "any"
    layers: list[BoundsModel] = [pools]
    if setting.framework in pools.frameworks:
        layers.append(pools.frameworks[setting.framework])
    if environment in pools.environments:
        layers.append(pools.environments[environment])
    layers += [o for o in pools.overrides if _matches(o, setting, environment)]
    values: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    ignore: set[str] = set()
    for layer in layers:
        for bound in BOUND_FIELDS:
            if bound in layer.model_fields_set:
                values[bound] = getattr(layer, bound)
                given = layer.reason
                reasons[bound] = given if isinstance(given, str) else (given or {}).get(bound, "")
        ignore.update(layer.ignore)
    for flag in ("require_acquire_timeout", "require_recycle"):
        values[flag] = bool(values.get(flag))
    return Bounds(environment, assumed, reasons=reasons, ignore=frozenset(ignore), **values)


def _matches(override: Override, setting: Setting, environment: str) -> bool:
    wanted = override.environments
    if wanted and environment not in wanted and setting.environment not in wanted:
        return False
    if override.frameworks and setting.framework not in override.frameworks:
        return False
    return not override.services or any(_glob(setting.service, setting.path, g) for g in override.services)


def _glob(service: str, path: str, pattern: str) -> bool:
    """A glob on the service name, or on the path (a folder matches every file below it)."""
    if fnmatchcase(service, pattern) or fnmatchcase(path, pattern):
        return True
    folder = pattern.rstrip("/")
    if fnmatchcase(path, folder + "/*"):
        return True
    return pattern.startswith("**/") and _glob(service, path, pattern[3:])


def service_name(policy: Policy, folder: str, default: str) -> str:
    """A service's reported name: `services: {glob: {name: ...}}` renames folders (glob on the
    folder's path relative to the root, or on its default name)."""
    for pattern, entry in policy.services.items():
        if entry.name and (fnmatchcase(folder, pattern) or fnmatchcase(default, pattern)):
            return entry.name
    return default
