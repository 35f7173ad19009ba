"""One normalised view of a schema: refs followed, ``allOf`` merged, equivalent spellings unified.

OpenAPI 3.0 ``nullable: true``, a 3.1 type array containing ``"null"`` and a
``oneOf``/``anyOf`` branch ``{type: "null"}`` all become ``nullable``; a
union left with a single branch after that is the branch itself, so wrapping a
schema to make it nullable is one change, not three. A union of single values
(``oneOf: [{const: a}, {const: b}]``) is the ``enum`` it spells, ``const`` is a
one-value ``enum``, and keywords set to their default (``exclusiveMaximum:
false``, ``uniqueItems: false``, ``minLength: 0``...) are the same as absent.

Views are memoised per side and location: an ``allOf`` diamond is merged once
per schema, not once per path through it, and an ``allOf`` cycle is cut where
it closes (a schema combined with itself adds nothing).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from classifier.errors import SourceError
from classifier.surfaces.openapi.refs import At, Resolver

CONSTRAINTS = (
    "maxLength", "minLength", "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum",
    "maxItems", "minItems", "maxProperties", "minProperties", "multipleOf", "uniqueItems",
    "pattern", "format", "enum", "const", "additionalProperties",
    "minContains", "maxContains", "contentMediaType", "contentEncoding", "dependentRequired",
)
# Keywords whose value is one schema, compared as a schema in the same direction.
SUBSCHEMAS = ("contains", "propertyNames", "unevaluatedItems", "unevaluatedProperties", "contentSchema",
              "if", "then", "else")
# Keywords whose value maps names (or patterns) to schemas.
SCHEMA_MAPS = ("dependentSchemas", "patternProperties")
# A keyword set to the value it has when absent says nothing.
DEFAULTS: dict[str, Any] = {
    "exclusiveMaximum": False, "exclusiveMinimum": False, "uniqueItems": False, "minLength": 0,
    "minItems": 0, "minProperties": 0, "minContains": 1, "additionalProperties": True,
    "dependentRequired": {},
}
# Keys that describe a schema without constraining its values.
ANNOTATIONS = frozenset({
    "title", "description", "example", "examples", "deprecated", "$comment", "externalDocs", "xml",
    "readOnly", "writeOnly", "default", "$id", "$anchor", "$schema",
})
# allOf nested deeper than this is refused: no real schema composes that deep.
MAX_COMPOSITION_DEPTH = 64
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"),
               (dict, "object"))


@dataclass(slots=True)
class View:
    """What the diff needs from one schema, with every part still located (``At``).

    A view may be shared (memoised): code that reads views never mutates them.
    """

    at: At
    types: frozenset[str] | None = None
    nullable: bool = False
    properties: dict[str, At] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    keywords: dict[str, Any] = field(default_factory=dict)
    items: At | None = None
    additional: At | None = None
    subschemas: dict[str, At] = field(default_factory=dict)
    maps: dict[str, At] = field(default_factory=dict)
    variants: list[At] = field(default_factory=list)
    discriminator: Any = None
    negated: At | None = None
    union: str = ""  # "oneOf" or "anyOf": whether a value may match several variants
    all_of: list[At] = field(default_factory=list)
    # The types were worked out from the variants, not declared: the variants are compared instead.
    types_from_variants: bool = False


def view(resolver: Resolver, at: At) -> View:
    """Normalise the schema at ``at`` (which may be a ``$ref``)."""
    target = resolver.deref(at)
    return _Views.of(resolver).get(target, 0) or View(target)


class _Views:
    """The memo of one side's views, kept on its resolver."""

    def __init__(self, resolver: Resolver) -> None:
        # A weak reference: the resolver keeps this memo, and a cycle between them would keep a
        # whole parsed spec alive until the cyclic collector (disabled during a comparison) finds it.
        self.resolver: Resolver = weakref.proxy(resolver)
        self.done: dict[tuple[str, tuple[str, ...]], View] = {}
        self.active: set[tuple[str, tuple[str, ...]]] = set()

    @staticmethod
    def of(resolver: Resolver) -> _Views:
        views = resolver.extra.get("views")
        if views is None:
            views = resolver.extra["views"] = _Views(resolver)
        return views  # type: ignore[no-any-return]

    def get(self, at: At, depth: int) -> View | None:  # type: ignore[return]
        key = (at.doc.path, at.pointer)
        known = self.done.get(key)
        if known is not None:
            return known
        if key in self.active:
            return None  # an allOf cycle closes here: the schema is already being merged
        if depth > MAX_COMPOSITION_DEPTH:
            line = at.doc.line(at.pointer)
            raise SourceError(
                f"{at.doc.path}:{line} ({self.resolver.side.value}): allOf nested deeper than "
                f"{MAX_COMPOSITION_DEPTH} levels",
                hint="flatten the composition with named components",
            )
        self.active.add(key)
        try:
            result = self._build(at, depth)
        finally:
            self.active.discard(key)
        self.done[key] = result
        return result

    def branch(self, at: At, depth: int) -> View | None:
        return self.get(self.resolver.deref(at), depth)

    def _build(self, at: At, depth: int) -> View:
        result = View(at)
        if not isinstance(at.value, dict):
            return result
        _merge_own(result, at)
        holder = at.child("allOf")
        if holder is not None and isinstance(holder.value, list):
            merged: set[int] = set()
            for index in range(len(holder.value)):
                branch_at = holder.child(str(index))
                result.all_of.append(branch_at)  # type: ignore[arg-type]
                branch = self.branch(branch_at, depth + 1)  # type: ignore[arg-type]
                if branch is not None and id(branch) not in merged:  # the same part twice adds nothing
                    merged.add(id(branch))
                    _merge_branch(result, branch)
        self._unions(result, at, depth)
        if result.types is None and _values(result.keywords) is not None:
            result.types = _value_types(_values(result.keywords) or [])
        return result

    def _unions(self, result: View, at: At, depth: int) -> None:
        for keyword in ("oneOf", "anyOf"):
            holder = at.child(keyword)
            if holder is None or not isinstance(holder.value, list):
                continue
            branches = [holder.child(str(i)) for i in range(len(holder.value))]
            kept = []
            for branch in branches:
                target = self.resolver.deref(branch)  # type: ignore[arg-type]
                if isinstance(target.value, dict) and target.value.get("type") == "null" and len(target.value) == 1:
                    result.nullable = True
                else:
                    kept.append(branch)
            if len(kept) == 1 < len(branches) and not result.properties and result.types is None:
                single = self.branch(kept[0], depth + 1)  # type: ignore[arg-type]
                if single is not None:
                    nullable = result.nullable
                    _merge_branch(result, single)
                    result.types, result.nullable = single.types, single.nullable or nullable
            elif kept and "enum" not in result.keywords and self._single_values(result, kept):
                pass  # the union of single values became the enum it spells
            else:
                result.variants.extend(b for b in kept if b is not None)
                result.union = keyword
                if result.types is None:
                    result.types = self._variant_types(kept, depth)
                    result.types_from_variants = result.types is not None

    def _single_values(self, result: View, branches: list[At | None]) -> bool:
        """Fold ``oneOf: [{const: a}, {enum: [b]}]`` into ``enum: [a, b]``; False when it is not that."""
        values: list[Any] = []
        types: set[str] = set()
        for branch in branches:
            target = self.resolver.deref(branch).value  # type: ignore[arg-type]
            if not isinstance(target, dict):
                return False
            own = [key for key in target if key not in ANNOTATIONS and key != "type" and not key.startswith("x-")]
            enum = target.get("enum")
            if own == ["const"]:
                values.append(target["const"])
            elif own == ["enum"] and isinstance(enum, list) and len(enum) == 1:
                values.append(enum[0])
            else:
                return False
            if isinstance(target.get("type"), str):
                types.add(target["type"])
        result.keywords["enum"] = values
        if result.types is None:
            result.types = frozenset(types) - {"null"} or _value_types(values)
        return True

    def _variant_types(self, branches: list[At | None], depth: int) -> frozenset[str] | None:
        found: set[str] = set()
        for branch in branches:
            part = self.branch(branch, depth + 1) if branch is not None else None
            if part is None or part.types is None:
                return None
            found |= part.types
        return frozenset(found) or None


