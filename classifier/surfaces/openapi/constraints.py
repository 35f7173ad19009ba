"""Validation keywords: which way each change moves the set of accepted values.

Every keyword change is reduced to ``tightened`` (fewer values valid),
``relaxed`` (more values valid) or ``changed`` (neither contains the other);
the rules judge that against the direction. Enums (and ``const``, a one-value
enum) report their values; patterns report their own kind, because a changed
pattern is judged apart from other constraints.
"""

from __future__ import annotations

from typing import Any

from classifier.surfaces.openapi.walk import Context, Walk

UPPER = ("maxLength", "maximum", "maxItems", "maxProperties", "maxContains")
LOWER = ("minLength", "minimum", "minItems", "minProperties", "minContains")
EXCLUSIVE = {"exclusiveMaximum": "upper", "exclusiveMinimum": "lower"}
# Keywords that say how to read a value: any change to them changes what a value means.
INTERPRETATION = ("contentMediaType", "contentEncoding")
COMPARED = (*UPPER, *LOWER, *EXCLUSIVE, "multipleOf", "uniqueItems", "additionalProperties", "dependentRequired",
            *INTERPRETATION)
# Bounds of one side of a range, by the keywords that can state it: the first one set on a side where
# none was is told apart (the server may have enforced that limit all along; the description now says so).
BOUND_SIDES = {
    "maximum": ("maximum", "exclusiveMaximum"), "exclusiveMaximum": ("maximum", "exclusiveMaximum"),
    "minimum": ("minimum", "exclusiveMinimum"), "exclusiveMinimum": ("minimum", "exclusiveMinimum"),
    "maxLength": ("maxLength",), "minLength": ("minLength",), "maxItems": ("maxItems",), "minItems": ("minItems",),
    "maxProperties": ("maxProperties",), "minProperties": ("minProperties",),
}
# Patterns every string matches: setting one of them constrains nothing.
MATCH_ALL = frozenset({"", ".*", "^.*$", "^.*", ".*$", "^(.*)$", "(.*)", "[\\s\\S]*", "^[\\s\\S]*$", ".*?"})
MISSING = object()


def compare_keywords(walk: Walk, old: Any, new: Any, ctx: Context) -> None:
    """Record enum, constraint, pattern, format and default changes between two views."""
    before, after = old.keywords, new.keywords
    label = ctx.label()
    _enum(walk, new, before, after, ctx, label)
    for keyword in COMPARED:
        a, b = before.get(keyword, MISSING), after.get(keyword, MISSING)
        if _same(a, b) or keyword == "additionalProperties" and isinstance(a, dict) and isinstance(b, dict):
            continue  # two additionalProperties schemas are compared as schemas, by the walk
        way = movement(keyword, a, b)
        # A keyword set to its default is compared as absent, and described as written.
        shown = _describe(old.at.get(keyword, MISSING) if a is MISSING else a,
                          new.at.get(keyword, MISSING) if b is MISSING else b)
        first = {"bound_set": True} if _first_bound(keyword, before, b) else {}
        walk.added("constraint-changed", new.at, ctx, f"{label} {keyword} {shown}", key=keyword, keyword=keyword,
                   way=way, **first)
    _pattern(walk, new, before.get("pattern", MISSING), after.get("pattern", MISSING), ctx, label)
    a, b = before.get("format", MISSING), after.get("format", MISSING)
    if a != b:
        kind = "format-changed" if a is not MISSING and b is not MISSING else "constraint-changed"
        way = "tightened" if a is MISSING else "relaxed" if b is MISSING else "changed"
        walk.added(kind, new.at, ctx, f"{label} format {_describe(a, b)}", key="format", keyword="format", way=way)
    a, b = before.get("default", MISSING), after.get("default", MISSING)
    # A parameter's default is what the server assumes when it is left out: setting or removing one counts too.
    if (a is not MISSING and b is not MISSING or ctx.parameter) and not _same(a, b):
        walk.added("default-changed", new.at, ctx, f"{label} default {_describe(a, b)}", parameter=ctx.parameter)


