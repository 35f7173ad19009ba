"""Parameters, request bodies and responses of one matched operation."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from classifier.surfaces.openapi.diff_links import diff_links
from classifier.surfaces.openapi.diff_schema import diff_schema
from classifier.surfaces.openapi.lifecycle import (
    removal_fields,
    sunset_changes,
    sunset_note,
)
from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.walk import Context, Walk

if TYPE_CHECKING:
    from classifier.surfaces.openapi.diff_ops import Operation

SERIALIZATION = ("style", "explode", "allowReserved")
# Methods whose request body has no defined meaning (RFC 9110): an optional one without a schema promised nothing.
BODILESS_METHODS = frozenset({"get", "head"})
_TEMPLATE_PARAM = re.compile(r"\{([^}/]*)\}")


def _parameters(walk: Walk, resolver: Resolver, op: Operation) -> dict[tuple[str, str], At]:
    """Path-level then operation-level parameters (the operation wins), keyed by location and name.

    Header names compare case-insensitively; path parameters by their position
    in the template, so renaming ``{id}`` to ``{petId}`` is no change.
    """
    key = ("parameters", resolver.side, op.template, id(op.op.value), id(op.item.value))
    found = walk.memo.get(key)
    if found is None:
        found = walk.memo[key] = _collect_parameters(resolver, op)
    return found  # type: ignore[no-any-return]


def _collect_parameters(resolver: Resolver, op: Operation) -> dict[tuple[str, str], At]:
    positions = {name: f"#{i}" for i, name in enumerate(_TEMPLATE_PARAM.findall(op.template))}
    found: dict[tuple[str, str], At] = {}
    for holder in (op.item.child("parameters"), op.op.child("parameters")):
        if holder is None or not isinstance(holder.value, list):
            continue
        for index in range(len(holder.value)):
            param = resolver.deref(holder.child(str(index)))  # type: ignore[arg-type]
            if not isinstance(param.value, dict):
                continue
            where, name = str(param.get("in", "")), str(param.get("name", ""))
            key_name = name.lower() if where == "header" else positions.get(name, name) if where == "path" else name
            found[(where, key_name)] = param
    return found


def _param_contract(walk: Walk, where: str, name: str) -> str | None:
    config = walk.config
    if where == "header" and config.idempotency_header and name.lower() == config.idempotency_header.lower():
        return "idempotency"
    if where == "header" and name.lower() in {h.lower() for h in config.signature_headers}:
        return "signature"
    if where in ("query", "header") and name in config.pagination_parameters:
        return "pagination"
    return None


def diff_parameters(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    before, after = _parameters(walk, walk.base, old), _parameters(walk, walk.head, new)
    for key in sorted(before.keys() | after.keys()):
        if key in before and key in after and walk.same(before[key], after[key]):
            continue  # most parameters of a changed operation are untouched
        param = after.get(key) or before[key]
        name = str(param.get("name"))
        # A webhook's or callback's parameters are sent by the API: judged like a response.
        sub = Context(ctx.where, ctx.body_direction("request"), "", f"{ctx.subject}|param:{key[0]}:{key[1]}",
                      parameter=True)
        sub = sub.with_contract(_param_contract(walk, key[0], name))
        label = f"{key[0]} parameter '{name}'"
        if key not in after:
            walk.removed("parameter-removed", param, sub, f"{label} removed{sunset_note(param)}",
                         **removal_fields(walk, param))
        elif key not in before:
            walk.added("parameter-added", param, sub, f"{label} added",
                       required=param.get("required") is True or key[0] == "path")
        else:
            _parameter_pair(walk, before[key], param, sub, label)


def _parameter_pair(walk: Walk, old: At, new: At, ctx: Context, label: str) -> None:
    was, now = old.get("required") is True, new.get("required") is True
    if was != now:
        walk.added("parameter-required-changed", new, ctx,
                   f"{label} became {'required' if now else 'optional'}", required=now)
    for keyword in SERIALIZATION:
        if old.get(keyword) != new.get(keyword):
            walk.added("parameter-serialization-changed", new, ctx,
                       f"{label} {keyword} changed from {old.get(keyword)} to {new.get(keyword)}", key=keyword)
    _empty_value(walk, old, new, ctx, label)
    if old.get("deprecated") is not True and new.get("deprecated") is True:
        walk.added("parameter-deprecated", new, ctx, f"{label} deprecated")
    sunset_changes(walk, old, new, ctx, label)
    old_schema, new_schema = _param_schema(old), _param_schema(new)
    if old_schema is not None and new_schema is not None:
        sub = ctx.located(f"{ctx.where} {label}")
        diff_schema(walk, old_schema, new_schema, replace(sub, loose=_as_text(new)))


def _empty_value(walk: Walk, old: At, new: At, ctx: Context, label: str) -> None:
    """``allowEmptyValue``: a query parameter sent with no value (``?flag``) is accepted, or no longer."""
    was, now = old.get("allowEmptyValue") is True, new.get("allowEmptyValue") is True
    if was != now:
        walk.added("constraint-changed", new, ctx, f"{label} allowEmptyValue changed from {was} to {now}",
                   key="allowEmptyValue", keyword="allowEmptyValue", way="relaxed" if now else "tightened")


def _as_text(param: At) -> bool:
    """Whether a parameter's or header's value travels as text: always, unless described by JSON content."""
    content = param.get("content")
    return not (isinstance(content, dict) and content and is_json(str(next(iter(content)))))


def is_json(media: str) -> bool:
    """JSON media types keep `1` and `"1"` apart; every other one carries values as text."""
    media = media.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _param_schema(param: At) -> At | None:
    schema = param.child("schema")
    if schema is not None:
        return schema
    content = param.child("content")
    if content is not None and isinstance(content.value, dict) and content.value:
        media = content.child(next(iter(content.value)))
        return media.child("schema") if media is not None else None
    return None


def diff_request_body(walk: Walk, old: At | None, new: At | None, op: At, ctx: Context) -> None:
    sub = Context(ctx.where, ctx.body_direction("request"), "", f"{ctx.subject}|body")
    if old is None and new is None:
        return
    if old is None:
        body = walk.head.deref(new)  # type: ignore[arg-type]
        walk.added("request-body-added", body, sub, "request body added", required=body.get("required") is True)
        return
    if new is None:
        removed = walk.base.deref(old)
        if not _promised_nothing(removed, op):
            walk.removed("request-body-removed", removed, sub, "request body removed")
        return
    old, new = walk.base.deref(old), walk.head.deref(new)
    was, now = old.get("required") is True, new.get("required") is True
    if was != now:
        walk.added("request-body-required-changed", new, sub,
                   f"request body became {'required' if now else 'optional'}", required=now)
    _content(walk, old.child("content"), new.child("content"), sub.located(f"{ctx.where} request body"),
             sub.direction)


def _promised_nothing(body: At, op: At) -> bool:
    """An optional body without any schema on a GET or HEAD: removing it takes nothing a client could rely on."""
    method = op.pointer[-1] if op.pointer else ""
    if method not in BODILESS_METHODS or body.get("required") is True:
        return False
    content = body.get("content")
    if not isinstance(content, dict):
        return True
    return all(not isinstance(media, dict) or media.get("schema") in (None, {}, True) for media in content.values())


def _content(walk: Walk, old: At | None, new: At | None, ctx: Context, direction: str) -> None:
    before = old.value if old is not None and isinstance(old.value, dict) else {}
    after = new.value if new is not None and isinstance(new.value, dict) else {}
    for media in sorted(set(before) - set(after)):
        walk.removed("media-type-removed", old.child(media), ctx, f"media type {media} removed", key=media)  # type: ignore[union-attr,arg-type]
    for media in sorted(set(after) - set(before)):
        walk.added("media-type-added", new.child(media), ctx, f"media type {media} added", key=media)  # type: ignore[union-attr,arg-type]
    for media in sorted(set(before) & set(after)):
        old_media, new_media = old.child(media), new.child(media)  # type: ignore[union-attr]
        if walk.same(old_media, new_media):
            continue
        old_schema = _described(old_media.child("schema"))  # type: ignore[union-attr]
        new_schema = _described(new_media.child("schema"))  # type: ignore[union-attr]
        sub = Context(f"{ctx.where} {media}", direction, "", f"{ctx.subject}|{media}", ctx.contracts, True,
                      loose=not is_json(str(media)))
        if old_schema is not None and new_schema is not None:
            diff_schema(walk, old_schema, new_schema, sub)
        elif old_schema is not None or new_schema is not None:
            # A media type that described no values now does (or the reverse): it accepts or returns fewer, or more.
            added = new_schema is not None
            at = new_schema if added else new.child(media)  # type: ignore[union-attr]
            walk.added("constraint-changed", at, sub, f"schema {'added to' if added else 'removed from'} {media}",  # type: ignore[arg-type]
                       key="schema", keyword="schema", way="tightened" if added else "relaxed")


def _described(schema: At | None) -> At | None:
    """A media type's schema, or None when it says nothing (absent, ``{}`` or ``true``)."""
    return None if schema is None or schema.value in ({}, True) else schema