def _types(value: Any) -> tuple[frozenset[str] | None, bool]:
    declared = value.get("type")
    if declared is None:
        return None, bool(value.get("nullable"))
    names = frozenset(str(t) for t in declared if isinstance(t, (str, int, float))) \
        if isinstance(declared, list) else frozenset([str(declared)])
    return names - {"null"} or None, "null" in names or bool(value.get("nullable"))


def _value_types(values: list[Any]) -> frozenset[str] | None:
    """The JSON types of enum values (``null`` aside): what an untyped enum or const accepts."""
    found = {next((name for kind, name in _JSON_TYPES if isinstance(v, kind)), "") for v in values if v is not None}
    return frozenset(found) if found and "" not in found else None


def _values(keywords: dict[str, Any]) -> list[Any] | None:
    values = keywords.get("enum")
    if isinstance(values, list):
        return values
    return [keywords["const"]] if "const" in keywords else None


def _merge_own(result: View, at: At) -> None:
    value = at.value
    result.types, result.nullable = _types(value)
    props = at.child("properties")
    if props is not None and isinstance(props.value, dict):
        result.properties = {name: At(props.doc, (*props.pointer, name), schema) for name, schema in props.value.items()}
    required = value.get("required")
    result.required = {str(name) for name in required} if isinstance(required, list) else set()
    result.keywords = {key: value[key] for key in value
                       if (key in CONSTRAINTS or key in _FLAGS) and not _is_default(key, value[key])}
    result.items = at.child("items")
    extra = value.get("additionalProperties")
    result.additional = at.child("additionalProperties") if isinstance(extra, dict) else None
    result.subschemas = {key: at.child(key) for key in SUBSCHEMAS if key in value}  # type: ignore[misc]
    result.maps = {key: at.child(key) for key in SCHEMA_MAPS if isinstance(value.get(key), dict) and value[key]}  # type: ignore[misc]
    result.discriminator = value.get("discriminator")
    result.negated = at.child("not")


