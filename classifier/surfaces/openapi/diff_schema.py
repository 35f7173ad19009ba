"""Schema comparison, direction-aware.

A request schema says what the server accepts: narrowing it is breaking. A
response schema says what the server may return: widening it is breaking.
Each shared component is compared once per direction (and per body-root
position), which also stops recursive schemas.

Composition is compared by meaning where the spelling changed: a schema
wrapped into a union (``oneOf: [old, other]``) gained a variant; a union or an
``allOf`` part added to a schema that had none narrows it, unless it only
restates the schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from classifier.errors import SourceError
from classifier.surfaces.openapi.applicators import compare_applicators
from classifier.surfaces.openapi.constraints import compare_keywords
from classifier.surfaces.openapi.lifecycle import (
    removal_fields,
    stability_changes,
    sunset_changes,
    sunset_note,
)
from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.schema import (
    View,
    mapping_ref,
    ref_target,
    selected_by,
    union_tag,
    variant_key,
    view,
)
from classifier.surfaces.openapi.walk import MAX_SCHEMA_DEPTH, Context, Walk


def diff_schema(walk: Walk, base: At, head: At, ctx: Context) -> None:
    """Compare two schemas (either may be a ``$ref``) and record the changes."""
    if ctx.depth > MAX_SCHEMA_DEPTH:
        raise SourceError(
            f"{head.doc.path}:{head.line} (head): schema nested deeper than {MAX_SCHEMA_DEPTH} levels",
            hint="flatten the schema with named components",
        )
    base_ref, head_ref = walk.base.ref_key(base), walk.head.ref_key(head)
    component = None
    if base_ref is not None and head_ref is not None:
        if base_ref[1] == head_ref[1]:
            # A shared component: one finding per component, naming every operation that reaches it.
            subject = f"{head_ref[0]}#/{'/'.join(head_ref[1])}"
            component = (subject, ctx.direction)
            walk.reached(component)
        # How values travel (as text in a parameter, typed in a JSON body) changes the verdicts: part of the key.
        memo = (base_ref, head_ref, ctx.direction, ctx.root, ctx.contracts, ctx.loose, ctx.parameter)
        if memo in walk.seen:
            return
        walk.seen.add(memo)
        if component is not None:
            trail = "" if ctx.root else _component_name(head_ref[1])
            ctx = Context(ctx.where, ctx.direction, trail, component[0], ctx.contracts, ctx.root, ctx.depth,
                          parameter=ctx.parameter, loose=ctx.loose)
    else:
        # An inline schema reached twice in one operation (through allOf parts merged on several paths)
        # is compared once: a diamond of merges must not multiply the work.
        place = (walk.operation, base.doc.path, base.pointer, head.doc.path, head.pointer, ctx.direction, ctx.root,
                 ctx.contracts, ctx.loose, ctx.parameter)
        if place in walk.seen:
            return
        walk.seen.add(place)
    if walk.same(base, head):
        return
    if component is None:
        _compare(walk, base, head, ctx)
        return
    walk.owners.append(component)
    try:
        _compare(walk, base, head, ctx)
    finally:
        walk.owners.pop()


def _compare(walk: Walk, base: At, head: At, ctx: Context) -> None:
    old, new = view(walk.base, base), view(walk.head, head)
    if _wrapped(walk, old, new, ctx):
        _nullability(walk, old, new, ctx)
        return
    _types(walk, old, new, ctx)
    _nullability(walk, old, new, ctx)
    compare_keywords(walk, old, new, ctx)
    _properties(walk, old, new, ctx)
    _children(walk, old, new, ctx)
    compare_applicators(walk, old, new, ctx)
    _variants(walk, old, new, ctx)
    _all_of(walk, old, new, ctx)
    _negation(walk, old, new, ctx)


def equivalent(walk: Walk, old: At, new: At, ctx: Context, *, nullability: bool = True) -> bool:
    """Whether two schemas accept the same values (they differ in prose and spelling only).

    Decided by a full comparison kept apart from the findings, once per pair
    and direction. A pair asked about again while it is being compared counts
    as equivalent: only the rest of the comparison can tell them apart. With
    ``nullability=False`` whether the two accept ``null`` is left out.
    """
    key = ("equivalent", old.doc.path, old.pointer, new.doc.path, new.pointer, ctx.direction, nullability)
    known = walk.memo.get(key)
    if known is not None:
        return known  # type: ignore[no-any-return]
    walk.memo[key] = True
    scratch = Walk(walk.config, walk.base, walk.head)
    scratch.unchanged = walk.unchanged
    scratch.memo = walk.memo
    diff_schema(scratch, old, new, Context(ctx.where, ctx.direction, "", _SCRATCH, frozenset(), False, ctx.depth + 1,
                                           loose=ctx.loose))
    top_nullability = ("nullable-changed", f"{ctx.direction}|{_SCRATCH}|nullable-changed|")
    result = walk.memo[key] = not any(nullability or key != top_nullability for key in scratch.changes)
    return result


_SCRATCH = "scratch"


def implied(walk: Walk, plain: View, part: At, ctx: Context, *, plain_is_base: bool) -> bool:
    """Whether every value ``plain`` accepts also satisfies ``part`` (a union variant or an ``allOf`` part).

    True for a part that only requires names ``plain`` already requires (the
    usual "at least one of these fields" variants), or that restates ``plain``.
    """
    part_view = view(walk.head if plain_is_base else walk.base, part)
    if not (part_view.properties or part_view.variants or _has_constraints(part_view)) \
            and part_view.required <= plain.required \
            and (part_view.types is None or plain.types is not None and plain.types <= part_view.types):
        return True
    return equivalent(walk, plain.at, part, ctx) if plain_is_base else equivalent(walk, part, plain.at, ctx)


def _wrapped(walk: Walk, old: View, new: View, ctx: Context) -> bool:
    """A schema that became one variant of a union (or a union reduced to one of its variants).

    The other variants are reported as added (or removed); nothing else at this
    level is compared, because the old schema lives on, unchanged, as a variant.
    """
    if bool(old.variants) == bool(new.variants):
        return False
    plain, union, added = (old, new, True) if new.variants else (new, old, False)
    if union.properties or (union.types is not None and not union.types_from_variants) or _has_constraints(union):
        return False
    before, after = matched(walk, [], union.variants) if added else matched(walk, union.variants, [])
    keys = after if added else before
    kept = next((key for key, at in keys.items()
                 if (equivalent(walk, plain.at, at, ctx, nullability=False) if added
                     else equivalent(walk, at, plain.at, ctx, nullability=False))), None)
    if kept is None:
        return False
    for key in sorted(keys.keys() - {kept}):
        if added:
            walk.added("variant-added", keys[key], ctx, f"{ctx.label()} gained the oneOf/anyOf variant '{key}'",
                       key=key)
        else:
            walk.removed("variant-removed", keys[key], ctx, f"{ctx.label()} lost the oneOf/anyOf variant '{key}'",
                         key=key)
    return True


def matched(walk: Walk, old: list[At], new: list[At]) -> tuple[dict[str, At], dict[str, At]]:
    """The branches of two revisions of a union (or ``allOf``), keyed so that a key on both sides is one branch.

    Keys come from ``variant_key`` with a tag chosen for both sides at once.
    Branches sharing a key (two ``type: string`` variants) are paired equal
    ones first, then in order; the pairs are numbered the same on both sides,
    so a branch added beside a look-alike is an added branch, not a swap.
    """
    tag = union_tag([(walk.base, old), (walk.head, new)])
    old_keys = [variant_key(walk.base, at, index, tag) for index, at in enumerate(old)]
    new_keys = [variant_key(walk.head, at, index, tag) for index, at in enumerate(new)]
    before: dict[str, At] = {}
    after: dict[str, At] = {}
    for key in dict.fromkeys(old_keys + new_keys):
        olds = [at for k, at in zip(old_keys, old) if k == key]
        news = [at for k, at in zip(new_keys, new) if k == key]
        for index, (was, now) in enumerate(_pairs(walk, olds, news)):
            if was is not None:
                before[_numbered(key, index)] = was
            if now is not None:
                after[_numbered(key, index)] = now
    return before, after


def _numbered(key: str, earlier: int) -> str:
    """The key of the branch after ``earlier`` others with the same key (``type:string#2``)."""
    return key if earlier == 0 else f"{key}#{earlier + 1}"


def _pairs(walk: Walk, olds: list[At], news: list[At]) -> list[tuple[At | None, At | None]]:
    """Equal branches paired first, the others in order; what is left over stands alone."""
    if len(olds) <= 1 and len(news) <= 1:
        return [(olds[0] if olds else None, news[0] if news else None)]
    unpaired = list(news)
    pairs: list[tuple[At | None, At | None]] = []
    rest: list[At] = []
    for was in olds:
        equal = next((index for index, now in enumerate(unpaired) if walk.same(was, now)), None)
        if equal is None:
            rest.append(was)
        else:
            pairs.append((was, unpaired.pop(equal)))
    pairs += list(zip(rest, unpaired))
    pairs += [(was, None) for was in rest[len(unpaired):]]
    pairs += [(None, now) for now in unpaired[len(rest):]]
    # Numbered in the order the branches are written (the head's, then the base's for removed ones).
    place = {id(at): index for index, at in enumerate(news)} | {id(at): len(news) + i for i, at in enumerate(olds)}
    return sorted(pairs, key=lambda pair: place[id(pair[1])] if pair[1] is not None else place[id(pair[0])])


def _has_constraints(v: View) -> bool:
    """Whether a view has validation keywords of its own (annotations and flags aside)."""
    return any(key not in _NOT_CONSTRAINTS for key in v.keywords) or bool(v.subschemas or v.maps or v.items
                                                                           or v.negated or v.additional)


_NOT_CONSTRAINTS = frozenset({"readOnly", "writeOnly", "deprecated", "default", "x-extensible-enum", "x-sunset"})


def _component_name(pointer: tuple[str, ...]) -> str:
    return pointer[-1] if pointer else "schema"


def _types(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if old.types_from_variants and new.types_from_variants:
        return  # both are unions: their variants are compared one by one
    if old.types != new.types:
        before, after = _names(old.types), _names(new.types)
        if ctx.direction == "request":
            accepted_before = _covers(new.types, old.types, ctx.loose) or _one_item(walk, old, new, ctx)
        else:
            accepted_before = _covers(old.types, new.types, ctx.loose)
        kind = "type-compatible" if accepted_before else "type-changed"
        walk.added(kind, new.at, ctx, f"{ctx.label()} type changed from {before} to {after}", key=f"{before}>{after}")


def _nullability(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if old.nullable != new.nullable:
        state = "nullable" if new.nullable else "not nullable"
        walk.added("nullable-changed", new.at, ctx, f"{ctx.label()} became {state}", nullable=new.nullable)


def _names(types: frozenset[str] | None) -> str:
    return "any" if types is None else "|".join(sorted(types))


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None, loose: bool = False) -> bool:
    """Whether every value of type ``narrow`` is also of type ``wide``.

    Where values travel as text, a string reads every value written before.
    """
    if wide is None:
        return True
    if narrow is None:
        return False
    if loose and "string" in wide:
        return True
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _one_item(walk: Walk, old: View, new: View, ctx: Context) -> bool:
    """A parameter that became an array of what it was: one value is written the same as a list of one."""
    if not ctx.parameter or new.types != frozenset({"array"}) or "array" in (old.types or ()) or new.items is None:
        return False
    item = view(walk.head, new.items)
    limits = {key: value for key, value in new.keywords.items() if key not in _NOT_CONSTRAINTS}
    # Only the type may differ: a list of one must be valid, and its item must accept what the value did.
    if any(key != "minItems" or value not in (0, 1) for key, value in limits.items()) \
            or item.properties or item.variants or _has_constraints(item):
        return False
    return _covers(item.types, old.types, ctx.loose)


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
        if _untouched(walk, old, new, name):
            continue
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
                      **removal_fields(walk, old.properties[name]))
        elif in_new and not in_old:
            walk.added("property-added", new.properties[name], child, f"property '{child.trail}' added",
                       required=name in new.required)
        elif in_old and in_new:
            _property_pair(walk, old, new, name, child)
    _undeclared_required(walk, old, new, ctx)


def _untouched(walk: Walk, old: View, new: View, name: str) -> bool:
    """A property on both sides, equal (references included) and required on both or neither: nothing to compare.

    Most properties of a changed schema are untouched; deciding it with one
    C-speed comparison keeps their contexts from being built at all.
    """
    before, after = old.properties.get(name), new.properties.get(name)
    if before is None or after is None or (name in old.required) != (name in new.required):
        return False
    return walk.same(before, after)


def _undeclared_required(walk: Walk, old: View, new: View, ctx: Context) -> None:
    """Names required without a schema of their own (``then: {required: [b]}``, ``allOf`` parts...)."""
    declared = old.properties.keys() | new.properties.keys()
    was, now = old.required - declared, new.required - declared
    if was == now:
        return
    gained, lost = sorted(now - was), sorted(was - now)
    parts = [f"now requires {_quoted(gained)}"] if gained else []
    parts += [f"no longer requires {_quoted(lost)}"] if lost else []
    way = "tightened" if not lost else "relaxed" if not gained else "changed"
    walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} {' and '.join(parts)}", key="required",
               keyword="required", way=way)


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


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
    sunset_changes(walk, old.properties[name], new.properties[name], ctx, f"property '{ctx.trail}'")
    stability_changes(walk, old.properties[name], new.properties[name], ctx, f"property '{ctx.trail}'")
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
        diff_schema(walk, old.items, new.items, nested(ctx, "[]"))
    elif _both_arrays(old, new) and _constrains(old.items) != _constrains(new.items):
        # An array whose items were anything now has an item schema (or the reverse).
        added = _constrains(new.items)
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} items schema {'added' if added else 'removed'}",
                   key="items", keyword="items", way="tightened" if added else "relaxed")
    if old.additional is not None and new.additional is not None:
        diff_schema(walk, old.additional, new.additional, nested(ctx, "{*}"))
    old_tuple, new_tuple = old.at.child("prefixItems"), new.at.child("prefixItems")
    if old_tuple is not None and new_tuple is not None and isinstance(old_tuple.value, list) \
            and isinstance(new_tuple.value, list):
        for index in range(min(len(old_tuple.value), len(new_tuple.value))):
            diff_schema(walk, old_tuple.child(str(index)), new_tuple.child(str(index)),  # type: ignore[arg-type]
                        nested(ctx, f"[{index}]"))
    _tuple_length(walk, old_tuple, new_tuple, new, ctx)


