"""One normalised view of a schema: refs followed, ``allOf`` merged, nullability unified.

OpenAPI 3.0 ``nullable: true``, a 3.1 type array containing ``"null"`` and a
``oneOf``/``anyOf`` branch ``{type: "null"}`` all become ``nullable``; a
union left with a single branch after that is the branch itself, so wrapping a
schema to make it nullable is one change, not three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifier.surfaces.openapi.refs import At, Resolver

CONSTRAINTS = (
    "maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
    "maxItems", "minItems", "maxProperties", "minProperties", "multipleOf", "uniqueItems",
    "pattern", "format", "enum", "const", "additionalProperties",
)


@dataclass(slots=True)
class View:
    """What the diff needs from one schema, with every part still located (``At``)."""

    at: At
    types: frozenset[str] | None = None
    nullable: bool = False
    properties: dict[str, At] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    keywords: dict[str, Any] = field(default_factory=dict)
    items: At | None = None
    additional: At | None = None
    variants: list[At] = field(default_factory=list)
    discriminator: Any = None
    negated: At | None = None
    union: str = ""  # "oneOf" or "anyOf": whether a value may match several variants


def view(resolver: Resolver, at: At) -> View:
    """Normalise the schema at ``at`` (which may be a ``$ref``)."""
    at = resolver.deref(at)
    result = View(at)
    if not isinstance(at.value, dict):
        return result
    _merge_own(result, at)
    for index in range(len(at.get("allOf") or [])):
        branch = at.child("allOf").child(str(index))  # type: ignore[union-attr]
        if branch is not None:
            _merge_branch(result, view(resolver, branch))
    _unions(resolver, result, at)
    return result


def _types(value: Any) -> tuple[frozenset[str] | None, bool]:
    declared = value.get("type")
    if declared is None:
        return None, bool(value.get("nullable"))
    names = frozenset(str(t) for t in declared if isinstance(t, (str, int, float))) \
        if isinstance(declared, list) else frozenset([str(declared)])
    return names - {"null"} or None, "null" in names or bool(value.get("nullable"))


def _merge_own(result: View, at: At) -> None:
    value = at.value
    result.types, result.nullable = _types(value)
    props = at.child("properties")
    if props is not None and isinstance(props.value, dict):
        result.properties = {name: props.child(name) for name in props.value}  # type: ignore[misc]
    required = value.get("required")
    result.required = {str(name) for name in required} if isinstance(required, list) else set()
    result.keywords = {key: value[key] for key in value if key in CONSTRAINTS or key in _FLAGS}
    result.items = at.child("items")
    extra = value.get("additionalProperties")
    result.additional = at.child("additionalProperties") if isinstance(extra, dict) else None
    result.discriminator = value.get("discriminator")
    result.negated = at.child("not")


_FLAGS = ("readOnly", "writeOnly", "deprecated", "default", "x-extensible-enum", "x-sunset")


def _merge_branch(result: View, branch: View) -> None:
    if branch.types is not None:
        result.types = branch.types if result.types is None else (result.types & branch.types or result.types)
    for name, at in branch.properties.items():
        result.properties.setdefault(name, at)
    result.required |= branch.required
    for key, value in branch.keywords.items():
        result.keywords.setdefault(key, value)
    result.items = result.items or branch.items
    result.additional = result.additional or branch.additional
    result.discriminator = result.discriminator or branch.discriminator
    result.negated = result.negated or branch.negated
    result.variants.extend(branch.variants)
    result.union = result.union or branch.union


def _unions(resolver: Resolver, result: View, at: At) -> None:
    for keyword in ("oneOf", "anyOf"):
        holder = at.child(keyword)
        if holder is None or not isinstance(holder.value, list):
            continue
        branches = [holder.child(str(i)) for i in range(len(holder.value))]
        kept = []
        for branch in branches:
            target = resolver.deref(branch)  # type: ignore[arg-type]
            if isinstance(target.value, dict) and target.value.get("type") == "null" and len(target.value) == 1:
                result.nullable = True
            else:
                kept.append(branch)
        if len(kept) == 1 < len(branches) and not result.properties and result.types is None:
            single = view(resolver, kept[0])  # type: ignore[arg-type]
            single.nullable = single.nullable or result.nullable
            _merge_branch(result, single)
            result.types, result.nullable = single.types, single.nullable or result.nullable
        else:
            result.variants.extend(b for b in kept if b is not None)
            result.union = keyword


def variant_key(resolver: Resolver, at: At, index: int) -> str:
    """How a ``oneOf``/``anyOf`` branch is matched across revisions: its ref name, title or position."""
    ref = at.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    target = resolver.deref(at).value
    if isinstance(target, dict):
        if isinstance(target.get("title"), str):
            return target["title"]
        if isinstance(target.get("type"), str) and target["type"] != "object":
            return f"type:{target['type']}"
    return f"#{index}"