def _is_default(key: str, value: Any) -> bool:
    if key not in DEFAULTS:
        return False
    default = DEFAULTS[key]
    return value == default and type(value) is type(default) or (
        isinstance(default, int) and not isinstance(default, bool) and not isinstance(value, bool) and value == default)


_FLAGS = ("readOnly", "writeOnly", "deprecated", "default", "x-extensible-enum", "x-sunset")


def _merge_branch(result: View, branch: View) -> None:
    if branch.types is not None:
        result.types = branch.types if result.types is None else (result.types & branch.types or result.types)
    for name, at in branch.properties.items():
        result.properties.setdefault(name, at)
    result.required |= branch.required
    for key, value in branch.keywords.items():
        result.keywords.setdefault(key, value)
    for key, at in branch.subschemas.items():
        result.subschemas.setdefault(key, at)
    for key, at in branch.maps.items():
        result.maps.setdefault(key, at)
    result.items = result.items or branch.items
    result.additional = result.additional or branch.additional
    result.discriminator = result.discriminator or branch.discriminator
    result.negated = result.negated or branch.negated
    known = {(at.doc.path, at.pointer) for at in result.variants}
    result.variants.extend(at for at in branch.variants if (at.doc.path, at.pointer) not in known)
    result.union = result.union or branch.union


# One side of a union: the resolver of its revision and its branches.
Branches = tuple[Resolver, list[At]]


