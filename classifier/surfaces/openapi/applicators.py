"""JSON Schema 2020-12 applicators (OpenAPI 3.1): keywords whose values are schemas.

Each one only ever narrows the values a schema accepts, so a new one is a
constraint tightened, a removed one a constraint relaxed, and two versions of
the same one are compared as schemas in the same direction: a narrower
``contains``, ``propertyNames`` or ``contentSchema`` narrows the whole schema.

``if``/``then``/``else`` is one conditional: ``then`` and ``else`` are compared
as above while the condition stays the same; a different condition applies
them to other values, which is neither narrower nor wider. A property pattern
added or removed next to a closed ``additionalProperties`` moves values
between the two, which is a change in both directions as well.
"""

from __future__ import annotations

from typing import Any

from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.schema import ANNOTATIONS, View
from classifier.surfaces.openapi.walk import Context, Walk

# Single-schema keywords compared on their own (the conditional ones are compared together).
SINGLE = ("contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema")
NOTHING, SCHEMA, ANYTHING = 0, 1, 2


def compare_applicators(walk: Walk, old: View, new: View, ctx: Context) -> None:
    """Record the changes of the 2020-12 applicators between two views."""
    if not (old.subschemas or new.subschemas or old.maps or new.maps):
        return
    for keyword in SINGLE:
        _single(walk, keyword, old.subschemas.get(keyword), new.subschemas.get(keyword), new, ctx)
    _conditional(walk, old, new, ctx)
    _schema_map(walk, "dependentSchemas", old, new, ctx)
    _schema_map(walk, "patternProperties", old, new, ctx)


def _single(walk: Walk, keyword: str, old: At | None, new: At | None, view: View, ctx: Context) -> None:
    from classifier.surfaces.openapi.diff_schema import diff_schema, nested

    before, after = _reach(walk.base, keyword, old), _reach(walk.head, keyword, new)
    if before == after == SCHEMA:
        diff_schema(walk, old, new, nested(ctx, f"<{keyword}>"))  # type: ignore[arg-type]
        return
    if before == after:
        return
    way = "tightened" if after < before else "relaxed"
    walk.added("constraint-changed", new or view.at, ctx, f"{ctx.label()} {keyword} {_describe(before, after)}",
               key=keyword, keyword=keyword, way=way)


def _reach(resolver: Resolver, keyword: str, at: At | None) -> int:
    """How much a single-schema keyword lets through: nothing (``false``), a schema's values, or anything."""
    if at is None:
        return ANYTHING
    value = resolver.deref(at).value
    if value is False:
        return NOTHING
    if keyword == "contains":
        return SCHEMA  # even `contains: {}` asks for at least one item
    if value is True or isinstance(value, dict) and all(_annotation(key) for key in value):
        return ANYTHING
    return SCHEMA


def _annotation(key: str) -> bool:
    return key in ANNOTATIONS or key.startswith("x-")


def _describe(before: int, after: int) -> str:
    if before == ANYTHING:
        return "added" if after == SCHEMA else "set to false"
    if after == ANYTHING:
        return "removed"
    return "set to false" if after == NOTHING else "changed from false to a schema"


def _conditional(walk: Walk, old: View, new: View, ctx: Context) -> None:
    from classifier.surfaces.openapi.diff_schema import equivalent

    was, now = _active(old), _active(new)
    if not was and not now:
        return
    if was != now:
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} if/then/else {'added' if now else 'removed'}",
                   key="if", keyword="if", way="tightened" if now else "relaxed")
        return
    old_if, new_if = old.subschemas["if"], new.subschemas["if"]
    if not walk.same(old_if, new_if) and not equivalent(walk, old_if, new_if, ctx):
        walk.added("constraint-changed", new_if, ctx, f"{ctx.label()} if condition changed", key="if", keyword="if",
                   way="changed")
        return
    for keyword in ("then", "else"):
        _single(walk, keyword, old.subschemas.get(keyword), new.subschemas.get(keyword), new, ctx)


def _active(v: View) -> bool:
    # `if` without `then` or `else` validates nothing.
    return "if" in v.subschemas and ("then" in v.subschemas or "else" in v.subschemas)


def _schema_map(walk: Walk, keyword: str, old: View, new: View, ctx: Context) -> None:
    from classifier.surfaces.openapi.diff_schema import diff_schema, nested

    old_holder, new_holder = old.maps.get(keyword), new.maps.get(keyword)
    before = old_holder.value if old_holder is not None else {}
    after = new_holder.value if new_holder is not None else {}
    if before == after and old_holder is not None and walk.same(old_holder, new_holder):
        return
    # Next to a closed additionalProperties, a pattern decides which names are allowed at all.
    moves = keyword == "patternProperties" and (_closed(old) or _closed(new))
    for key in sorted(set(before) | set(after), key=str):
        label = f"{ctx.label()} {keyword} '{key}'"
        if key not in after:
            walk.removed("constraint-changed", old_holder.child(key), ctx, f"{label} removed",  # type: ignore[union-attr,arg-type]
                         key=f"{keyword}:{key}", keyword=keyword, way="changed" if moves else "relaxed")
        elif key not in before:
            walk.added("constraint-changed", new_holder.child(key), ctx, f"{label} added",  # type: ignore[union-attr,arg-type]
                       key=f"{keyword}:{key}", keyword=keyword, way="changed" if moves else "tightened")
        else:
            suffix = f"{{/{key}/}}" if keyword == "patternProperties" else f"<{keyword}:{key}>"
            diff_schema(walk, old_holder.child(key), new_holder.child(key), nested(ctx, suffix))  # type: ignore[union-attr,arg-type]


def _closed(v: View) -> bool:
    extra: Any = v.keywords.get("additionalProperties", True)
    return extra is False or v.additional is not None or "unevaluatedProperties" in v.subschemas
