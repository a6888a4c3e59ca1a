"""Pool settings inside JSON held by an environment variable: `SPRING_APPLICATION_JSON` (Spring
Boot's whole property tree), `FLASK_SQLALCHEMY_ENGINE_OPTIONS` (Flask's `from_prefixed_env`:
`create_engine` keyword arguments) and `TYPEORM_DRIVER_EXTRA` (TypeORM 0.2: the driver pool's
options), wherever the variable is set (env files, compose, Kubernetes, Helm values).

JSON is YAML, so the value is composed with the YAML machinery and Spring's tree read by the
Spring reader.  As for embedded files (yaml_embedded), the composer is given the outer text
blanked up to the value, so offsets are the outer file's own when the value is written
verbatim; a value with escapes is read decoded and reported at its start, without span or
origin (not fixable).
"""

from __future__ import annotations

from poolaudit.errors import SourceError
from poolaudit.model import Extraction, Provenance, Setting
from poolaudit.sources import yaml_tree as tree
from poolaudit.sources.yaml_values import place, read, setting

# Variable -> (framework, {key: (canonical, unit)}); None: Spring's property tree.
_VARIABLES: dict[str, tuple[str, dict[str, tuple[str, str | None]] | None]] = {
    "SPRING_APPLICATION_JSON": ("spring", None),
    "FLASK_SQLALCHEMY_ENGINE_OPTIONS": ("flask-sqlalchemy", {
        "pool_size": ("max_size", None), "max_overflow": ("overflow", None),
        "pool_timeout": ("acquire_timeout", "s"), "pool_recycle": ("recycle", "s"),
        "pool_pre_ping": ("pre_ping", None),
    }),
    "TYPEORM_DRIVER_EXTRA": ("typeorm", {
        "connectionLimit": ("max_size", None), "max": ("max_size", None), "min": ("min_idle", None),
        "connectionTimeoutMillis": ("acquire_timeout", "ms"), "idleTimeoutMillis": ("idle_timeout", "ms"),
    }),
}


def holds_json(name: str, value: str) -> bool:
    """The cheap test: a variable known to carry JSON, whose value is an object."""
    return name.upper() in _VARIABLES and value.lstrip()[:1] == "{"


def settings(
    path: str,
    text: str,
    name: str,
    value: str,
    start: int | None,
    at: tuple[int, int],
    *,
    kind: str,
    key: str,
    environment: str = "any",
) -> list[Setting]:
    """The pool settings in `value`, the JSON `name` holds; `start`: where `value` is written
    verbatim in `text` (None: it is not, e.g. escapes); `at`: (line, column) of the value."""
    framework, table = _VARIABLES[name.upper()]
    exact = start is not None
    source = value
    if start is not None:  # blanked up to the value: the composer's offsets are the file's
        source = "\n".join(" " * len(line) for line in text[:start].split("\n")) + value
    try:
        docs = tree.compose(source)
    except SourceError:
        return []
    if len(docs) != 1 or not isinstance(docs[0], tree.MappingNode):
        return []
    if table is None:
        from poolaudit.sources import yaml_config  # Spring's reader; yaml_config imports yaml_env

        out = Extraction()
        yaml_config.extract(path, source, docs[0], out, environment=environment)
        found = [s for s in out.settings if s.provenance is not Provenance.LIBRARY_DEFAULT]
    else:
        found = []
        for pair in tree.pairs(docs[0]):
            wanted = table.get(pair.key.value)
            if wanted is None or not isinstance(pair.value, tree.ScalarNode):
                continue
            written = read(source, pair.value, wanted[0], wanted[1], "plain")
            if written is not None:
                found.append(setting(
                    path, source, place(pair.value), written, key=pair.key.value, canonical=wanted[0],
                    framework=framework, environment=environment, pool=name,
                ))  # fmt: skip
    note = f"in the JSON of {name}"
    if not exact:
        note += " (escaped: position approximate, not fixable)"
    result = []
    for s in found:
        changes: dict[str, object] = {
            "kind": kind, "key": f"{key}.{s.key}", "note": "; ".join(n for n in (s.note, note) if n), "insertion": None,
        }
        if not exact:
            changes.update(line=at[0], column=at[1], span=None, origin=None)
        result.append(s.replace(**changes))
    return result
