"""Judgement for the OpenAPI surface: direction, deprecation and contract classes.

The surface reports facts (a property removed, in a response, that was
required); this module names the rule. Request and response mirror each
other: narrowing what a request accepts or widening what a response may
return is breaking, the inverse is not. A change that touches one of the
seed's contract classes (envelope, pagination, idempotency, auth/signature)
also yields that class's own rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from classifier.model import Change

Judge = Callable[[Mapping[str, Any]], str | None]


def _by_direction(request: str, response: str) -> Judge:
    return lambda f: request if f["direction"] == "request" else response


def _if(flag: str, yes: str, no: str) -> Judge:
    return lambda f: yes if f.get(flag) else no


def _constraint(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request":
        if f["way"] == "relaxed":
            return "OAS521"
        # A first bound may only document a limit the server always had (oasdiff: WARN, not ERR).
        return "OAS546" if f.get("bound_set") else "OAS520"
    if f["way"] == "tightened":
        return "OAS523"
    # A media type that lost its schema may still carry the same payload (oasdiff: WARN).
    return "OAS547" if f.get("keyword") == "schema" else "OAS522"


def _pattern(f: Mapping[str, Any]) -> str:
    """Patterns bind what a server accepts; in a response they only describe what it sends."""
    if f["direction"] == "request":
        return {"tightened": "OAS520", "relaxed": "OAS521"}.get(f["way"], "OAS524")
    return "OAS523" if f["way"] == "tightened" else "OAS540"


def _nullable(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request" and not f["nullable"]:
        return "OAS513"
    if f["direction"] == "response" and f["nullable"]:
        return "OAS514"
    return "OAS515"


def _operation_removed(f: Mapping[str, Any]) -> str:
    if not f["deprecated"]:
        return "OAS101"
    return "OAS103" if _before_sunset(f) else "OAS102"


def _property_added(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request":
        return "OAS501" if f["required"] else "OAS502"
    return "OAS508"


def _before_sunset(f: Mapping[str, Any]) -> bool:
    # Judged by the surface against the run's reference date.
    return bool(f.get("before_sunset"))


def _parameter_removed(f: Mapping[str, Any]) -> str:
    if f["deprecated"]:
        return "OAS706" if _before_sunset(f) else "OAS204"
    return "OAS208" if f["direction"] == "response" else "OAS203"


def _parameter_added(f: Mapping[str, Any]) -> str:
    if f["direction"] == "response":
        return "OAS209"
    return "OAS201" if f["required"] else "OAS202"


def _parameter_required(f: Mapping[str, Any]) -> str:
    if f["direction"] == "response":
        return "OAS211" if f["required"] else "OAS210"
    return "OAS205" if f["required"] else "OAS206"


def _property_removed(f: Mapping[str, Any]) -> str:
    if f.get("deprecated"):
        return "OAS707" if _before_sunset(f) else "OAS705"
    if f["direction"] == "request":
        return "OAS503"
    return "OAS506" if f["required"] else "OAS507"


def _property_required(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request":
        return "OAS504" if f["required"] else "OAS505"
    return "OAS510" if f["required"] else "OAS509"


def _default(f: Mapping[str, Any]) -> str:
    """A parameter's default is part of the call; a body value's default describes the server (oasdiff's levels)."""
    if f["direction"] == "request":
        return "OAS526" if f.get("parameter") else "OAS543"
    return "OAS534"


def _variant_added(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request":
        return "OAS531"
    # A response anyOf lets a value match several shapes; clients read what they know (oasdiff, openapi-diff).
    return "OAS545" if f.get("union") == "anyOf" else "OAS529"


def _enum_added(f: Mapping[str, Any]) -> str:
    if f["direction"] == "request":
        return "OAS517"
    if f["extensible"]:
        return "OAS533"
    # A new value beside the old ones is a warning (oasdiff); a fixed value replaced reaches every client.
    return "OAS548" if f.get("replaced") else "OAS518"


RULE_FOR_KIND: dict[str, Judge] = {
    "operation-removed": _operation_removed,
    "operation-added": lambda f: "OAS104",
    "spec-removed": lambda f: "OAS105",
    "spec-added": lambda f: "OAS106",
    "no-contract-change": lambda f: "OAS107",
    "operation-id-changed": lambda f: "OAS116",
    "server-removed": lambda f: "OAS114",
    "server-added": lambda f: "OAS111",
    "operation-server-removed": lambda f: "OAS115",
    "operation-server-added": lambda f: "OAS113",
    "parameter-added": _parameter_added,
    "parameter-removed": _parameter_removed,
    "parameter-required-changed": _parameter_required,
    "parameter-serialization-changed": lambda f: "OAS207",
    "request-body-added": _if("required", "OAS301", "OAS302"),
    "request-body-removed": lambda f: "OAS303",
    "request-body-required-changed": _if("required", "OAS304", "OAS305"),
    "media-type-removed": _by_direction("OAS306", "OAS404"),
    "media-type-added": _by_direction("OAS307", "OAS405"),
    "response-removed": _if("success", "OAS401", "OAS402"),
    "response-added": lambda f: "OAS403",
    "response-header-removed": _if("required", "OAS406", "OAS407"),
    "response-header-added": lambda f: "OAS408",
    "response-header-required-changed": _if("required", "OAS410", "OAS409"),
    "link-removed": lambda f: "OAS411",
    "link-added": lambda f: "OAS412",
    "link-changed": lambda f: "OAS413",
    "response-header-serialization-changed": lambda f: "OAS414",
    "property-added": _property_added,
    "property-removed": _property_removed,
    "property-required-changed": _property_required,
    "type-changed": lambda f: "OAS511",
    "type-compatible": lambda f: "OAS512",
    "nullable-changed": _nullable,
    "enum-values-removed": _by_direction("OAS516", "OAS519"),
    "enum-values-added": _enum_added,
    "constraint-changed": _constraint,
    "pattern-changed": _pattern,
    "format-changed": lambda f: "OAS525",
    "default-changed": _default,
    "property-access-narrowed": _by_direction("OAS541", "OAS528"),
    "variant-added": _variant_added,
    "variant-removed": _by_direction("OAS530", "OAS531"),
    "discriminator-changed": lambda f: "OAS542",
    "all-of-part-removed": lambda f: "OAS544" if f["direction"] == "request" else None,
    "not-added": _by_direction("OAS535", "OAS538"),
    "not-removed": _by_direction("OAS536", "OAS537"),
    "not-changed": lambda f: "OAS539",
    "security-alternative-removed": lambda f: "OAS601",
    "security-alternative-added": lambda f: "OAS602",
    "security-required": lambda f: "OAS603",
    "security-scopes-added": lambda f: "OAS604",
    "security-scopes-removed": lambda f: "OAS605",
    "security-removed": lambda f: "OAS606",
    "security-scheme-changed": lambda f: "OAS607",
    "security-scheme-removed": lambda f: "OAS608",
    "security-scheme-added": lambda f: "OAS609",
    "operation-deprecated": lambda f: "OAS701",
    "parameter-deprecated": lambda f: "OAS702",
    "property-deprecated": lambda f: "OAS703",
    "sunset-brought-forward": lambda f: "OAS704",
    "stability-decreased": lambda f: "OAS708",
    "stability-increased": lambda f: "OAS709",
    "stability-level-invalid": lambda f: "OAS710",
    "unstable-operation-changed": lambda f: "OAS711",
    "sunset-removed": lambda f: "OAS712",
    "sunset-invalid": lambda f: "OAS713",
}

CONTRACT_RULES = {"envelope": "OAS801", "pagination": "OAS802", "auth": "OAS805", "signature": "OAS806"}
IDEMPOTENCY_HEADER_KINDS = frozenset(
    {"parameter-added", "parameter-removed", "parameter-required-changed", "parameter-serialization-changed"}
)
IDEMPOTENCY_STATUS_KINDS = frozenset({"response-added", "response-removed"})
# The auth contract is broken only by what turns away a client that worked.
AUTH_NARROWING_KINDS = frozenset({
    "security-alternative-removed", "security-required", "security-scopes-added", "security-scheme-changed",
    "security-scheme-removed",
})

RETIRED = frozenset({"OAS108", "OAS109", "OAS110", "OAS112", "OAS527", "OAS532"})
EMITS = frozenset(
    {f"OAS{n}" for n in (*range(101, 117), *range(201, 212), *range(301, 308), *range(401, 415),
                         *range(501, 549), *range(601, 610), *range(701, 714))}
    | set(CONTRACT_RULES.values()) | {"OAS803", "OAS804"}
) - RETIRED


def check(changes: Iterable[Change]) -> Iterator[tuple[str, Change]]:
    for change in changes:
        rule = RULE_FOR_KIND[change.kind](change.fields)
        if rule is not None:
            yield rule, change
        yield from ((contract, change) for contract in contract_rules(change))


def contract_rules(change: Change) -> Iterator[str]:
    """The seed's contract-class rules a change falls under (any change to them is breaking)."""
    for contract in change.fields.get("contracts", ()):
        if contract == "idempotency":
            if change.kind in IDEMPOTENCY_HEADER_KINDS:
                yield "OAS803"
            elif change.kind in IDEMPOTENCY_STATUS_KINDS:
                yield "OAS804"
        elif contract == "auth":
            if change.kind in AUTH_NARROWING_KINDS:
                yield CONTRACT_RULES[contract]
        elif contract in CONTRACT_RULES:
            yield CONTRACT_RULES[contract]
