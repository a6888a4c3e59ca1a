"""Which deployment environment a name stands for: profile names, file names, Rails sections,
config classes (`ProductionConfig`), folders (`tests/`, `settings/prod.py`)."""

from __future__ import annotations

import functools
import re

# Words that name an environment, as they appear in profiles, file names and sections.
_WORDS: dict[str, str] = {
    "production": "production",
    "prod": "production",
    "prd": "production",
    "live": "production",
    "staging": "staging",
    "stage": "staging",
    "stg": "staging",
    "preprod": "staging",
    "uat": "staging",
    "qa": "staging",
    "development": "development",
    "develop": "development",
    "dev": "development",
    "local": "development",
    "test": "test",
    "tests": "test",
    "testing": "test",
    "ci": "test",
    "spec": "test",
}

_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@functools.lru_cache(maxsize=4096)  # a monorepo repeats folder and file names thousands of times
def from_name(name: str | None) -> str | None:
    """`prod` -> production, `application-test` -> test, `ProductionConfig` -> production."""
    if not name:
        return None
    words = _SPLIT.split(_CAMEL.sub("_", name).lower())
    for word in words:
        if word in _WORDS:
            return _WORDS[word]
    return None


def from_path(path: str) -> str:
    """The environment a file's location implies; "any" when it implies none.

    Test folders win over everything (`tests/prod_config.py` is test code); then the file's
    own name (`.env.production`, `application-prod.yml`, `values-staging.yaml`,
    `settings/prod.py`), then its parent folder (`overlays/production/`, `config/staging/`).
    """
    parts = path.split("/")
    if any(part in ("tests", "test", "spec", "__tests__", "testing") for part in parts[:-1]):
        return "test"
    name = parts[-1]
    if name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py":
        return "test"
    stem = name
    for generic in ("application", "bootstrap", "values", "settings", "config", "docker-compose", "compose", "database"):
        if stem.startswith(generic):
            stem = stem[len(generic):]
            break
    if stem.startswith(".env"):
        stem = stem[4:]
    elif stem.endswith(".env"):
        stem = stem[:-4]
    found = from_name(stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem)
    if found:
        return found
    if len(parts) >= 2:
        found = from_name(parts[-2])
        if found and parts[-2] not in ("config", "settings"):
            return found
    return "any"