def _both_arrays(old: View, new: View) -> bool:
    # A type change (object to array...) is reported as such, not as items appearing.
    return "array" in (old.types or ()) and "array" in (new.types or ())


def _constrains(items: At | None) -> bool:
    return items is not None and items.value not in ({}, True)


def _tuple_length(walk: Walk, old: At | None, new: At | None, view: View, ctx: Context) -> None:
    """More ``prefixItems`` positions constrain more of an open array, and lengthen a closed (``items: false``) one."""
    before = len(old.value) if old is not None and isinstance(old.value, list) else 0
    after = len(new.value) if new is not None and isinstance(new.value, list) else 0
    if before != after:
        closed = view.at.get("items") is False or view.at.get("unevaluatedItems") is False
        longer = after > before
        walk.added("constraint-changed", view.at, ctx, f"{ctx.label()} prefixItems changed from {before} to {after}"
                   " positions", key="prefixItems", keyword="prefixItems",
                   way="tightened" if longer != closed else "relaxed")


def nested(ctx: Context, suffix: str) -> Context:
    trail = f"{ctx.trail}{suffix}" if ctx.trail else suffix
    return Context(ctx.where, ctx.direction, trail, f"{ctx.subject}/{suffix}", ctx.contracts - {"envelope"}, False,
                   ctx.depth + 1, loose=ctx.loose)


