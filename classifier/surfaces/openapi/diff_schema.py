"""Schema comparison, direction-aware.

A request schema says what the server accepts: narrowing it is breaking. A
response schema says what the server may return: widening it is breaking.
Each shared component is compared once per direction (and per body-root
position), which also stops recursive schemas.
"""

from __future__ import annotations

from typing import Any

from classifier.errors import SourceError
from classifier.surfaces.openapi.constraints import compare_keywords
from classifier.surfaces.openapi.refs import At
from classifier.surfaces.openapi.schema import View, variant_key, view
from classifier.surfaces.openapi.walk import (
    MAX_SCHEMA_DEPTH,
    Context,
    Walk,
    sunset,
    sunset_moved,
    sunset_note,
)


def diff_schema(walk: Walk, base: At, head: At, ctx: Context) -> None:
    """Compare two schemas (either may be a ``$ref``) and record the changes."""
    if ctx.depth > MAX_SCHEMA_DEPTH:
        raise SourceError(
            f"{head.doc.path}:{head.line} (head): schema nested deeper than {MAX_SCHEMA_DEPTH} levels",
            hint="flatten the schema with named components",
        )
    base_ref, head_ref = walk.base.ref_key(base), walk.head.ref_key(head)
    if base_ref is not None and head_ref is not None:
        memo = (base_ref, head_ref, ctx.direction, ctx.root, ctx.contracts)
        if memo in walk.seen:
            return
        walk.seen.add(memo)
        if base_ref[1] == head_ref[1]:
            # A shared component: one finding per component, whichever operation reached it first.
            trail = "" if ctx.root else _component_name(head_ref[1])
            subject = f"{head_ref[0]}#/{'/'.join(head_ref[1])}"
            ctx = Context(ctx.where, ctx.direction, trail, subject, ctx.contracts, ctx.root, ctx.depth)
    if walk.same(base, head):
        return
    old, new = view(walk.base, base), view(walk.head, head)
    _types(walk, old, new, ctx)
    compare_keywords(walk, old, new, ctx)
    _properties(walk, old, new, ctx)
    _children(walk, old, new, ctx)
    _variants(walk, old, new, ctx)
    _negation(walk, old, new, ctx)


def _component_name(pointer: tuple[str, ...]) -> str:
    return pointer[-1] if pointer else "schema"


