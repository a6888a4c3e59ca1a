"""ERB inside YAML (Rails `config/database.yml` and friends): masking tags so the YAML parses,
and reading the value an output tag writes: `<%= ENV.fetch("RAILS_MAX_THREADS") { 5 } %>`.

Ruby is never run.  The forms understood are the ones Rails apps write: a number,
`ENV.fetch("X") { 5 }`, `ENV.fetch("X", 5)`, `ENV["X"]`, `||` chains ending in a default,
`.to_i`, `Integer(...)`, parentheses.  `ENV["X"] { 5 }` passes a block that `ENV.[]` ignores,
so it has no default.  Anything else (a ternary on `Sidekiq.server?`) is unresolved, with the
expression in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from poolaudit.model import Provenance
from poolaudit.sources.yaml_values import Written, convert

_TAG = re.compile(r"<%(?!%).*?%>", re.S)
_OUTPUT = re.compile(r"<%-?=+(?P<expr>.*?)-?%>\Z", re.S)
_SUFFIX = re.compile(r"(?:\s*\.\s*(?:to_i|to_f|to_s|to_int|to_r|presence)\b)+\Z")
_WRAPPER = re.compile(r"(?:Integer|Float|String)\s*\(")
_NUMBER = re.compile(r"(?P<q>[\"']?)(?P<n>[+-]?\d+(?:\.\d+)?)(?P=q)")
_ENV_INDEX = re.compile(r"ENV\s*\[\s*(?P<q>[\"'])(?P<name>[^\"']+)(?P=q)\s*\]")
_ENV_FETCH = re.compile(r"ENV\s*\.\s*fetch\s*\(")
_STRING = re.compile(r"\s*(?P<q>[\"'])(?P<name>[^\"']+)(?P=q)\s*")
_CLOSERS = {"(": ")", "[": "]", "{": "}"}


def mask(text: str) -> str:
    """`text` with every ERB tag replaced by text of the same length (newlines kept), so marks
    still index the original: output tags by `x` (a plain scalar), other tags by spaces."""

    def fill(match: re.Match[str]) -> str:
        tag = match.group(0)
        char = "x" if _OUTPUT.fullmatch(tag) else " "
        return "".join(c if c in "\r\n" else char for c in tag)

    return _TAG.sub(fill, text)


def read(text: str, start: int, end: int, canonical: str, unit: str | None) -> Written:
    """The value text[start:end] holds when it is (or contains) ERB."""
    body = text[start:end]
    match = _OUTPUT.fullmatch(body.strip())
    if match is None:
        note = f"computed by ERB: {body.strip()}"
        return Written(None, Provenance.UNRESOLVED, None, None, None, note)
    expr_at = start + (len(body) - len(body.lstrip())) + match.start("expr")
    found = _expression(match.group("expr"), expr_at)
    env_var = found.env_vars[0] if found.env_vars else None
    fallbacks = tuple(found.env_vars[1:])  # read in turn when env_var is unset
    also = f"; also reads {', '.join(fallbacks)}" if fallbacks else ""
    notes = [*found.notes]
    if found.text is None:
        if found.opaque:
            notes.append(f"computed by ERB: {match.group('expr').strip()}")
        elif env_var and not notes:
            notes.append(f"ENV[{env_var!r}] has no default{also}")
        return Written(None, Provenance.UNRESOLVED, None, env_var, None, "; ".join(notes) or None, fallbacks)
    value, how = convert(found.text, canonical, unit)
    if value is None:
        notes.append(f"ERB default {found.text!r} is not a number")
        return Written(None, Provenance.UNRESOLVED, None, env_var, None, "; ".join(notes), fallbacks)
    provenance = Provenance.ENV_DEFAULT if env_var else Provenance.LITERAL
    if also:
        notes.append(f"reads {env_var}{also}")
    return Written(value, provenance, found.origin, env_var, how, "; ".join(notes) or None, fallbacks)


@dataclass
class _Eval:
    text: str | None = None  # the default (or literal) written, when one is reached
    origin: tuple[int, int] | None = None
    env_vars: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    opaque: bool = False  # an expression this reader does not understand


def _expression(expr: str, at: int) -> _Eval:
    """`a || b || 5`: the first term that always has a value ends the chain."""
    result = _Eval()
    for part, part_at in _split(expr, at, "||"):
        term = _term(part, part_at)
        result.env_vars.extend(term.env_vars)
        result.notes.extend(term.notes)
        if term.opaque:
            result.opaque = True
            return result
        if term.text is not None:
            result.text, result.origin = term.text, term.origin
            return result
    return result


def _term(expr: str, at: int) -> _Eval:
    expr, at = _strip(expr, at)
    suffix = _SUFFIX.search(expr)
    if suffix:
        expr = expr[: suffix.start()]
    expr, at = _unwrap(expr, at)
    if len(_split(expr, at, "||")) > 1:  # `(ENV["A"] || 5).to_i`
        return _expression(expr, at)
    number = _NUMBER.fullmatch(expr)
    if number:
        return _Eval(number.group("n"), (at + number.start("n"), at + number.end("n")))
    if expr == "nil":
        return _Eval()
    index = _ENV_INDEX.match(expr)
    if index:
        name, rest = index.group("name"), expr[index.end():].strip()
        if not rest:
            return _Eval(env_vars=[name])
        if _block(rest) is not None:
            note = f"the block after ENV[{name!r}] is ignored by Ruby: no default"
            return _Eval(env_vars=[name], notes=[note])
        return _Eval(opaque=True)
    fetch = _ENV_FETCH.match(expr)
    if fetch:
        return _fetch(expr, at, fetch.end() - 1)
    return _Eval(opaque=True)


def _fetch(expr: str, at: int, open_at: int) -> _Eval:
    close = _close(expr, open_at)
    if close is None:
        return _Eval(opaque=True)
    args = _split(expr[open_at + 1 : close], at + open_at + 1, ",")
    name = _STRING.fullmatch(args[0][0]) if args else None
    if name is None:
        return _Eval(opaque=True)
    var = name.group("name")
    rest_at = close + 1
    rest = expr[rest_at:]
    default: tuple[str, int] | None = args[1] if len(args) > 1 else None
    if default is None and rest.strip():
        block = _block(rest.strip())
        if block is None:
            return _Eval(opaque=True)
        lead = rest_at + (len(rest) - len(rest.lstrip()))
        default = (block[0], at + lead + block[1])
    elif rest.strip():
        return _Eval(opaque=True)
    if default is None:
        note = f"ENV.fetch({var!r}) has no default (raises when unset)"
        return _Eval(env_vars=[var], notes=[note])
    inner = _expression(*default)
    inner.env_vars.insert(0, var)
    return inner


def _block(text: str) -> tuple[str, int] | None:
    """`{ 5 }` or `do 5 end` -> (body, offset of body in text)."""
    if text.startswith("{"):
        close = _close(text, 0)
        return (text[1:close], 1) if close == len(text) - 1 else None
    match = re.fullmatch(r"do\b(.*)\bend", text, re.S)
    return (match.group(1), match.start(1)) if match else None


def _unwrap(expr: str, at: int) -> tuple[str, int]:
    while True:
        wrapper = _WRAPPER.match(expr)
        open_at = wrapper.end() - 1 if wrapper else (0 if expr.startswith("(") else None)
        if open_at is None or _close(expr, open_at) != len(expr) - 1:
            return expr, at
        expr, at = _strip(expr[open_at + 1 : -1], at + open_at + 1)
        suffix = _SUFFIX.search(expr)
        if suffix:
            expr = expr[: suffix.start()]


def _strip(expr: str, at: int) -> tuple[str, int]:
    return expr.strip(), at + (len(expr) - len(expr.lstrip()))


def _close(text: str, open_at: int) -> int | None:
    """Index of the bracket closing text[open_at], skipping nested brackets and strings."""
    depth, quote = 0, ""
    for i in range(open_at, len(text)):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c in _CLOSERS:
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return None


def _split(expr: str, at: int, separator: str) -> list[tuple[str, int]]:
    """Top-level parts of `expr` around `separator`, with their file offsets."""
    parts, depth, quote, begin, i = [], 0, "", 0, 0
    while i < len(expr):
        c = expr[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and expr.startswith(separator, i):
            parts.append((expr[begin:i], at + begin))
            i += len(separator)
            begin = i
            continue
        i += 1
    parts.append((expr[begin:], at + begin))
    return parts