def variant_key(resolver: Resolver, at: At, index: int, tag: str | None = None) -> str:
    """How a ``oneOf``/``anyOf``/``allOf`` branch is matched across revisions.

    Its ref name, its title, the value of the union's tag property (``kind:
    {enum: [card]}`` keys it ``kind=card``: inline variants told apart by a tag
    keep their key when they are reordered), its type, or its position.
    """
    ref = at.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    target = resolver.deref(at).value
    if isinstance(target, dict):
        if isinstance(target.get("title"), str):
            return target["title"]
        value = fixed_values(resolver, at).get(tag) if tag is not None else None
        if value is not None:
            return f"{tag}={value}"
        if isinstance(target.get("type"), str) and target["type"] != "object":
            return f"type:{target['type']}"
    return f"#{index}"


def union_tag(sides: list[Branches]) -> str | None:
    """The property that tells a union's unnamed variants apart, the same on every side given.

    The first property (by name) that holds one fixed value in some variant and
    a different value in each variant that fixes it, on each side: a fixed
    property every variant shares (``apiVersion: {const: v1}``) tells nothing apart.
    """
    fixed = [[fixed_values(resolver, at) for at in branches if _unnamed(resolver, at)] for resolver, branches in sides]
    names = sorted({name for side in fixed for values in side for name in values})
    for name in names:
        if all(_distinct([values[name] for values in side if name in values]) for side in fixed):
            return name
    return None


def fixed_values(resolver: Resolver, at: At) -> dict[str, str]:
    """Each property whose schema allows exactly one scalar value, with that value.

    Properties merged from ``allOf`` parts count: a variant spelled ``allOf: [{$ref: RuleA}, {$ref: Info}]``
    is told apart by RuleA's tag.
    """
    properties = view(resolver, at).properties
    found: dict[str, str] = {}
    for name, schema in properties.items():
        value = _single_value(resolver.deref(schema).value)
        if value is not None:
            found[name] = value
    return found


def _unnamed(resolver: Resolver, at: At) -> bool:
    target = resolver.deref(at).value
    return not isinstance(at.get("$ref"), str) and not (isinstance(target, dict) and isinstance(target.get("title"), str))


def _distinct(values: list[str]) -> bool:
    return len(set(values)) == len(values)


def _single_value(schema: Any) -> str | None:
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        values = [schema["const"]]
    elif isinstance(schema.get("enum"), list):
        values = schema["enum"]
    else:
        return None
    if len(values) == 1 and isinstance(values[0], (str, int, bool)):
        return str(values[0])
    return None


def selected_by(resolver: Resolver, discriminator: Any, near: At) -> dict[tuple[str, tuple[str, ...]], set[str]]:
    """The schemas a discriminator's mapping names (file and pointer), each with the values that select it.

    Mapping values are read next to ``near`` (a variant of the union); a
    value that names nothing is left out.
    """
    mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
    selected: dict[tuple[str, tuple[str, ...]], set[str]] = {}
    for value, name in (mapping.items() if isinstance(mapping, dict) else ()):
        target = mapping_target(resolver, near, name)
        if target is not None:
            selected.setdefault(target, set()).add(str(value))
    return selected


def ref_target(resolver: Resolver, at: At) -> tuple[str, tuple[str, ...]] | None:
    """Where a ``$ref`` points (file and pointer); None for a schema that is not a reference.

    A reference that cannot be followed is None too: it is reported where it is compared.
    """
    try:
        return resolver.ref_key(at)
    except SourceError:
        return None


def mapping_target(resolver: Resolver, near: At, value: Any) -> tuple[str, tuple[str, ...]] | None:
    """Where a discriminator mapping value points (file and pointer), read next to ``near``; None if nowhere."""
    reference = mapping_ref(near, value)
    return ref_target(resolver, reference) if reference is not None else None


def mapping_ref(near: At, value: Any) -> At | None:
    """A discriminator mapping value as a ``$ref`` written at ``near``; None when it is not a name or reference.

    A mapping value is a schema name (``Dog``) or a reference (``#/components/schemas/Dog``, ``dog.yaml``).
    """
    if not isinstance(value, str) or not value:
        return None
    reference = value if "#" in value or "/" in value or value.endswith((".json", ".yaml", ".yml")) \
        else f"#/components/schemas/{value}"
    return At(near.doc, near.pointer, {"$ref": reference})
