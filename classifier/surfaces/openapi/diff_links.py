"""Response links: the follow-up requests a response tells its clients how to make.

A link names its target operation (``operationId`` or ``operationRef``) and how
to fill that operation's parameters and body from the response. Clients (and
generated SDKs) that follow a link break when it disappears or points
elsewhere; a new link only offers more.
"""

from __future__ import annotations

from typing import Any

from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.walk import Context, Walk

# What a client following the link relies on; description and summary are prose.
LINK_FIELDS = ("operationId", "operationRef", "parameters", "requestBody", "server")


def diff_links(walk: Walk, old: At | None, new: At | None, ctx: Context) -> None:
    """Compare the ``links`` maps of one matched response."""
    before, after = _links(walk.base, old), _links(walk.head, new)
    for name in sorted(before.keys() | after.keys()):
        sub = Context(ctx.where, ctx.direction, "", f"{ctx.subject}|link:{name}", ctx.contracts)
        if name not in after:
            walk.removed("link-removed", before[name], sub, f"link '{name}' removed")
        elif name not in before:
            walk.added("link-added", after[name], sub, f"link '{name}' added")
        else:
            changed = [key for key in LINK_FIELDS if _target(before[name], key) != _target(after[name], key)]
            if changed:
                walk.added("link-changed", after[name], sub, f"link '{name}' {', '.join(changed)} changed",
                           key=",".join(changed))


def _links(resolver: Resolver, holder: At | None) -> dict[str, At]:
    if holder is None or not isinstance(holder.value, dict):
        return {}
    return {str(name): resolver.deref(holder.child(name)) for name in holder.value}  # type: ignore[arg-type]


def _target(link: At, key: str) -> Any:
    value = link.get(key)
    if key == "server" and isinstance(value, dict):
        return str(value.get("url", "")).rstrip("/")
    return value
