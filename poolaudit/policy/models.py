"""The policy's shape: the pydantic models every policy file is validated against.

Unset fields stay unset (`model_fields_set`), so that a layer changes only what it says.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from poolaudit.policy.bounds import BOUND_FIELDS

Environment = Literal["production", "staging", "development", "test", "any"]
Level = Literal["error", "warning", "info"]


class _Model(BaseModel):
    # strict: `min_size: "10"` or `require_recycle: "yes"` are mistakes, not values to coerce.
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


def _duration(value: Any) -> Any:
    """`acquire_timeout_max: 30s` / `"500ms"` as well as a number of seconds."""
    if isinstance(value, str):
        from poolaudit.sources._values import parse_duration

        seconds, _ = parse_duration(value)
        return float(seconds) if seconds is not None else value
    return value


class BoundsModel(_Model):
    """Bounds for one pool.  Unset fields leave the value of an earlier layer in force."""

    min_size: Union[int, None] = Field(default=None, ge=0)
    max_size: Union[int, None] = Field(default=None, ge=1)
    min_overflow: Union[int, None] = Field(default=None, ge=0)
    acquire_timeout_max: Union[float, None] = Field(default=None, gt=0)  # seconds
    require_acquire_timeout: Union[bool, None] = None
    require_recycle: Union[bool, None] = None
    recommended_size: Union[int, None] = Field(default=None, ge=1)  # what a fix writes (else min_size)
    reason: Union[str, dict[str, str], None] = None  # one reason, or one per bound
    ignore: list[str] = []  # rule codes or names not checked for the pools this block matches

    _timeout = field_validator("acquire_timeout_max", mode="before")(_duration)

    @field_validator("reason")
    @classmethod
    def _reason_keys(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for key in value:
                if key not in BOUND_FIELDS:
                    known = ", ".join(BOUND_FIELDS)
                    raise ValueError(f"reason for unknown bound {key!r}; bounds are {known}")
        return value

    @field_validator("ignore")
    @classmethod
    def _known_ignores(cls, value: list[str]) -> list[str]:
        return [_rule_code(v) for v in value]


class Override(BoundsModel):
    """Bounds for the pools it matches: every criterion given must match (later entries win)."""

    services: list[str] = []  # globs on the service name or the file's path
    environments: list[Environment] = []
    frameworks: list[str] = []


class Pools(BoundsModel):
    assume_environment: Environment = "production"  # for settings that name no environment
    skip_environments: list[Environment] = ["test"]
    environments: dict[Environment, BoundsModel] = {}
    frameworks: dict[str, BoundsModel] = {}
    overrides: list[Override] = []
    # Where a fix writes a value that other environments share (a Rails `default:` anchor):
    # "edit" changes a value where it is written even when other environments inherit it;
    # "override" leaves a value shared with environments that are not being fixed alone and
    # adds an override to the environment being fixed.
    fix_shared: Literal["edit", "override"] = "edit"


class Service(_Model):
    name: Union[str, None] = None  # the name reported for folders matching the key's glob


class Pooler(_Model):
    kind: str = "pgbouncer"
    pool_mode: Union[Literal["session", "transaction", "statement"], None] = None
    default_pool_size: Union[int, None] = Field(default=None, ge=1)
    max_db_connections: Union[int, None] = Field(default=None, ge=0)  # 0: unlimited (PgBouncer)
    max_client_conn: Union[int, None] = Field(default=None, ge=1)


class Database(_Model):
    """A database whose connection budget several services share (used by the capacity rules)."""

    name: str
    max_connections: int = Field(ge=1)
    reserved_connections: int = Field(3, ge=0)  # PostgreSQL superuser_reserved_connections
    pooler: Union[Pooler, None] = None
    services: list[str] = []  # service globs
    hosts: list[str] = []  # host names in the services' database URLs
    environments: list[Environment] = []  # empty: every environment

    @model_validator(mode="after")
    def _budget(self) -> Database:
        if self.reserved_connections >= self.max_connections:
            raise ValueError("reserved_connections must be smaller than max_connections")
        return self


Count = Annotated[int, Field(ge=0)]
Multiplier = Union[Count, dict[Environment, Count]]  # one count, or one per environment


class _Counts(BaseModel):
    """Counts per service: the keys that are not options are service globs."""

    # Globs are free-form keys, so extras are allowed here, and typed: a wrong value still fails.
    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)
    __pydantic_extra__: dict[str, Multiplier] = Field(init=False)

    default: Union[int, None] = Field(default=None, ge=0)  # where neither the files nor a glob say

    def by_service(self) -> dict[str, Multiplier]:
        return dict(self.model_extra or {})


class Replicas(_Counts):
    use_hpa_max: bool = True  # a HorizontalPodAutoscaler's maxReplicas counts, not spec.replicas
    include_surge: bool = True  # a rolling update's maxSurge pods run beside the old ones


class Processes(_Counts):
    pass


class PoolCounts(_Counts):
    """Instances of each pool per process, for code that builds pools at run time (default 1)."""


class Capacity(_Model):
    replicas: Replicas = Replicas()  # pods or containers per service
    processes: Processes = Processes()  # worker processes per replica
    pools: PoolCounts = PoolCounts()  # instances of each pool found, per process
    rebalance: bool = False  # `fix` lowers pools of an oversubscribed database (as `fix --rebalance`)
    metrics: Union[str, None] = None  # CSV/JSON file of peak_rps, db_time_ms per service (traffic)


class Traffic(_Model):
    peak_rps: float = Field(gt=0)
    db_time_ms: float = Field(gt=0)  # database time held per request
    headroom: float = Field(1.5, ge=1)  # busy connections (Little's law) x headroom


def _selector(value: str) -> str:
    from poolaudit import rules

    if not rules.matching(value):
        raise ValueError(f"unknown rule {value!r}")
    return value


RuleSelector = Annotated[str, AfterValidator(_selector)]  # a code, a name, a prefix (PA1) or ALL


class Policy(_Model):
    extends: Union[str, None] = None
    select: Union[list[RuleSelector], None] = None  # None: every rule
    ignore: list[RuleSelector] = []
    include: list[Literal["redis", "celery"]] = []
    severity: dict[str, Level] = {}
    fail_on: Literal["error", "warning"] = "error"
    exclude: list[str] = []  # globs of paths not scanned
    services: dict[str, Service] = {}
    pools: Pools = Pools()
    databases: list[Database] = []
    capacity: Capacity = Capacity()
    traffic: dict[str, Traffic] = {}
    # The files loaded, base first.  A plain default, not `default_factory=list`: pydantic reads
    # a factory's signature, and a builtin's costs a tokenizer regex (~1.5 ms of a hook run).
    _files: list[str] = PrivateAttr(default=[])  # copied for each instance

    @field_validator("severity")
    @classmethod
    def _severity_codes(cls, value: dict[str, str]) -> dict[str, str]:
        return {_rule_code(key): level for key, level in value.items()}

    @field_validator("databases")
    @classmethod
    def _unique_databases(cls, value: list[Database]) -> list[Database]:
        names = [db.name for db in value]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"database {name!r} is declared twice")
        return value

    @property
    def files(self) -> list[str]:
        return list(self._files)


# Every model, for "did you mean" suggestions on an unknown field.
MODELS = (
    Policy, Pools, Override, BoundsModel, Service, Database, Pooler, Capacity, Replicas, Processes, Traffic,
)  # fmt: skip


def _rule_code(name: str) -> str:
    from poolaudit import rules

    try:
        return rules.get(name).CODE
    except KeyError:
        raise ValueError(f"unknown rule {name!r}") from None