def _variants(walk: Walk, old: View, new: View, ctx: Context) -> None:
    if not old.variants and not new.variants or _inherited_union(walk, old, new, ctx):
        return
    if old.discriminator is not None and _discriminator_changed(walk, old, new, ctx):
        walk.added("discriminator-changed", new.at, ctx, f"{ctx.label()} discriminator changed")
    if not old.variants or not new.variants:
        # A union where there was none narrows the schema to its variants; one taken away widens it;
        # unless the plain schema already satisfies one of the variants (then no value changes sides).
        plain, union_view, plain_is_base = (old, new, True) if new.variants else (new, old, False)
        if any(implied(walk, plain, at, ctx, plain_is_base=plain_is_base) for at in union_view.variants):
            return
        union = new.union or old.union
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} {union} {'added' if new.variants else 'removed'}",
                   key="union", keyword=union, way="tightened" if new.variants else "relaxed")
        return
    if old.union and new.union and old.union != new.union:
        # oneOf rejects a value matching several variants; anyOf accepts it.
        walk.added("constraint-changed", new.at, ctx, f"{ctx.label()} variants changed from {old.union} to {new.union}",
                   key="union", keyword=new.union, way="relaxed" if new.union == "anyOf" else "tightened")
    before, after = matched(walk, old.variants, new.variants)
    _renamed(walk, before, after, ctx, old.discriminator, new.discriminator)
    for key in sorted(before.keys() - after.keys()):
        walk.removed("variant-removed", before[key], ctx, f"{ctx.label()} lost the oneOf/anyOf variant '{key}'", key=key)
    for key in sorted(after.keys() - before.keys()):
        walk.added("variant-added", after[key], ctx, f"{ctx.label()} gained the oneOf/anyOf variant '{key}'", key=key,
                   union=new.union)
    for key in sorted(before.keys() & after.keys()):
        diff_schema(walk, before[key], after[key], nested(ctx, f"<{key}>"))


