"""The policy itself as a surface: what a change does to the configuration that judges it.

The policy that applies comes from the base revision; the head revision's
policy is only a proposal. Each difference between the two is a ``Change``:
``loosened`` when the proposal would let something pass that the base policy
blocks or shows (an exclude or ignore or waiver added, a severity lowered,
``fail_on`` raised, a path, table or frozen version dropped from a surface, or a
surface setting changed in a way whose direction cannot be told), ``tightened``
for the inverse, ``changed`` for settings that do not decide what passes.

The comparison is written out key by key rather than taken from a generic
structural diff (DeepDiff): what matters is which way each key moves (an
exclude added loosens, an append-only table added tightens), which a generic
diff does not say, and DeepDiff's import alone measured 70-360 ms here against
well under a millisecond for this whole comparison.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from classifier.model import Change, Label, Location, Severity
from classifier.policy.config import Config, Ignore, Waiver

SURFACE = "policy"
SURFACE_TABLES = ("openapi", "error_codes", "constants", "migrations", "api")
# Surface lists whose default is empty, so that setting one where it was unset only adds to what is checked.
DEFAULT_EMPTY = frozenset({
    "error_codes.tables", "error_codes.registry_functions", "constants.names", "migrations.append_only_tables",
    "migrations.key_binding_tables", "api.frozen", "api.depends_on",
})
# Surface settings with a known strict end: the value that checks more.
STRICT_VALUES: dict[str, Any] = {
    "migrations.forbid_reformat": True,
    "openapi.auth.security": True,
    "api.frozen_policy": "strict",
}
_FAIL_ON_STRICTNESS = {None: 0, Label.BREAKING: 1, Label.ADDITIVE: 2, Label.NON_BREAKING: 3}
_SEVERITY_STRICTNESS = {Severity.OFF: 0, Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}


def policy_changes(applied: Config, proposed: Config) -> Iterator[Change]:
    """One change per difference between the policy that applies and the one the head revision commits."""
    location = Location(_policy_file(proposed) or _policy_file(applied) or "pyproject.toml")
    for kind, subject, what in _differences(applied, proposed):
        yield Change(SURFACE, kind, subject, location, {"what": what, "file": location.path})


def _differences(applied: Config, proposed: Config) -> Iterator[tuple[str, str, str]]:
    yield from _fail_on(applied, proposed)
    yield from _globs("exclude", applied.exclude, proposed.exclude, loosened_when="added")
    yield from _severities(applied, proposed)
    yield from _entries("ignore", _ignores(applied.ignore), _ignores(proposed.ignore))
    yield from _entries("waiver", _waivers(applied.waivers), _waivers(proposed.waivers))
    if applied.table.get("base") != proposed.table.get("base"):
        yield "changed", "base", f"base {applied.table.get('base')!r} → {proposed.table.get('base')!r} (local runs only)"
    if applied.files != proposed.files:
        yield "changed", "files", "[files] changed (which files count as documentation or observability)"
    if applied.limits != proposed.limits:
        # A budget decides how much is read, never what passes: past it, a contract file still blocks.
        yield "changed", "limits", "[limits] changed (how large an input is read before it is refused)"
    for name in SURFACE_TABLES:
        yield from _surface(name, applied.table.get(name), proposed.table.get(name))


def _policy_file(config: Config) -> str | None:
    return config.origin.split(" ", 1)[0] if config.origin else None


def _fail_on(applied: Config, proposed: Config) -> Iterator[tuple[str, str, str]]:
    before, after = _FAIL_ON_STRICTNESS[applied.fail_on], _FAIL_ON_STRICTNESS[proposed.fail_on]
    if before != after:
        kind = "loosened" if after < before else "tightened"
        yield kind, "fail_on", f"fail_on {_label(applied.fail_on)} → {_label(proposed.fail_on)}"


def _label(label: Label | None) -> str:
    return label.value if label else "none"


def _globs(key: str, before: tuple[str, ...], after: tuple[str, ...], loosened_when: str) -> Iterator[tuple[str, str, str]]:
    for glob in sorted(set(after) - set(before)):
        yield ("loosened" if loosened_when == "added" else "tightened"), f"{key}:{glob}", f"{key} {glob!r} added"
    for glob in sorted(set(before) - set(after)):
        yield ("tightened" if loosened_when == "added" else "loosened"), f"{key}:{glob}", f"{key} {glob!r} removed"


def _severities(applied: Config, proposed: Config) -> Iterator[tuple[str, str, str]]:
    from classifier.rules.catalogue import rules_by_id

    catalogue = rules_by_id()
    for rule_id in sorted(set(applied.severity) | set(proposed.severity)):
        default = catalogue[rule_id].severity
        before, after = applied.severity.get(rule_id, default), proposed.severity.get(rule_id, default)
        if _SEVERITY_STRICTNESS[before] != _SEVERITY_STRICTNESS[after]:
            kind = "loosened" if _SEVERITY_STRICTNESS[after] < _SEVERITY_STRICTNESS[before] else "tightened"
            yield kind, f"severity:{rule_id}", f"severity of {rule_id} {before.value} → {after.value}"


def _ignores(ignores: tuple[Ignore, ...]) -> dict[str, str]:
    return {f"{i.rule} in {', '.join(i.paths) or 'every path'}": i.reason for i in ignores}


def _waivers(waivers: tuple[Waiver, ...]) -> dict[str, str]:
    def occurrence(w: Waiver) -> str:
        named = f"fingerprint {w.fingerprint}" if w.fingerprint else f"{w.path} {w.subject}"
        return f"{w.rule} {named}" + (f" until {w.expires.isoformat()}" if w.expires else "")

    return {occurrence(w): w.reason for w in waivers}


def _entries(key: str, before: dict[str, str], after: dict[str, str]) -> Iterator[tuple[str, str, str]]:
    for entry in sorted(set(after) - set(before)):
        yield "loosened", f"{key}:{entry}", f"{key} {entry} added ({after[entry]})"
    for entry in sorted(set(before) - set(after)):
        yield "tightened", f"{key}:{entry}", f"{key} {entry} removed"


def _surface(path: str, before: Any, after: Any) -> Iterator[tuple[str, str, str]]:
    if before == after:
        return
    if isinstance(before, Mapping) or isinstance(after, Mapping):
        old, new = before if isinstance(before, Mapping) else {}, after if isinstance(after, Mapping) else {}
        for key in sorted(set(old) | set(new)):
            yield from _surface(f"{path}.{key}", old.get(key), new.get(key))
        return
    if isinstance(before, list) or isinstance(after, list):
        yield from _surface_list(path, before, after)
        return
    yield _surface_value(path, before, after)


def _surface_list(path: str, before: Any, after: Any) -> Iterator[tuple[str, str, str]]:
    if (before is None or after is None) and path not in DEFAULT_EMPTY:
        shown = "set" if before is None else "removed"
        yield "loosened", path, f"[{path}] {shown}: the default list no longer applies as it did"
        return
    old, new = _items(before), _items(after)
    for item in sorted(set(old) - set(new)):
        yield "loosened", f"{path}:{item}", f"[{path}] {item} no longer checked"
    for item in sorted(set(new) - set(old)):
        yield "tightened", f"{path}:{item}", f"[{path}] {item} now checked"


def _items(value: Any) -> list[str]:
    return [item if isinstance(item, str) else repr(item) for item in (value or [])]


def _surface_value(path: str, before: Any, after: Any) -> tuple[str, str, str]:
    strict = STRICT_VALUES.get(path)
    what = f"[{path}] {before!r} → {after!r}"
    if strict is not None and strict in (before, after):
        return ("tightened" if after == strict else "loosened"), path, what
    # Which way an unordered setting (a header name, a size limit, a pattern) moves cannot be told: it needs review.
    return "loosened", path, what + " (direction unknown)"
