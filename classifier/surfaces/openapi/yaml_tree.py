"""YAML to plain Python values, with the line of every mapping key and list item.

PyYAML's C parser composes the node graph (no Python object is ever
constructed from a tag, so a document cannot instantiate anything); this
module turns nodes into dicts, lists and scalars itself. Doing the conversion
here is what lets it refuse duplicate keys, recursive aliases and alias
expansion bombs with the line they come from, and keep line numbers for
findings. Aliased nodes are converted once and shared, never copied.
"""

from __future__ import annotations

import math
from typing import Any

from classifier.surfaces.openapi.document import LineTable, LoadError

MAX_DEPTH = 200
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
# Scalars kept as their source text: OpenAPI has no use for a date object.
_AS_TEXT = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
_NUMBERS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
# The only tags a scalar is constructed for; a collection tag on a scalar (`!!map x`) or any other tag stays text.
_CONSTRUCTED = {*_NUMBERS, "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


def load_yaml(text: str, path: str) -> tuple[Any, LineTable]:
    """Parse one YAML document into plain values and a line table.

    Raises:
        LoadError: a syntax error, several documents, a duplicate key, a
            recursive alias, aliases that expand too far, or nesting deeper
            than ``MAX_DEPTH``; each message carries the line.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        if _is_nesting_limit(exc):
            # Newer libyaml builds stop deep nesting themselves, in their own words; ours stay the same.
            raise LoadError(f"nested deeper than {MAX_DEPTH} levels", line) from None
        raise LoadError(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except RecursionError:
        raise LoadError(f"nested deeper than {MAX_DEPTH} levels", None) from None
    except yaml.YAMLError as exc:
        raise LoadError(f"invalid YAML: {str(exc).splitlines()[0]}", None) from None
    converter = _Converter(budget=max(1_000_000, len(text)))
    data = None if root is None else converter.convert(root, 0)
    return data, converter.lines


def _is_nesting_limit(exc: Any) -> bool:
    return "nesting depth" in f"{exc.problem or ''} {exc.context or ''}"


class _Converter:
    def __init__(self, budget: int) -> None:
        from yaml.constructor import SafeConstructor

        self.lines = LineTable()
        self.budget = budget
        self.expanded = 0
        self.done: dict[int, tuple[Any, int]] = {}
        self.active: set[int] = set()
        self.constructor = SafeConstructor()

    def convert(self, node: Any, depth: int) -> Any:
        if node.id == "scalar":
            # A scalar holds nothing and cannot recurse: converting it again where it is aliased costs the
            # same one node the budget counts, so only containers are remembered.
            self._spend(1, node)
            return self._scalar(node)
        key = id(node)
        known = self.done.get(key)
        if known is not None:
            # An alias: share the value, but count what it would expand to so a
            # billion-laughs document is refused instead of walked.
            self._spend(known[1], node)
            return known[0]
        if key in self.active:
            raise LoadError("recursive YAML alias", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise LoadError(f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        before = self.expanded
        self.active.add(key)
        value = self._sequence(node, depth) if node.id == "sequence" else self._mapping(node, depth)
        self.active.discard(key)
        self._spend(1, node)
        self.done[key] = (value, self.expanded - before)
        return value

    def _spend(self, amount: int, node: Any) -> None:
        self.expanded += amount
        if self.expanded > self.budget:
            raise LoadError(
                f"YAML aliases expand to more than {self.budget:,} nodes (an alias bomb?)",
                node.start_mark.line + 1,
            )

    def _sequence(self, node: Any, depth: int) -> list[Any]:
        items = [self.convert(child, depth + 1) for child in node.value]
        self.lines.items[id(items)] = [child.start_mark.line + 1 for child in node.value]
        return items

    def _mapping(self, node: Any, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_lines: dict[str, int] = {}
        merges: list[tuple[Any, int]] = []
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE:
                merges.append((self.convert(value_node, depth + 1), line))
                continue
            if key_node.id != "scalar":
                raise LoadError("a mapping key must be a plain scalar", line)
            key = key_node.value
            if key in key_lines:
                raise LoadError(f"duplicate key {key!r} (first at line {key_lines[key]})", line)
            if value_node.id == "scalar":
                # Most values are text: taken here, without a call per value (the budget still counts it).
                self.expanded += 1
                result[key] = value_node.value if value_node.tag == _STR else self._scalar(value_node)
            else:
                result[key] = self.convert(value_node, depth + 1)
            key_lines[key] = line
        for merged, line in merges:
            # Merged keys never override the mapping's own, wherever `<<` stands (YAML's merge key type).
            self._merge(result, key_lines, merged, line)
        self.lines.keys[id(result)] = key_lines
        return result

    @staticmethod
    def _merge(result: dict[str, Any], key_lines: dict[str, int], merged: Any, line: int) -> None:
        sources = merged if isinstance(merged, list) else [merged]
        for source in sources:
            if not isinstance(source, dict):
                raise LoadError("a merge key '<<' must name a mapping", line)
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    key_lines[key] = line

    def _scalar(self, node: Any) -> Any:
        if node.tag == _STR or node.tag in _AS_TEXT:
            return node.value
        if node.tag in _NUMBERS and ":" in node.value:
            # YAML 1.1 base-60 (`1:30`): text in YAML 1.2, which OpenAPI recommends, and quadratic to convert.
            return node.value
        construct = self.constructor.yaml_constructors.get(node.tag) if node.tag in _CONSTRUCTED else None
        if construct is None:
            return node.value
        try:
            value = construct(self.constructor, node)
        except (ValueError, TypeError, ArithmeticError, KeyError):  # a literal it cannot read (`!!bool maybe`) stays text
            return node.value
        if isinstance(value, float) and not math.isfinite(value):
            raise LoadError(f"{node.value} is not a number JSON can hold (OpenAPI YAML must stay JSON-compatible)",
                            node.start_mark.line + 1)
        return value
