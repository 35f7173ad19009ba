"""Operations: matched by method and path template (parameter names ignored).

Each matched operation is compared part by part: lifecycle, parameters,
request body, responses and security. Webhooks are compared as operations
named ``webhook <name>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.surfaces.openapi.diff_parts import (
    diff_parameters,
    diff_request_body,
    diff_responses,
)
from classifier.surfaces.openapi.diff_security import (
    diff_operation_security,
    diff_security_schemes,
)
from classifier.surfaces.openapi.lifecycle import (
    promises_nothing,
    removal_fields,
    stability,
    stability_changes,
    sunset,
    sunset_changes,
)
from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.walk import Context, Walk

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PARAM = re.compile(r"\{[^}/]*\}")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation and the path item that holds it (for path-level parameters)."""

    label: str
    template: str
    op: At
    item: At
    outbound: bool = False


def diff_spec(walk: Walk) -> None:
    """Compare the whole spec pair held by ``walk``."""
    before, after = operations(walk.base), operations(walk.head)
    for key in sorted(before.keys() - after.keys()):
        _removed(walk, before[key])
    for key in sorted(after.keys() - before.keys()):
        op = after[key]
        ctx = Context(op.label, subject=op.label)
        walk.added("operation-added", op.op, ctx, "operation added")
        stability_changes(walk, None, op.op, ctx)
    for key in sorted(before.keys() & after.keys()):
        diff_operation(walk, before[key], after[key])
    diff_security_schemes(walk)
    _servers(walk)


def _server_urls(holder: At | None) -> dict[str, At]:
    if holder is None or not isinstance(holder.value, list):
        return {}
    found = {}
    for index, server in enumerate(holder.value):
        if isinstance(server, dict) and isinstance(server.get("url"), str):
            found[server["url"].rstrip("/")] = holder.child(str(index))
    return found  # type: ignore[return-value]


def _servers(walk: Walk) -> None:
    """Base URLs clients call: one that disappears breaks every client configured with it."""
    _server_changes(walk, _top_servers(walk.base), _top_servers(walk.head), Context("servers"), "server")


def _top_servers(resolver: Resolver) -> At | None:
    return At(resolver.root, (), resolver.root.data).child("servers")


def _server_changes(walk: Walk, old: At | None, new: At | None, ctx: Context, kind: str) -> None:
    before, after = _server_urls(old), _server_urls(new)
    for url in sorted(before.keys() - after.keys()):
        sub = Context(ctx.where, subject=f"{ctx.subject}|server:{url}")
        walk.removed(f"{kind}-removed", before[url], sub, f"server {url} removed")
    for url in sorted(after.keys() - before.keys()):
        sub = Context(ctx.where, subject=f"{ctx.subject}|server:{url}")
        walk.added(f"{kind}-added", after[url], sub, f"server {url} added")


