"""The facts every output format shows: masked text, values with units, provenance, counts, rules.

Formats differ in layout only; what a value, a bound or a rule is called is decided here once,
so the table, the Markdown summary and the SARIF log never disagree.  Everything is a pure
function of the records it is given.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from poolaudit.model import Finding, Provenance, Result, Setting, Value
from poolaudit.sources._values import mask_secrets

# Canonical settings measured in seconds; everything else counts connections or is a flag.
TIMES = frozenset({"acquire_timeout", "idle_timeout", "max_lifetime", "recycle"})

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def masked(text: object) -> str:
    """Text that came from a scanned file, with URL and DSN passwords replaced by `****`."""
    return mask_secrets(str(text)) if text is not None else ""


def severity(finding: Finding) -> str:
    sev = finding.severity
    return str(getattr(sev, "value", sev))


def worst_first(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then information; the given order within each (sort is stable)."""
    return sorted(findings, key=lambda f: SEVERITY_RANK.get(severity(f), len(SEVERITY_RANK)))


def json_value(value: Value) -> Value:
    """A value JSON can carry: NaN and infinities (never valid JSON) become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def number(value: Value) -> str:
    if value is None:
        return "?"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def quantity(value: Value, canonical: str | None) -> str:
    """A value in canonical units as a person reads it: `10`, `30 s`, `0.5 s`, `true`."""
    text = number(value)
    if canonical in TIMES and value is not None and not isinstance(value, bool):
        return f"{text} s"
    return text


def provenance(setting: Setting) -> str:
    """Where the effective value comes from, in a few words: `env-default DB_POOL_SIZE`."""
    kind = setting.provenance
    if kind == Provenance.ENV_DEFAULT:
        return f"env-default {setting.env_var}" if setting.env_var else "env-default"
    if kind == Provenance.ENV_FILE:
        return f"from {setting.env_file}" if setting.env_file else "from env file"
    if kind == Provenance.LIBRARY_DEFAULT:
        return "library default"
    if kind == Provenance.UNRESOLVED:
        return f"unresolved {setting.env_var}" if setting.env_var else "unresolved"
    return str(getattr(kind, "value", kind))


def value_cell(setting: Setting | None) -> str:
    """`4 (env-default DB_POOL_SIZE)`; empty for findings about a whole file."""
    if setting is None:
        return ""
    return f"{quantity(setting.value, setting.canonical)} ({provenance(setting)})"


def bound_cell(finding: Finding) -> str:
    if finding.expected is None:
        return ""
    canonical = finding.setting.canonical if finding.setting is not None else None
    return quantity(finding.expected, canonical)


def key_cell(finding: Finding) -> str:
    return masked(finding.setting.key) if finding.setting is not None else ""


def services_by_path(result: Result) -> dict[str, str]:
    """The service of each file that holds settings: file-level findings have no setting."""
    return {s.path: s.service for s in result.settings}


def service_of(finding: Finding, by_path: Mapping[str, str]) -> str:
    if finding.setting is not None:
        return finding.setting.service
    return by_path.get(finding.path, "")


def environment_of(finding: Finding) -> str | None:
    return finding.setting.environment if finding.setting is not None else None


# Fingerprints ----------------------------------------------------------------------------


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()


def identity(finding: Finding) -> tuple[str, ...]:
    """What makes a finding the same finding after lines move and values change."""
    s = finding.setting
    if s is None:
        return (finding.code, finding.path)
    return (finding.code, finding.path, masked(s.key), s.environment, s.pool, s.canonical)


def fingerprint(finding: Finding) -> str:
    """The checker's fingerprint; a stable stand-in when it has none (never an empty string)."""
    return finding.fingerprint or _digest("poolaudit/v1", *identity(finding))[:32]


def location_hashes(findings: Iterable[Finding]) -> list[str]:
    """SARIF `primaryLocationLineHash` per finding: no line numbers in it, and unique within a
    run, like GitHub's own `hash:occurrence` form."""
    seen: Counter[str] = Counter()
    hashes = []
    for finding in findings:
        digest = _digest(*identity(finding))[:16]
        seen[digest] += 1
        hashes.append(f"{digest}:{seen[digest]}")
    return hashes


# Summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    settings: int
    files: int  # files holding at least one setting
    services: int
    files_scanned: int
    errors: int
    warnings: int
    notices: int
    compliant: int  # settings no finding points at
    skipped: int
    skip_reasons: dict[str, int]  # short reason -> count, most frequent first

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.notices


def _setting_key(s: Setting) -> tuple[str, int, int, str]:
    return (s.path, s.line, s.column, s.key)


def short_reason(reason: str) -> str:
    """`YAML does not parse: mapping values ...` -> `YAML does not parse`: groups like reasons."""
    return masked(reason.split(":", 1)[0].strip() or reason)


def summarize(result: Result) -> Summary:
    by_severity = Counter(severity(f) for f in result.findings)
    flagged = {_setting_key(f.setting) for f in result.findings if f.setting is not None}
    reasons = Counter(short_reason(s.reason) for s in result.skipped)
    return Summary(
        settings=len(result.settings),
        files=len({s.path for s in result.settings}),
        services=len({s.service for s in result.settings}),
        files_scanned=result.files_scanned,
        errors=by_severity["error"],
        warnings=by_severity["warning"],
        notices=by_severity["info"],
        compliant=sum(1 for s in result.settings if _setting_key(s) not in flagged),
        skipped=len(result.skipped),
        skip_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def summary_sentence(s: Summary) -> str:
    """One line for terminals and summaries: what was looked at, what is wrong, what was skipped."""
    text = (
        f"{plural(s.files_scanned, 'file')} scanned: {plural(s.settings, 'pool setting')} in "
        f"{plural(s.files, 'file')} of {plural(s.services, 'service')}; "
        f"{plural(s.errors, 'error')}, {plural(s.warnings, 'warning')}, "
        f"{plural(s.notices, 'notice')}; {s.compliant} compliant"
    )
    if s.skipped:
        why = ", ".join(f"{reason}: {n}" for reason, n in s.skip_reasons.items())
        text += f"; {plural(s.skipped, 'file')} skipped ({why})"
    return text + "."


# Rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    severity: str
    summary: str
    doc: str  # the rule's documentation; never empty


def rule_registry() -> Mapping[str, Any]:
    """`poolaudit.rules.RULES`, imported only by the formats that describe rules."""
    try:
        from poolaudit.rules import RULES
    except ImportError:  # rules not installed yet: fall back to what findings say
        return {}
    return RULES


def rule_info(code: str, example: Finding | None, registry: Mapping[str, Any]) -> RuleInfo:
    """A rule's metadata from the registry, or from one of its findings when it is unknown."""
    rule = registry.get(code)
    fallback_name = example.name if example is not None and example.name else code
    fallback_sev = severity(example) if example is not None else "warning"
    if rule is None:
        summary = fallback_name.replace("-", " ").capitalize()
        return RuleInfo(code, fallback_name, fallback_sev, summary, summary + ".")
    name = str(getattr(rule, "NAME", "") or fallback_name)
    sev = getattr(rule, "SEVERITY", None)
    sev_text = str(getattr(sev, "value", sev)) if sev is not None else fallback_sev
    summary = str(getattr(rule, "SUMMARY", "") or "").strip() or name.replace("-", " ").capitalize()
    doc = _dedent(getattr(rule, "__doc__", None) or "") or summary
    return RuleInfo(code, name, sev_text, summary, doc)


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc).strip()


def description(rule: RuleInfo) -> str:
    """A paragraph describing the rule: the docstring's title line (without its `CODE name:`
    prefix) joined to the paragraph after it, as SARIF's fullDescription wants."""
    paragraphs = [" ".join(p.split()) for p in rule.doc.split("\n\n") if p.strip()]
    if not paragraphs:
        return rule.summary
    title = paragraphs[0]
    prefix = f"{rule.code} {rule.name}:"
    if title.startswith(prefix) and len(paragraphs) > 1:
        title = title[len(prefix) :].strip()
        title = title[:1].upper() + title[1:]
        return f"{title} {paragraphs[1]}"
    return title


SUPPRESS_HINT = "poolaudit: ignore[{code}] reason"
