"""The shared vocabulary of the read side: settings found, findings, skipped files, results.

Every source produces the same records, so rules, reports and the fixer never need to know
which file kind a setting came from.  All records are frozen; later stages derive new ones
with `Setting.replace` or `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union

Value = Union[int, float, bool, None]


class Provenance(str, Enum):
    """Where a setting's effective value comes from."""

    LITERAL = "literal"  # written in place: `pool_size=10`, `pool: 10`
    ENV_DEFAULT = "env-default"  # the default of an indirection: `${DB_POOL_SIZE:10}`
    ENV_FILE = "env-file"  # set for the variable by an env file / compose / k8s manifest
    LIBRARY_DEFAULT = "library-default"  # not written at all: the library's default applies
    UNRESOLVED = "unresolved"  # computed, or a variable with no default anywhere


class Canonical(str, Enum):
    """Canonical setting names, shared by every framework's spellings."""

    MAX_SIZE = "max_size"  # the pool's (base) size: pool_size, maximum-pool-size, pool, max ...
    MIN_IDLE = "min_idle"  # minimum-idle, min_size, min_connections
    OVERFLOW = "overflow"  # SQLAlchemy max_overflow
    ACQUIRE_TIMEOUT = "acquire_timeout"  # pool_timeout, connection-timeout, checkout_timeout
    IDLE_TIMEOUT = "idle_timeout"
    RECYCLE = "recycle"  # pool_recycle, CONN_MAX_AGE, Hikari max-lifetime: a connection's maximum age
    PRE_PING = "pre_ping"  # pool_pre_ping, CONN_HEALTH_CHECKS
    POOL_CLASS = "pool_class"  # poolclass=NullPool: value False means "no pooling"


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"



def _by_fields(self: Any) -> tuple[Any, ...]:
    """Pickles a slotted record as its constructor call.  The dataclass default for frozen
    slotted classes restores each field through a Python loop that looks the fields up again:
    4x slower to load, and the scan cache and workers load tens of thousands of records."""
    return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Span:
    """Half-open character offsets [start, end) into a file's decoded text."""

    __reduce__ = _by_fields

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Origin:
    """The place where an effective value is written: what a fix edits."""

    __reduce__ = _by_fields

    path: str
    span: Span  # the bare number/word, without quotes
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Insertion:
    """Where a missing setting would be added, and the text style to add it in."""

    __reduce__ = _by_fields

    path: str
    offset: int  # character offset where the new text goes
    template: str  # e.g. ", pool_size={value}" or "\n      maximum-pool-size: {value}"


@dataclass(frozen=True)
class Setting:
    """One pool setting found in one file."""

    path: str  # relative to the scanned root, '/'-separated
    line: int  # 1-based line of the value (for code: of the keyword or key)
    column: int  # 1-based column of the value
    span: Span | None  # the value's whole text as written (None for implicit defaults)
    kind: str  # yaml | toml | env | properties | python | ini
    framework: str  # spring | rails | helm | compose | k8s | app-config | sqlalchemy | ...
    key: str  # the key as written, as a path in its file: "spring.datasource.hikari.maximum-pool-size"
    canonical: str  # a Canonical value
    raw: str  # the value's text as written: "${DB_POOL_SIZE:10}", "5", "int(os.getenv(...))"
    value: Value  # resolved, in canonical units (connections; seconds)
    provenance: Provenance
    written: Value = None  # the value written at this place (the default of an indirection)
    origin: Origin | None = None  # where the effective value is written (None: not fixable)
    env_var: str | None = None  # the variable of an indirection, if any
    env_file: str | None = None  # the env file that sets env_var (provenance env-file)
    unit: str | None = None  # how times are written here: "ms", "s", "duration"
    environment: str = "any"
    service: str = ""
    pool: str = ""  # identifies the pool this setting belongs to, within its file
    insertion: Insertion | None = None  # for library defaults: where a fix adds the setting
    note: str | None = None  # e.g. "ignored by Flask-SQLAlchemy 3", the unresolved expression
    ref: str | None = None  # a name resolved across files: "settings.db_pool_size"
    migration_only: bool = False  # alembic.ini / env.py: never production pools
    # Variables read, in order, when env_var is unset: ERB's `ENV["DB_POOL"] || ENV["MAX_THREADS"]`.
    fallbacks: tuple[str, ...] = ()

    @property
    def test_only(self) -> bool:
        return self.environment == "test"

    def replace(self, **changes: object) -> Setting:
        """`dataclasses.replace` without re-running `__init__` (a monorepo has tens of thousands
        of settings, each replaced a few times); unknown field names are still refused."""
        unknown = changes.keys() - self.__dict__.keys()
        if unknown:
            raise TypeError(f"Setting has no field {', '.join(sorted(unknown))}")
        new = object.__new__(Setting)
        new.__dict__.update(self.__dict__)
        new.__dict__.update(changes)
        return new


@dataclass(frozen=True, slots=True)
class EnvDef:
    """A variable assignment in an env file, compose file or Kubernetes manifest."""

    __reduce__ = _by_fields

    name: str
    raw: str
    value: Value
    path: str
    line: int
    column: int
    span: Span  # the bare value, without quotes
    environment: str = "any"
    service: str = ""


@dataclass(frozen=True, slots=True)
class Symbol:
    """A named value defined in code that settings elsewhere may refer to.

    `name` is the attribute or constant name as code reads it (`db_pool_size`, `POOL_SIZE`);
    `env_var` is the variable a settings field reads, if any.
    """

    __reduce__ = _by_fields

    name: str
    value: Value
    path: str
    line: int
    column: int
    span: Span | None
    env_var: str | None = None
    container: str | None = None  # class or module that defines it
    service: str = ""  # filled in by the audit


@dataclass(frozen=True, slots=True)
class Suppression:
    """A `poolaudit: ignore[CODE]` comment; applies to its own line and the next."""

    __reduce__ = _by_fields

    path: str
    line: int
    codes: tuple[str, ...]  # empty tuple: every code
    reason: str | None = None


@dataclass
class Extraction:
    """What a source found in one file."""

    settings: list[Setting] = field(default_factory=list)
    env: list[EnvDef] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    __reduce__ = _by_fields

    path: str
    reason: str
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one setting (or on one file, for file-level rules)."""

    code: str  # PA101
    name: str  # pool-undersized
    severity: Severity
    message: str  # one line, with the numbers in it
    path: str
    line: int
    column: int
    setting: Setting | None = None  # None for file-level findings (file not parsed ...)
    expected: Value = None  # the policy bound
    fix_to: Value = None  # the value a fix would write; None: no automatic fix
    fingerprint: str = ""  # stable across runs and line moves: for baselines and SARIF

@dataclass
class Result:
    settings: list[Setting] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    files_scanned: int = 0
