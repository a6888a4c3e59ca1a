"""Resolve indirections across files: where each setting's effective value is written.

A placeholder (`${DB_POOL_SIZE:10}`, `os.getenv("DB_POOL_SIZE", "10")`, ERB `ENV.fetch`) takes
its value from the variable when an env file, compose file or Kubernetes manifest of the same
service sets it, else from its default.  A name read from another module
(`settings.db_pool_size`) takes the value of the symbol that defines it.  The fix edits the
`origin` this module records, so the two must agree on what is effective.
"""

from __future__ import annotations

from collections import defaultdict

from poolaudit.catalog import normalize
from poolaudit.model import EnvDef, Origin, Provenance, Setting, Symbol

# Env files that document variables rather than set them for a deployment.
_DOC_SUFFIXES = (".example", ".sample", ".template", ".dist", ".defaults", ".default")

# Frameworks whose profile files (`application-prod.yml`) merge over a base file.
_PROFILE_MERGED = frozenset({"spring"})

# Preference among definitions, by the setting's environment: the production value first.
_ENV_ORDER = {
    "production": ("production", "any", "staging"),
    "any": ("production", "any", "staging"),
    "staging": ("staging", "any", "production"),
    "development": ("development", "any"),
    "test": ("test", "any", "development"),
}


def is_documentation(path: str) -> bool:
    """`.env.example`, `env.sample` ...: files that document variables, not deploy them."""
    name = path.rsplit("/", 1)[-1].lower()
    return name.endswith(_DOC_SUFFIXES) or name.startswith(tuple(f"env{suffix}" for suffix in _DOC_SUFFIXES))


def usable(d: EnvDef) -> bool:
    """Whether a definition can give a setting its value: a number or duration, in a file that
    deploys it rather than documents it."""
    return d.value is not None and not is_documentation(d.path)


def _is_env_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name.startswith(".env") or name.endswith(".env")


def _pick(defs: list[EnvDef], environment: str) -> EnvDef | None:
    for wanted in _ENV_ORDER.get(environment, ("any",)):
        matching = [d for d in defs if d.environment == wanted]
        if matching:
            # Real env files beat manifests and compose for a value a person edits; then path order.
            matching.sort(key=lambda d: (not _is_env_file(d.path), d.path, d.line))
            return matching[0]
    return None


def _origin(d: EnvDef | Symbol) -> Origin | None:
    if d.span is None:
        return None
    return Origin(d.path, d.span, d.line, d.column)


def resolve(settings: list[Setting], env: list[EnvDef], symbols: list[Symbol]) -> list[Setting]:
    """Settings with `value`, `provenance`, `env_file` and `origin` filled in across files."""
    env_by_service: dict[tuple[str, str], list[EnvDef]] = defaultdict(list)
    env_by_folder: dict[tuple[str, str], list[EnvDef]] = defaultdict(list)
    for d in env:
        if usable(d):
            env_by_service[(d.service, d.name.upper())].append(d)
            env_by_folder[(d.path.rpartition("/")[0], d.name.upper())].append(d)
    symbols_by_service: dict[tuple[str, str], list[Symbol]] = defaultdict(list)
    for s in symbols:
        symbols_by_service[(s.service, s.name)].append(s)

    resolved = []
    for setting in _without_shadowed_defaults(settings):
        if setting.ref and setting.value is None:
            setting = _resolve_ref(setting, symbols_by_service.get((setting.service, setting.ref), []))
        if setting.env_var and setting.provenance in (Provenance.ENV_DEFAULT, Provenance.UNRESOLVED):
            chosen, fallback = None, False
            for name in (setting.env_var, *setting.fallbacks):  # the first variable that is set
                name = name.upper()
                defs = env_by_service.get((setting.service, name)) or _enclosing(setting, name, env_by_folder)
                if setting.framework == "compose":
                    # Compose interpolates from the shell and env files, never from other manifests.
                    defs = [d for d in defs if _is_env_file(d.path)]
                chosen = _pick(defs, setting.environment)
                if chosen is not None:
                    break
                fallback = True
            if chosen is not None and chosen.path != setting.path:
                value = chosen.value
                if setting.unit == "ms" and isinstance(value, (int, float)) and not isinstance(value, bool):
                    value = value / 1000 if value % 1000 else value // 1000  # env values are as written
                setting = setting.replace(
                    value=value,
                    provenance=Provenance.ENV_FILE,
                    env_file=chosen.path,
                    # A fallback (Puma's RAILS_MAX_THREADS) sizes more than this pool: not edited.
                    origin=None if fallback else _origin(chosen),
                    env_var=chosen.name if fallback else setting.env_var,  # the variable that is set
                    note=f"{setting.env_var} is not set; {chosen.name} is" if fallback else setting.note,
                )
        resolved.append(setting)
    return resolved


