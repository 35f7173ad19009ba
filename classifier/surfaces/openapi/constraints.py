"""Validation keywords: which way each change moves the set of accepted values.

Every keyword change is reduced to ``tightened`` (fewer values valid),
``relaxed`` (more values valid) or ``changed`` (neither contains the other);
the rules judge that against the direction. Enums report their values.
"""

from __future__ import annotations

from typing import Any

from classifier.surfaces.openapi.walk import Context, Walk

UPPER = ("maxLength", "maximum", "maxItems", "maxProperties")
LOWER = ("minLength", "minimum", "minItems", "minProperties")
EXCLUSIVE = {"exclusiveMaximum": "upper", "exclusiveMinimum": "lower"}
MISSING = object()


def compare_keywords(walk: Walk, old: Any, new: Any, ctx: Context) -> None:
    """Record enum, constraint, pattern, format and default changes between two views."""
    before, after = old.keywords, new.keywords
    label = ctx.label()
    _enum(walk, new, before, after, ctx, label)
    for keyword in (*UPPER, *LOWER, *EXCLUSIVE, "multipleOf", "uniqueItems", "additionalProperties", "const"):
        a, b = before.get(keyword, MISSING), after.get(keyword, MISSING)
        if _same(a, b) or keyword == "additionalProperties" and isinstance(a, dict) and isinstance(b, dict):
            continue  # two additionalProperties schemas are compared as schemas, by the walk
        way = movement(keyword, a, b)
        walk.added("constraint-changed", new.at, ctx, f"{label} {keyword} {_describe(a, b)}",
                   key=keyword, keyword=keyword, way=way)
    for keyword in ("pattern", "format"):
        a, b = before.get(keyword, MISSING), after.get(keyword, MISSING)
        if a == b:
            continue
        kind = f"{keyword}-changed" if a is not MISSING and b is not MISSING else "constraint-changed"
        way = "tightened" if a is MISSING else "relaxed" if b is MISSING else "changed"
        walk.added(kind, new.at, ctx, f"{label} {keyword} {_describe(a, b)}", key=keyword, keyword=keyword, way=way)
    a, b = before.get("default", MISSING), after.get("default", MISSING)
    if a is not MISSING and b is not MISSING and not _same(a, b):
        walk.added("default-changed", new.at, ctx, f"{label} default {_describe(a, b)}")


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same bound; True and 1 are not the same value.
    return a == b and type(a) is type(b) or (_number(a) and _number(b) and a == b)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(a: Any, b: Any) -> str:
    if a is MISSING:
        return f"set to {_short(b)}"
    if b is MISSING:
        return f"removed (was {_short(a)})"
    return f"changed from {_short(a)} to {_short(b)}"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def movement(keyword: str, a: Any, b: Any) -> str:
    """``tightened``, ``relaxed`` or ``changed`` for one keyword going from ``a`` to ``b``."""
    if keyword == "additionalProperties":
        return _openness_change(_openness(a), _openness(b))
    if keyword == "uniqueItems":
        return _boolish(a is not True, b is not True)
    if a is MISSING:
        return "tightened"
    if b is MISSING:
        return "relaxed"
    if keyword in EXCLUSIVE:
        return _exclusive(EXCLUSIVE[keyword], a, b)
    if keyword == "multipleOf" and _number(a) and _number(b) and a and b:
        return "tightened" if (b / a).is_integer() else "relaxed" if (a / b).is_integer() else "changed"
    if _number(a) and _number(b):
        smaller_is_tighter = keyword in UPPER
        return "tightened" if (b < a) == smaller_is_tighter else "relaxed"
    return "changed"


def _openness(value: Any) -> int:
    """How many extra properties ``additionalProperties`` lets through: none, those of a schema, any."""
    if value is False:
        return 0
    return 1 if isinstance(value, dict) and value else 2


def _openness_change(before: int, after: int) -> str:
    return "tightened" if after < before else "relaxed" if after > before else "changed"


def _boolish(allowed_before: bool, allowed_after: bool) -> str:
    return "tightened" if allowed_before and not allowed_after else "relaxed" if allowed_after else "changed"


def _exclusive(bound: str, a: Any, b: Any) -> str:
    if isinstance(a, bool) and isinstance(b, bool):  # OpenAPI 3.0 form
        return "tightened" if b else "relaxed"
    if _number(a) and _number(b):
        return "tightened" if (b < a) == (bound == "upper") else "relaxed"
    return "changed"


def _enum(walk: Walk, new: Any, before: dict[str, Any], after: dict[str, Any], ctx: Context, label: str) -> None:
    old_values, new_values = _values(before), _values(after)
    if old_values is None and new_values is None:
        return
    if old_values is None or new_values is None:
        way = "tightened" if old_values is None else "relaxed"
        walk.added("constraint-changed", new.at, ctx, f"{label} enum {'added' if old_values is None else 'removed'}",
                   key="enum", keyword="enum", way=way)
        return
    extensible = after.get("x-extensible-enum") is True or (
        "enum" not in after and isinstance(after.get("x-extensible-enum"), list))
    removed = [v for v in old_values if v not in new_values]
    added = [v for v in new_values if v not in old_values]
    if removed:
        walk.added("enum-values-removed", new.at, ctx, f"{label} enum lost {_list(removed)}", values=_list(removed))
    if added:
        walk.added("enum-values-added", new.at, ctx, f"{label} enum gained {_list(added)}", values=_list(added),
                   extensible=extensible)


def _values(keywords: dict[str, Any]) -> list[Any] | None:
    values = keywords.get("enum")
    if isinstance(values, list):
        return [v for v in values if v is not None]
    extensible = keywords.get("x-extensible-enum")
    return list(extensible) if isinstance(extensible, list) else None


def _list(values: list[Any]) -> str:
    return ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)
