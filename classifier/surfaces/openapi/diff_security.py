"""Security: the requirements an operation accepts, and the schemes they name.

``security`` is a list of alternatives; the client satisfies one of them.
Removing an alternative, or adding scopes to one, turns away clients that
worked; adding an alternative lets more in. An empty list or an empty
alternative ``{}`` means anonymous access is allowed.
"""

from __future__ import annotations

from typing import Any

from classifier.surfaces.openapi.refs import At
from classifier.surfaces.openapi.walk import Context, Walk

SCHEME_FIELDS = ("type", "in", "name", "scheme", "bearerFormat", "openIdConnectUrl", "flows")

Requirement = dict[frozenset[str], dict[str, frozenset[str]]]


def _effective(walk_root: At, op: At) -> tuple[At, Any]:
    """The operation's own ``security`` if present, else the document's."""
    own = op.child("security")
    if own is not None:
        return own, own.value
    top = walk_root.child("security")
    return (top, top.value) if top is not None else (op, None)


def _alternatives(value: Any) -> Requirement:
    found: Requirement = {}
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, dict):
            found[frozenset(entry)] = {k: _scope_set(v) for k, v in entry.items()}
    return found


def _scope_set(scopes: Any) -> frozenset[str]:
    return frozenset(str(s) for s in scopes if isinstance(s, (str, int))) if isinstance(scopes, list) else frozenset()


def _is_open(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, list) and {} in value)


def diff_operation_security(walk: Walk, old_op: At, new_op: At, ctx: Context) -> None:
    old_at, old_value = _effective(At(walk.base.root, (), walk.base.root.data), old_op)
    new_at, new_value = _effective(At(walk.head.root, (), walk.head.root.data), new_op)
    if old_value == new_value:
        return
    sub = Context(ctx.where, "request", "", f"{ctx.subject}|security").with_contract(_auth(walk))
    if _is_open(old_value) and not _is_open(new_value):
        walk.added("security-required", new_at, sub, "operation now requires authentication")
        return
    if not _is_open(old_value) and _is_open(new_value):
        walk.added("security-removed", new_at, sub, "operation no longer requires authentication")
        return
    before, after = _alternatives(old_value), _alternatives(new_value)
    for key in sorted(before.keys() - after.keys(), key=sorted):
        if any(_weaker(after[other], before[key]) for other in after.keys() - before.keys()):
            continue  # replaced by an alternative asking for less: every client that passed still passes
        walk.removed("security-alternative-removed", old_at, sub, f"security alternative '{_names(key)}' removed",
                     key=_names(key))
    for key in sorted(after.keys() - before.keys(), key=sorted):
        walk.added("security-alternative-added", new_at, sub, f"security alternative '{_names(key)}' added",
                   key=_names(key))
    for key in sorted(before.keys() & after.keys(), key=sorted):
        _scopes(walk, before[key], after[key], new_at, sub)


def _weaker(candidate: dict[str, frozenset[str]], alternative: dict[str, frozenset[str]]) -> bool:
    """Whether ``candidate`` asks for a subset of what ``alternative`` asked: fewer schemes, no new scopes."""
    return candidate.keys() <= alternative.keys() and all(candidate[s] <= alternative[s] for s in candidate)


def _scopes(walk: Walk, old: dict[str, frozenset[str]], new: dict[str, frozenset[str]], at: At, ctx: Context) -> None:
    for scheme in sorted(new):
        added, removed = new[scheme] - old.get(scheme, frozenset()), old.get(scheme, frozenset()) - new[scheme]
        if added:
            walk.added("security-scopes-added", at, ctx, f"scheme '{scheme}' now needs scopes {_names(added)}",
                       key=f"{scheme}+")
        if removed:
            walk.added("security-scopes-removed", at, ctx, f"scheme '{scheme}' no longer needs scopes {_names(removed)}",
                       key=f"{scheme}-")


def _names(values: frozenset[str]) -> str:
    return "+".join(sorted(values)) or "(anonymous)"


def _auth(walk: Walk) -> str | None:
    return "auth" if walk.config.auth_security else None


def diff_security_schemes(walk: Walk) -> None:
    old = _schemes(At(walk.base.root, (), walk.base.root.data))
    new = _schemes(At(walk.head.root, (), walk.head.root.data))
    if old is None and new is None:
        return
    before = old.value if old is not None and isinstance(old.value, dict) else {}
    after = new.value if new is not None and isinstance(new.value, dict) else {}
    for name in sorted(set(before) | set(after)):
        ctx = Context("components.securitySchemes", "none", "", f"securityScheme:{name}").with_contract(_auth(walk))
        if name not in after:
            walk.removed("security-scheme-removed", old.child(name), ctx, f"security scheme '{name}' removed")  # type: ignore[union-attr,arg-type]
        elif name not in before:
            walk.added("security-scheme-added", new.child(name), ctx, f"security scheme '{name}' added")  # type: ignore[union-attr,arg-type]
        else:
            _scheme_pair(walk, walk.base.deref(old.child(name)), walk.head.deref(new.child(name)), ctx)  # type: ignore[union-attr,arg-type]


def _schemes(root: At) -> At | None:
    components = root.child("components")
    return components.child("securitySchemes") if components is not None else None


def _scheme_pair(walk: Walk, old: At, new: At, ctx: Context) -> None:
    changed = [key for key in SCHEME_FIELDS if _normal(key, old.get(key)) != _normal(key, new.get(key))]
    if changed:
        name = new.pointer[-1]
        walk.added("security-scheme-changed", new, ctx, f"security scheme '{name}' {', '.join(changed)} changed",
                   key=",".join(changed))


def _normal(key: str, value: Any) -> Any:
    # Header names compare case-insensitively; flows compare without their descriptions.
    if key == "name" and isinstance(value, str):
        return value.lower()
    if key == "flows" and isinstance(value, dict):
        # New scopes on offer change nothing for existing clients; URLs and flow kinds do.
        urls = ("authorizationUrl", "tokenUrl", "refreshUrl")
        return {flow: tuple(body.get(u) for u in urls) if isinstance(body, dict) else body
                for flow, body in value.items()}
    return value