def _all_of(walk: Walk, old: View, new: View, ctx: Context) -> None:
    """``allOf`` parts added or removed, beside the merged comparison of what they say.

    A part added narrows the schema unless the old schema already satisfies it
    (an annotation-only part, one requiring names already required, or a
    restatement of the schema). A part removed widens it the same way; the
    merged comparison reports what the schema no longer says, property by
    property, and the part itself is reported for requests, where the server
    may still enforce what the description stopped saying (as oasdiff warns).
    """
    before, after = matched(walk, old.all_of, new.all_of)
    _renamed(walk, before, after, ctx)
    for key in sorted(after.keys() - before.keys()):
        if not implied(walk, old, after[key], ctx, plain_is_base=True):
            walk.added("constraint-changed", after[key], ctx, f"{ctx.label()} allOf gained the part '{key}'",
                       key=f"allOf:{key}", keyword="allOf", way="tightened")
    for key in sorted(before.keys() - after.keys()):
        if not implied(walk, new, before[key], ctx, plain_is_base=False):
            walk.removed("all-of-part-removed", before[key], ctx, f"{ctx.label()} allOf lost the part '{key}'",
                         key=f"allOf:{key}")


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
    elif not walk.same(old.negated, new.negated) and not equivalent(walk, old.negated, new.negated, ctx):
        risk = "values it excluded may now be returned" if ctx.direction == "response" \
            else "values it accepted may now be rejected"
        walk.added("not-changed", new.negated, ctx,  # type: ignore[arg-type]
                   f"{ctx.label()} `not` schema changed, so {risk}")