def _operation_servers(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    """``servers`` of an operation or its path item override the document's for that operation.

    Compared only when either side overrides them: a change of the document's
    own list is reported once, as OAS110/OAS111.
    """
    before, after = _own_servers(old), _own_servers(new)
    if before is None and after is None:
        return
    _server_changes(walk, before or _top_servers(walk.base), after or _top_servers(walk.head), ctx,
                    "operation-server")


def _own_servers(op: Operation) -> At | None:
    return op.op.child("servers") or op.item.child("servers")


def operations(resolver: Resolver) -> dict[str, Operation]:
    """Every operation of one side (callbacks included), keyed by method and normalised path template."""
    found: dict[str, Operation] = {}
    root = At(resolver.root, (), resolver.root.data)
    for section, prefix in (("paths", ""), ("webhooks", "webhook ")):
        holder = root.child(section)
        if holder is not None and isinstance(holder.value, dict):
            _collect(resolver, holder, prefix, bool(prefix), found)
    for key, op in list(found.items()):
        callbacks = op.op.child("callbacks")
        for name in callbacks.value if callbacks is not None and isinstance(callbacks.value, dict) else ():
            callback = resolver.deref(callbacks.child(name))  # type: ignore[union-attr,arg-type]
            if isinstance(callback.value, dict):
                _collect(resolver, callback, f"{op.label} callback '{name}' ", True, found, f"{key} callback {name} ")
    return found


def _collect(resolver: Resolver, holder: At, prefix: str, outbound: bool, found: dict[str, Operation],
             key_prefix: str | None = None) -> None:
    for template in holder.value:
        item = resolver.deref(holder.child(template))  # type: ignore[arg-type]
        if not isinstance(item.value, dict):
            continue
        for method in METHODS:
            if not isinstance(item.value.get(method), dict):
                continue  # most path items hold one or two of the methods: no At is made for the others
            op = At(item.doc, (*item.pointer, method), item.value[method])
            key = f"{prefix if key_prefix is None else key_prefix}{method} {_TEMPLATE_PARAM.sub('{}', str(template))}"
            found[key] = Operation(f"{prefix}{method.upper()} {template}", str(template), op, item, outbound)


def _removed(walk: Walk, op: Operation) -> None:
    ctx = Context(op.label, subject=op.label)
    if promises_nothing(op.op):
        walk.removed("unstable-operation-changed", op.op, ctx,
                     f"operation removed (x-stability-level {stability(op.op)}: no compatibility promise)")
        return
    walk.removed("operation-removed", op.op, ctx, "operation removed", **removal_fields(walk, op.op))


def diff_operation(walk: Walk, old: Operation, new: Operation) -> None:
    """Compare one matched operation; webhooks and callbacks with the directions swapped."""
    if walk.same(old.op, new.op) and walk.same(old.item.child("parameters"), new.item.child("parameters")) \
            and walk.same(old.item.child("servers"), new.item.child("servers")) \
            and _same_top_security(walk):
        return
    walk.start_operation(new.label)
    ctx = Context(new.label, subject=new.label, outbound=new.outbound)
    stability_changes(walk, old.op, new.op, ctx)
    if promises_nothing(old.op):
        _unstable(walk, old, new, ctx)
        return
    _compare_operation(walk, old, new, ctx)


def _unstable(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    """A draft or alpha operation: compared apart, and reported as one change that breaks no promise."""
    scratch = Walk(walk.config, walk.base, walk.head)
    scratch.unchanged, scratch.memo = walk.unchanged, walk.memo
    scratch.start_operation(new.label)
    _compare_operation(scratch, old, new, ctx)
    if scratch.changes:
        count = len(scratch.changes)
        walk.added("unstable-operation-changed", new.op, ctx,
                   f"operation changed ({count} change{'s' if count > 1 else ''}; x-stability-level "
                   f"{stability(old.op)}: no compatibility promise)")


def _compare_operation(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    _lifecycle(walk, old, new, ctx)
    diff_parameters(walk, old, new, ctx)
    diff_request_body(walk, old.op.child("requestBody"), new.op.child("requestBody"), new.op, ctx)
    diff_responses(walk, old, new, ctx)
    diff_operation_security(walk, old.op, new.op, ctx)
    _operation_servers(walk, old, new, ctx)


def _same_top_security(walk: Walk) -> bool:
    """Whether the document-wide ``security`` every operation inherits is unchanged (asked once per spec)."""
    known = walk.memo.get("same top security")
    if known is None:
        known = walk.memo["same top security"] = walk.same(_security(walk.base), _security(walk.head))
    return known  # type: ignore[no-any-return]


def _security(resolver: Resolver) -> At | None:
    return At(resolver.root, (), resolver.root.data).child("security")


def _lifecycle(walk: Walk, old: Operation, new: Operation, ctx: Context) -> None:
    if old.op.get("deprecated") is not True and new.op.get("deprecated") is True:
        walk.added("operation-deprecated", new.op, ctx, "operation deprecated", sunset=sunset(new.op))
    sunset_changes(walk, old.op, new.op, ctx, "")
    old_id, new_id = old.op.get("operationId"), new.op.get("operationId")
    if old_id is not None and old_id != new_id:
        walk.added("operation-id-changed", new.op, ctx, f"operationId changed from {old_id!r} to {new_id!r}")