def _types(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if old.types != new.types:
        before, after = _names(old.types), _names(new.types)
        accepted_before = _covers(new.types, old.types) if ctx.direction == "request" else _covers(old.types, new.types)
        kind = "type-compatible" if accepted_before else "type-changed"
        walk.added(kind, new.at, ctx, f"{ctx.label()} type changed from {before} to {after}", key=f"{before}>{after}")
    if old.nullable != new.nullable:
        state = "nullable" if new.nullable else "not nullable"
        walk.added("nullable-changed", new.at, ctx, f"{ctx.label()} became {state}", nullable=new.nullable)


def _names(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    """Whether every value of type ``narrow`` is also of type ``wide``."""
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _visible(v: View, name: str, direction: str) -> bool:
    # readOnly properties are not part of a request, writeOnly ones not of a response.
    schema = v.properties[name].value
    if not isinstance(schema, dict):
        return True
    hidden = "readOnly" if direction == "request" else "writeOnly" if direction == "response" else None
    return not (hidden and schema.get(hidden) is True)


def _properties(walk: Walk, old: View, new: View, ctx: Context) -> None:
    contract = _root_contract(walk, old, new, ctx)
    for name in sorted(old.properties.keys() | new.properties.keys()):
        child = ctx.field(name).with_contract(contract).with_contract(_field_contract(walk, name, ctx))
        in_old = name in old.properties and _visible(old, name, ctx.direction)
        in_new = name in new.properties and _visible(new, name, ctx.direction)
        if in_old and not in_new:
            access = name in new.properties
            what = f"property '{child.trail}' became {'read' if ctx.direction == 'request' else 'write'}-only" \
                if access else f"property '{child.trail}' removed{sunset_note(old.properties[name])}"
            kind = "property-access-narrowed" if access else "property-removed"
            at = new.properties[name] if access else old.properties[name]
            walk.emit(kind, at, walk_side(access), child, what, required=name in old.required,
                      deprecated=_flag(old.properties[name], "deprecated"), sunset=sunset(old.properties[name]))
        elif in_new and not in_old:
            walk.added("property-added", new.properties[name], child, f"property '{child.trail}' added",
                       required=name in new.required)
        elif in_old and in_new:
            _property_pair(walk, old, new, name, child)


def walk_side(head_side: bool) -> Any:
    from classifier.model import Side

    return Side.HEAD if head_side else Side.BASE


def _property_pair(walk: Walk, old: View, new: View, name: str, ctx: Context) -> None:
    was, now = name in old.required, name in new.required
    if was != now:
        state = "required" if now else "optional"
        walk.added("property-required-changed", new.properties[name], ctx,
                   f"property '{ctx.trail}' became {state}", required=now)
    if not _flag(old.properties[name], "deprecated") and _flag(new.properties[name], "deprecated"):
        walk.added("property-deprecated", new.properties[name], ctx, f"property '{ctx.trail}' deprecated")
    sunset_moved(walk, old.properties[name], new.properties[name], ctx, f"property '{ctx.trail}'")
    diff_schema(walk, old.properties[name], new.properties[name], ctx)


def _flag(at: At, name: str) -> bool:
    return isinstance(at.value, dict) and at.value.get(name) is True


def _root_contract(walk: Walk, old: View, new: View, ctx: Context) -> str | None:
    """``envelope`` when this is the top of a response body shaped as the configured envelope."""
    if not ctx.root or ctx.direction != "response":
        return None
    names = set(old.properties) | set(new.properties)
    named = {old.at.pointer[-1:], new.at.pointer[-1:]} & {(n,) for n in walk.config.envelope_schemas}
    return "envelope" if named or names & set(walk.config.envelope_properties) else None


def _field_contract(walk: Walk, name: str, ctx: Context) -> str | None:
    return "pagination" if ctx.direction == "response" and name in walk.config.pagination_fields else None


def _children(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if old.items is not None and new.items is not None:
        diff_schema(walk, old.items, new.items, _nested(ctx, "[]"))
    elif _both_arrays(old, new) and _constrains(old.items) != _constrains(new.items):
        # An array whose items were anything now has an item schema (or the reverse).
        added = _constrains(new.items)
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} items schema {'added' if added else 'removed'}",
                   key="items", keyword="items", way="tightened" if added else "relaxed")
    if old.additional is not None and new.additional is not None:
        diff_schema(walk, old.additional, new.additional, _nested(ctx, "{*}"))
    old_tuple, new_tuple = old.at.child("prefixItems"), new.at.child("prefixItems")
    if old_tuple is not None and new_tuple is not None and isinstance(old_tuple.value, list) \
            and isinstance(new_tuple.value, list):
        for index in range(min(len(old_tuple.value), len(new_tuple.value))):
            diff_schema(walk, old_tuple.child(str(index)), new_tuple.child(str(index)),  # type: ignore[arg-type]
                        _nested(ctx, f"[{index}]"))
    _tuple_length(walk, old_tuple, new_tuple, new, ctx)


def _both_arrays(old: View, new: View) -> bool:
    # A type change (object to array...) is reported as such, not as items appearing.
    return "array" in (old.types or ()) and "array" in (new.types or ())


def _constrains(items: At | None) -> bool:
    return items is not None and items.value not in ({}, True)


def _tuple_length(walk: Walk, old: At | None, new: At | None, view: View, ctx: Context) -> None:
    """More ``prefixItems`` positions constrain more of the array; fewer free them."""
    before = len(old.value) if old is not None and isinstance(old.value, list) else 0
    after = len(new.value) if new is not None and isinstance(new.value, list) else 0
    if before != after:
        walk.added("constraint-changed", view.at, ctx, f"{ctx.label()} prefixItems changed from {before} to {after}"
                   " positions", key="prefixItems", keyword="prefixItems",
                   way="tightened" if after > before else "relaxed")


def _nested(ctx: Context, suffix: str) -> Context:
    trail = f"{ctx.trail}{suffix}" if ctx.trail else suffix
    return Context(ctx.where, ctx.direction, trail, f"{ctx.subject}/{suffix}", ctx.contracts - {"envelope"}, False,
                   ctx.depth + 1)


def _variants(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if not old.variants and not new.variants:
        return
    if old.discriminator != new.discriminator and old.discriminator is not None:
        walk.added("discriminator-changed", new.at, ctx, f"{ctx.label()} discriminator changed")
    if old.union and new.union and old.union != new.union:
        # oneOf rejects a value matching several variants; anyOf accepts it.
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} variants changed from {old.union} to {new.union}",
                   key="union", keyword=new.union, way="relaxed" if new.union == "anyOf" else "tightened")
    before = {variant_key(walk.base, at, i): at for i, at in enumerate(old.variants)}
    after = {variant_key(walk.head, at, i): at for i, at in enumerate(new.variants)}
    for key in sorted(before.keys() - after.keys()):
        walk.removed("variant-removed", before[key], ctx, f"{ctx.label()} lost the oneOf/anyOf variant '{key}'", key=key)
    for key in sorted(after.keys() - before.keys()):
        walk.added("variant-added", after[key], ctx, f"{ctx.label()} gained the oneOf/anyOf variant '{key}'", key=key)
    for key in sorted(before.keys() & after.keys()):
        diff_schema(walk, before[key], after[key], _nested(ctx, f"<{key}>"))


def _negation(walk: Walk, old: View, new: View, ctx: Context) -> None:
    """``not``: the values a schema excludes. Adding one narrows, removing one widens.

    A changed ``not`` is reported as such: excluding a different set of values
    may narrow and widen at once, and telling which would mean comparing the
    two sets of values, which a keyword-by-keyword walk cannot prove.
    """
    if old.negated is None and new.negated is None:
        return
    if old.negated is None:
        walk.added("not-added", new.negated, ctx, f"{ctx.label()} now excludes the values matching a `not` schema")  # type: ignore[arg-type]
    elif new.negated is None:
        walk.removed("not-removed", old.negated, ctx, f"{ctx.label()} no longer excludes the values of its `not` schema")
    elif not walk.same(old.negated, new.negated) and _excludes_other_values(walk, old.negated, new.negated, ctx):
        risk = "values it excluded may now be returned" if ctx.direction == "response" \
            else "values it accepted may now be rejected"
        walk.added("not-changed", new.negated, ctx,  # type: ignore[arg-type]
                   f"{ctx.label()} `not` schema changed, so {risk}")


def _excludes_other_values(walk: Walk, old: At, new: At, ctx: Context) -> bool:
    """Whether two ``not`` schemas differ in anything but prose (descriptions, examples...).

    Compared by a full schema comparison kept apart from the findings.
    """
    scratch = Walk(walk.config, walk.base, walk.head)
    diff_schema(scratch, old, new, Context(ctx.where, ctx.direction, "", "not", frozenset(), False, ctx.depth + 1))
    return bool(scratch.changes)
