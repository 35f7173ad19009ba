"""The state of one spec comparison: both resolvers, the context, the changes found."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from classifier.model import Change, Location, Side
from classifier.surfaces.openapi.config import OpenAPIConfig
from classifier.surfaces.openapi.refs import At, Resolver
from classifier.surfaces.openapi.unchanged import UnchangedCheck

SURFACE = "openapi"
MAX_SCHEMA_DEPTH = 64
# How many of the operations sharing a changed component a finding names.
NAMED_OPERATIONS = 3

# A shared component as compared: its location and the direction it was reached in.
Component = tuple[str, str]
# What reaches a component: an operation (by label) or another component.
Reacher = tuple[str, Any]


@dataclass(slots=True, eq=False)  # never changed once made; not frozen: a frozen __init__ costs twice as much
class Context:
    """Where the walk is: the operation part, the field trail, the direction, the contracts.

    ``where`` names the operation element (``GET /pets response 200
    application/json``); ``trail`` the schema path below it (``owner.name``);
    ``root`` is true at the top of a request or response body, where the
    envelope and pagination contracts live.
    """

    where: str
    direction: str = "none"
    trail: str = ""
    subject: str = ""
    contracts: frozenset[str] = frozenset()
    root: bool = False
    depth: int = 0
    outbound: bool = False
    # At the top of a parameter's own schema (not inside its properties or items).
    parameter: bool = False
    # Values travel as text (parameters, headers, media types other than JSON): `1` and `"1"` look the same.
    loose: bool = False

    def label(self) -> str:
        """How messages name the schema element here: ``property 'a.b'``, ``schema [0]``, or ``schema``."""
        if not self.trail:
            return "schema"
        # A trail that starts inside the body itself (array items, map values, variants) names no property.
        return f"schema {self.trail}" if self.trail[0] in "[{<" else f"property '{self.trail}'"

    def body_direction(self, part: str) -> str:
        """``request`` or ``response`` as the API's clients see it.

        For webhooks and callbacks the API sends the request and the client
        answers, so the two directions swap.
        """
        if not self.outbound:
            return part
        return "response" if part == "request" else "request"

    def field(self, name: str) -> Context:
        trail = f"{self.trail}.{name}" if self.trail else name
        # Built directly: dataclasses.replace costs more than the rest of a property's comparison.
        contracts = self.contracts - {"envelope"} if self.contracts else self.contracts
        return Context(self.where, self.direction, trail, f"{self.subject}/{name}", contracts, False,
                       self.depth + 1, self.outbound, False, self.loose)

    def located(self, where: str) -> Context:
        """The same context for another element (built directly: ``replace`` is slow on a hot path)."""
        return Context(where, self.direction, self.trail, self.subject, self.contracts, self.root, self.depth,
                       self.outbound, self.parameter, self.loose)

    def with_contract(self, name: str | None) -> Context:
        if name is None or name in self.contracts:
            return self
        return Context(self.where, self.direction, self.trail, self.subject, self.contracts | {name}, self.root,
                       self.depth, self.outbound, self.parameter, self.loose)


@dataclass(slots=True)
class Walk:
    """One base/head spec pair being compared."""

    config: OpenAPIConfig
    base: Resolver
    head: Resolver
    changes: dict[tuple[str, str], Change] = field(default_factory=dict)
    seen: set[Any] = field(default_factory=set)
    # Values derived from one operation (or the whole spec) and asked for by several parts of the comparison.
    memo: dict[Any, Any] = field(default_factory=dict)
    unchanged: UnchangedCheck = field(init=False)
    # The operation being compared, and the order operations were compared in.
    operation: str = ""
    operation_order: dict[str, int] = field(default_factory=dict)
    # The shared components being compared (innermost last), what reaches each, and whose each change is.
    owners: list[Component] = field(default_factory=list)
    reach: dict[Component, set[Reacher]] = field(default_factory=dict)
    change_owner: dict[tuple[str, str], Component] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unchanged = UnchangedCheck(self.base, self.head)

    def start_operation(self, label: str) -> None:
        self.operation = label
        self.operation_order.setdefault(label, len(self.operation_order))

    def reached(self, component: Component) -> None:
        """Record that the operation or component being compared reaches ``component``."""
        parent: Reacher = ("component", self.owners[-1]) if self.owners else ("operation", self.operation)
        self.reach.setdefault(component, set()).add(parent)

    def findings(self) -> list[Change]:
        """The changes found, each change of a shared component naming the operations that reach it."""
        found = list(self.changes.values())
        if not self.change_owner:
            return found
        operations: dict[Component, list[str]] = {}
        result = []
        for key, change in self.changes.items():
            owner = self.change_owner.get(key)
            if owner is not None:
                if owner not in operations:
                    operations[owner] = self._operations_reaching(owner)
                change = _shared_by(change, operations[owner])
            result.append(change)
        return result

    def _operations_reaching(self, component: Component) -> list[str]:
        found: set[str] = set()
        seen: set[Component] = set()
        todo = [component]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            for kind, value in self.reach.get(current, ()):
                if kind == "operation":
                    found.add(value)
                else:
                    todo.append(value)
        return sorted(found, key=lambda label: self.operation_order.get(label, len(self.operation_order)))

    def same(self, base: At | None, head: At | None) -> bool:
        """Both absent, or equal with every reference inside reaching equal values."""
        if base is None or head is None:
            return base is head
        return self.unchanged.same(base, head)

    def emit(self, kind: str, at: At, side: Side, ctx: Context, what: str, **fields: Any) -> None:
        """Record one fact; the same kind and subject are recorded once."""
        subject = f"{ctx.direction}|{ctx.subject}|{kind}|{fields.get('key', '')}"
        if (kind, subject) in self.changes:
            return
        location = Location(at.doc.path, at.line, side)
        values = {
            "where": ctx.where,
            "what": what,
            "direction": ctx.direction,
            "contracts": tuple(sorted(ctx.contracts)),
            **fields,
        }
        self.changes[(kind, subject)] = Change(SURFACE, kind, subject, location, values)
        if self.owners:
            self.change_owner[(kind, subject)] = self.owners[-1]

    def removed(self, kind: str, at: At, ctx: Context, what: str, **fields: Any) -> None:
        self.emit(kind, at, Side.BASE, ctx, what, **fields)

    def added(self, kind: str, at: At, ctx: Context, what: str, **fields: Any) -> None:
        self.emit(kind, at, Side.HEAD, ctx, what, **fields)


def _shared_by(change: Change, operations: list[str]) -> Change:
    """The change with the operations that share its component named in its message."""
    if len(operations) < 2:
        return change
    named = ", ".join(operations[:NAMED_OPERATIONS])
    more = len(operations) - NAMED_OPERATIONS
    listed = f"{named} and {more} more" if more > 0 else named
    fields = dict(change.fields)
    fields["what"] = f"{fields['what']} (shared by {len(operations)} operations: {listed})"
    fields["operations"] = len(operations)
    return replace(change, fields=fields)
