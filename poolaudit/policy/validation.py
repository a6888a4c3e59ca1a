"""Validating a policy's data, and turning pydantic's first error into one PolicyError line:
`file:line: pools.overrides[1].max_size: <what is wrong>`, with a "did you mean" for typos."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from poolaudit.policy.models import MODELS, Policy
from poolaudit.policy.reading import Doc


def validate(doc: Doc, data: dict[str, Any]) -> Policy:
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        loc = _data_loc(data, first["loc"], first["type"] == "missing")
        message = _message(first, [*doc.prefix, *loc])
        if len(errors) > 1:
            message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
        raise doc.error(message, tuple(loc)) from None


def _data_loc(data: Any, loc: tuple[Any, ...], missing: bool) -> list[Any]:
    """The error's location as keys of the data: drops pydantic's union and key tags."""
    kept: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif missing and i == len(loc) - 1:
            pass  # the field that is missing: name it, though it is not in the data
        else:
            continue  # "int", "dict[str,str]", "[key]", "function-after[...]"
        kept.append(part)
    return kept


def _message(error: Any, loc: list[Any]) -> str:
    where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".") or "policy"
    text = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden" and loc:
        import difflib  # for typos only: most runs load a valid policy

        close = difflib.get_close_matches(str(loc[-1]), _field_names(), n=1)
        text = "unknown field" + (f" (did you mean {close[0]!r}?)" if close else "")
    return f"{where}: {text}"


def _field_names() -> list[str]:
    return sorted({name for model in MODELS for name in model.model_fields})