def _renamed(walk: Walk, before: dict[str, At], after: dict[str, At], ctx: Context,
             was: Any = None, now: Any = None) -> None:
    """Match the parts whose ``$ref`` was renamed (``Dog`` to ``MyDog``): each is filed under its old key in ``after``.

    Under discriminators (``was``, ``now``) a part is the value that selects
    it: two parts one mapping value selects on both sides are the same. A part
    the mapping does not name is selected by its schema name, so renaming it
    changes the value clients send and read: it is the same part only without
    a discriminator, when the component was renamed (the old name gone from
    the head, the new one new) and both say the same.
    """
    removed = _ref_targets(walk.base, before, before.keys() - after.keys())
    added = _ref_targets(walk.head, after, after.keys() - before.keys())
    if not added or not removed:
        return
    selected_before = selected_by(walk.base, was, before[next(iter(removed))])
    selected_after = selected_by(walk.head, now, after[next(iter(added))])
    by_shape = was is None and now is None
    for old_key, target in removed.items():
        values = selected_before.get(target, set())
        match = next((key for key, other in added.items() if values & selected_after.get(other, set())), None)
        if match is None and by_shape:
            match = next((key for key in added if _moved(walk, before[old_key], after[key])
                          and equivalent(walk, before[old_key], after[key], ctx)), None)
        if match is not None:
            del added[match]
            after[old_key] = after.pop(match)