def _first_bound(keyword: str, before: dict[str, Any], value: Any) -> bool:
    """A numeric bound set on a side of the range (upper or lower) that had no bound at all before.

    OpenAPI 3.0's boolean ``exclusiveMaximum: true`` only moves an existing
    ``maximum``: it is not a bound of its own.
    """
    side = BOUND_SIDES.get(keyword)
    return side is not None and _number(value) and not any(_number(before.get(name)) for name in side)


def _pattern(walk: Walk, new: Any, a: Any, b: Any, ctx: Context, label: str) -> None:
    """A pattern set, removed, replaced, or widened to match every string."""
    if a == b:
        return
    was, now = _effective_pattern(a), _effective_pattern(b)
    if was is MISSING and now is MISSING:
        return  # one spelling of "any string" for another
    way = "tightened" if was is MISSING else "relaxed" if now is MISSING else "changed"
    what = f"{label} pattern {_describe(a, b)}"
    if now is MISSING and b is not MISSING:
        what += " (matches every string)"
    walk.added("pattern-changed", new.at, ctx, what, key="pattern", keyword="pattern", way=way)


def _effective_pattern(value: Any) -> Any:
    return MISSING if value is MISSING or isinstance(value, str) and value in MATCH_ALL else value


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
    if keyword in INTERPRETATION:
        return "changed"
    if keyword == "dependentRequired":
        return _dependencies(a, b)
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


def _dependencies(a: Any, b: Any) -> str:
    """More names required alongside a property narrows; fewer widens."""
    before, after = _pairs(a), _pairs(b)
    if before <= after:
        return "tightened"
    return "relaxed" if after <= before else "changed"


def _pairs(value: Any) -> set[tuple[str, str]]:
    if not isinstance(value, dict):
        return set()
    return {(str(name), str(other)) for name, others in value.items() if isinstance(others, list) for other in others}


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
    keyword = _enum_keyword(after if new_values is not None else before)
    if old_values is None or new_values is None:
        way = "tightened" if old_values is None else "relaxed"
        change = "added" if old_values is None else "removed"
        walk.added("constraint-changed", new.at, ctx, f"{label} {keyword} {change}", key="enum", keyword=keyword,
                   way=way)
        return
    extensible = after.get("x-extensible-enum") is True or (
        "enum" not in after and isinstance(after.get("x-extensible-enum"), list))
    removed = [v for v in old_values if not _member(v, new_values)]
    added = [v for v in new_values if not _member(v, old_values)]
    if removed:
        walk.added("enum-values-removed", new.at, ctx, f"{label} {keyword} lost {_list(removed)}",
                   values=_list(removed))
    if added:
        # A value that was fixed (a const, a one-value enum) and is now another one.
        replaced = len(old_values) == 1 and bool(removed)
        what = f"{label} {keyword} changed from {_list(removed)} to {_list(added)}" if replaced \
            else f"{label} {keyword} gained {_list(added)}"
        walk.added("enum-values-added", new.at, ctx, what, values=_list(added), extensible=extensible,
                   **({"replaced": True} if replaced else {}))


def _enum_keyword(keywords: dict[str, Any]) -> str:
    return "const" if "const" in keywords and "enum" not in keywords else "enum"


def _member(value: Any, values: list[Any]) -> bool:
    # 1 and 1.0 are the same value; True and 1 are not.
    return any(_same(value, other) for other in values)


def _values(keywords: dict[str, Any]) -> list[Any] | None:
    values = keywords.get("enum")
    if isinstance(values, list):
        return [v for v in values if v is not None]
    if "const" in keywords:
        return [keywords["const"]] if keywords["const"] is not None else []
    extensible = keywords.get("x-extensible-enum")
    return list(extensible) if isinstance(extensible, list) else None


def _list(values: list[Any]) -> str:
    return ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values)