def _enclosing(setting: Setting, name: str, by_folder: dict[tuple[str, str], list[EnvDef]]) -> list[EnvDef]:
    """Definitions in the nearest folder above the setting's service that has any: a repository
    whose root `.env` and compose file deploy the service in `backend/` (pydantic's
    `env_file="../.env"`, compose's `env_file: .env` with `build: ./backend`)."""
    folder = setting.path
    while folder:
        folder = folder.rpartition("/")[0]
        found = [d for d in by_folder.get((folder, name), ()) if d.service != setting.service]
        if found:
            return found
    return []


def _without_shadowed_defaults(settings: list[Setting]) -> list[Setting]:
    """A library default stands only where no file of the service writes the value for that
    environment.  Spring merges `application-prod.yml` over `application.yml`: a prod hikari
    block without a size runs with the base file's size, not HikariCP's 10."""

    def pool_of(s: Setting) -> tuple[str, str, str, str]:
        return (s.service, s.framework, s.canonical, normalize(s.pool).replace(".", ""))

    def merged(s: Setting) -> bool:
        # Only configs that merge by profile across files; code pools are per call site.
        return s.framework in _PROFILE_MERGED

    written: dict[tuple[str, str, str, str], set[str]] = defaultdict(set)
    defaults = False
    for s in settings:
        if merged(s):
            if s.provenance is Provenance.LIBRARY_DEFAULT:
                defaults = True
            else:
                written[pool_of(s)].add(s.environment)
    if not defaults:
        return settings
    return [
        s
        for s in settings
        if s.provenance is not Provenance.LIBRARY_DEFAULT
        or not merged(s)
        or not ({"any", s.environment} & written.get(pool_of(s), set()))
    ]


def _qualified(setting: Setting, candidates: list[Symbol]) -> list[Symbol]:
    """The candidates the expression's qualifier names, when symbols of that name disagree:
    `settings.database.pool_size` reads DatabaseSettings' field, not HttpSettings'."""
    head, dot, last = setting.raw.strip().rpartition(".")
    if not dot or last != setting.ref:
        return candidates
    qualifier = normalize(head.rpartition(".")[2])
    named = [s for s in candidates if qualifier and normalize(s.container or "").startswith(qualifier)]
    return named or candidates


def _resolve_ref(setting: Setting, candidates: list[Symbol]) -> Setting:
    values = {s.value for s in candidates}
    if len(values) > 1:
        candidates = _qualified(setting, candidates)
        values = {s.value for s in candidates}
    if len(values) != 1 or None in values:
        return setting  # unknown or ambiguous: stays unresolved
    symbol = candidates[0]
    return setting.replace(
        value=symbol.value,
        written=symbol.value,
        provenance=Provenance.ENV_DEFAULT if symbol.env_var else Provenance.LITERAL,
        env_var=symbol.env_var or setting.env_var,
        origin=_origin(symbol) if len(candidates) == 1 else None,
        note=setting.note or f"from {symbol.container or symbol.path}.{symbol.name}",
    )