def _ref_targets(resolver: Resolver, parts: dict[str, At],
                 keys: Iterable[str]) -> dict[str, tuple[str, tuple[str, ...]]]:
    """The parts among ``keys`` that are references, with where each points, in key order."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    for key in sorted(keys):
        target = ref_target(resolver, parts[key])
        if target is not None:
            found[key] = target
    return found


def _moved(walk: Walk, old: At, new: At) -> bool:
    """Whether a ``$ref`` was renamed: what it named is gone from the head, and what replaces it is new."""
    return not _resolves(walk.head, new, old.value["$ref"]) and not _resolves(walk.base, old, new.value["$ref"])


def _resolves(resolver: Resolver, near: At, ref: str) -> bool:
    try:
        resolver.deref(At(near.doc, near.pointer, {"$ref": ref}))
    except SourceError:
        return False
    return True


def _discriminator_changed(walk: Walk, old: View, new: View, ctx: Context) -> bool:
    """Whether the discriminator selects differently: another property, other values, or other schemas.

    A mapping value now naming a renamed component that says the same as the
    old one selects the same variant.
    """
    before, after = old.discriminator, new.discriminator
    if before == after:
        return False
    if not isinstance(before, dict) or not isinstance(after, dict):
        return True
    was, now = before.get("mapping"), after.get("mapping")
    if {k: v for k, v in before.items() if k != "mapping"} != {k: v for k, v in after.items() if k != "mapping"} \
            or not isinstance(was, dict) or not isinstance(now, dict) or was.keys() != now.keys():
        return True
    return any(not _same_schema(walk, old.at, new.at, was[key], now[key], ctx) for key in was if was[key] != now[key])


def _same_schema(walk: Walk, old_at: At, new_at: At, was: Any, now: Any, ctx: Context) -> bool:
    """Whether two discriminator mapping values name schemas that accept the same values."""
    before, after = mapping_ref(old_at, was), mapping_ref(new_at, now)
    if before is None or after is None:
        return False
    try:
        before, after = walk.base.deref(before), walk.head.deref(after)
    except SourceError:
        return False  # a mapping value that names no schema selects nothing the same way
    return equivalent(walk, before, after, ctx)


def _inherited_union(walk: Walk, old: View, new: View, ctx: Context) -> bool:
    """Compare a union a schema takes from an ``allOf`` part as that part's own; True when done so.

    ``Cat: {allOf: [Pet]}`` with ``Pet: {oneOf: [Cat, Dog]}``: every schema
    built on ``Pet`` carries its union, and a variant added there is one change
    of ``Pet``, reported once and naming every operation that reaches it.
    """
    holder = _union_holder(old)
    if holder is None or holder != _union_holder(new):
        return False
    subject = f"{holder[0]}#/{'/'.join(holder[1])}"
    if ctx.subject == subject:
        return False  # already compared as the holder's own union
    component = (subject, ctx.direction)
    walk.reached(component)
    memo = ("union", component, ctx.contracts, ctx.loose, ctx.parameter)
    if memo in walk.seen:
        return True
    walk.seen.add(memo)
    shared = Context(ctx.where, ctx.direction, _component_name(holder[1]), subject, ctx.contracts, False, ctx.depth,
                     parameter=ctx.parameter, loose=ctx.loose)
    walk.owners.append(component)
    try:
        _variants(walk, old, new, shared)
    finally:
        walk.owners.pop()
    return True


def _union_holder(v: View) -> tuple[str, tuple[str, ...]] | None:
    """The schema another one's variants come from (file and pointer), when all come from one other schema."""
    holders = {(at.doc.path, at.pointer[:-2]) if at.pointer[-2:-1] in (("oneOf",), ("anyOf",)) else None
               for at in v.variants}
    holder = holders.pop() if len(holders) == 1 else None
    if holder is None:
        return None
    path, pointer = holder
    own = v.at.doc.path == path and pointer[:len(v.at.pointer)] == v.at.pointer
    return None if own else (path, pointer)