def _status_key(status: Any) -> str:
    return str(status).upper()


def diff_responses(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    before = _responses(walk.base, old.op)
    after = _responses(walk.head, new.op)
    idempotent = _has_idempotency_header(walk, walk.base, old) or _has_idempotency_header(walk, walk.head, new)
    for status in sorted(before.keys() | after.keys()):
        sub = Context(ctx.where, ctx.body_direction("response"), "", f"{ctx.subject}|response:{status}")
        if idempotent and status in walk.config.idempotency_statuses:
            sub = sub.with_contract("idempotency")
        if status not in after:
            walk.removed("response-removed", before[status], sub, f"response {status} removed", status=status,
                         success=_is_success(status))
        elif status not in before:
            walk.added("response-added", after[status], sub, f"response {status} added", status=status)
        else:
            _response_pair(walk, before[status], after[status], sub.located(f"{ctx.where} response {status}"))


def _has_idempotency_header(walk: Walk, resolver: Resolver, op: Operation) -> bool:
    header = walk.config.idempotency_header
    return bool(header) and ("header", str(header).lower()) in _parameters(walk, resolver, op)


def _is_success(status: str) -> bool:
    return status[:1] in ("2", "3")


def _responses(resolver: Resolver, op: At) -> dict[str, At]:
    holder = op.child("responses")
    if holder is None or not isinstance(holder.value, dict):
        return {}
    return {_status_key(status): resolver.deref(holder.child(status)) for status in holder.value}  # type: ignore[arg-type]


def _response_pair(walk: Walk, old: At, new: At, ctx: Context) -> None:
    if walk.same(old, new):
        return  # most responses of a changed operation are untouched: skip them at C speed
    _headers(walk, old.child("headers"), new.child("headers"), ctx)
    diff_links(walk, old.child("links"), new.child("links"), ctx)
    _content(walk, old.child("content"), new.child("content"), ctx, ctx.direction)


def _headers(walk: Walk, old: At | None, new: At | None, ctx: Context) -> None:
    before = _by_lower(walk.base, old)
    after = _by_lower(walk.head, new)
    signature = {h.lower() for h in walk.config.signature_headers}
    for key in sorted(before.keys() | after.keys()):
        if key in before and key in after and walk.same(before[key][1], after[key][1]):
            continue
        name, header = after.get(key) or before[key]
        sub = Context(ctx.where, ctx.direction, "", f"{ctx.subject}|header:{key}", ctx.contracts)
        sub = sub.with_contract("signature" if key in signature else None)
        if key not in after:
            walk.removed("response-header-removed", header, sub, f"response header '{name}' removed",
                         required=header.get("required") is True)
        elif key not in before:
            walk.added("response-header-added", header, sub, f"response header '{name}' added")
        else:
            old_header = before[key][1]
            was, now = old_header.get("required") is True, header.get("required") is True
            if was != now:
                walk.added("response-header-required-changed", header, sub,
                           f"response header '{name}' became {'required' if now else 'optional'}", required=now)
            for keyword in ("style", "explode"):
                if old_header.get(keyword) != header.get(keyword):
                    walk.added("response-header-serialization-changed", header, sub,
                               f"response header '{name}' {keyword} changed from {old_header.get(keyword)} to "
                               f"{header.get(keyword)}", key=keyword)
            old_schema, new_schema = _param_schema(old_header), _param_schema(header)
            if old_schema is not None and new_schema is not None:
                located = sub.located(f"{ctx.where} header '{name}'")
                diff_schema(walk, old_schema, new_schema, replace(located, loose=_as_text(header)))


def _by_lower(resolver: Resolver, holder: At | None) -> dict[str, tuple[str, At]]:
    if holder is None or not isinstance(holder.value, dict):
        return {}
    return {str(name).lower(): (str(name), resolver.deref(holder.child(name))) for name in holder.value}  # type: ignore[arg-type]
