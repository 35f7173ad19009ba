"""YAML and JSON error tables to plain values and the line of each code, within a node budget.

``yaml.safe_load`` copies nothing for an alias, but whatever walks its result
(the schema validator, the comparison) walks every alias again: 500 bytes of
nested aliases are a billion nodes to validate. PyYAML also reads a YAML 1.1
sexagesimal integer (``1:00:00:…``) in time quadratic in its length. So a YAML
table is loaded in three steps, each bounded before the next costs more:

1. libyaml's event stream is counted (constant memory): more than
   ``max_yaml_nodes`` nodes, or nesting deeper than ``MAX_DEPTH``, is refused
   before a node is built;
2. the C composer builds the node graph, aliases still shared;
3. nodes become values here, each aliased node once, while the nodes it
   stands for are counted at their full expanded size and depth; a number
   longer than ``MAX_NUMBER_CHARS`` is refused instead of converted.

Nothing is constructed but plain data: scalars go through PyYAML's safe
constructors, and any other tag is refused.

A JSON table is read by ``json`` itself (JSON is not quite YAML: libyaml
refuses the surrogate-pair escapes ``json.dumps`` writes for an emoji). A
scan that skips strings counts its nodes and depth first; ``NaN``,
``Infinity`` and over-long numbers are refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 64  # a table is three levels deep; the schema validator recurses per level
MAX_NUMBER_CHARS = 64  # an HTTP status has three digits; 1:00:00:… conversion is quadratic
_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "binary", "timestamp")
)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_COLLECTION_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("seq", "map", "set", "omap", "pairs"))
# Strings are skipped whole; each other match is one structural character of JSON.
_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},:]', re.DOTALL)


class TableLoadError(Exception):
    """The table could not be loaded; ``line`` (1-based, or ``None``) and ``detail`` say where and why."""

    def __init__(self, line: int | None, detail: str) -> None:
        super().__init__(detail)
        self.line = line
        self.detail = detail


@dataclass(frozen=True, slots=True)
class CodeAt:
    """Where one code of the top level is written: its path in the data, the code, its line."""

    path: tuple[Any, ...]
    code: str
    line: int


def load_table(text: str, path: str, max_nodes: int) -> tuple[Any, list[CodeAt]]:
    """The table's values and where each code of its top level is written (repeats included).

    Raises:
        TableLoadError: invalid syntax, or past a bound (nodes, depth, number length).
    """
    if path.endswith(".json"):
        return _load_json(text, max_nodes)
    return _load_yaml(text, max_nodes)


# -- JSON ----------------------------------------------------------------------------


def _load_json(text: str, max_nodes: int) -> tuple[Any, list[CodeAt]]:
    _check_json_shape(text, max_nodes)
    decoder = json.JSONDecoder(parse_constant=_not_json, parse_int=_bounded(int), parse_float=_bounded(float))
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise TableLoadError(exc.lineno, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise _too_deep(None) from None
    return data, list(_json_codes(text, decoder))


def _check_json_shape(text: str, max_nodes: int) -> None:
    """Count values and keys (at most one per comma, colon and opening bracket, plus the root) and the depth."""
    nodes, depth = 1, 0
    for match in _JSON_STRUCTURE.finditer(text):
        token = match.group()
        if token[0] == '"':
            continue
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(_line_at(text, match.start()))
        elif token in "]}":
            depth -= 1
            continue
        nodes += 1
        if nodes > max_nodes:
            raise TableLoadError(_line_at(text, match.start()), _over_budget(max_nodes))


def _json_codes(text: str, decoder: json.JSONDecoder) -> Iterator[CodeAt]:
    """Each key of a top-level object, or each item of a top-level list, with its line.

    Walked again over the (already valid) text because ``json`` keeps no
    positions, and keeps only the last of a repeated key.
    """
    at = _skip_space(text, 0)
    opening = text[at:at + 1]
    if opening not in ("{", "["):
        return
    at, line, counted, index = at + 1, 1, 0, 0
    while True:
        at = _skip_space(text, at)
        if text[at] in "}]":
            return
        line, counted = line + text.count("\n", counted, at), at
        if opening == "{":
            key, at = decoder.raw_decode(text, at)
            at = _skip_space(text, _skip_space(text, at) + 1)  # past the colon
            _, at = decoder.raw_decode(text, at)
            yield CodeAt((key,), key, line)
        else:
            item, at = decoder.raw_decode(text, at)
            yield CodeAt((index,), str(item.get("code") if isinstance(item, dict) else None), line)
            index += 1
        at = _skip_space(text, at)
        if text[at] != ",":
            return
        at += 1


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _not_json(name: str) -> Any:
    raise TableLoadError(None, f"invalid JSON: {name} is not a JSON number")


def _bounded(convert: Any) -> Any:
    def parse(literal: str) -> Any:
        if len(literal) > MAX_NUMBER_CHARS:
            raise TableLoadError(None, f"a number longer than {MAX_NUMBER_CHARS} characters")
        return convert(literal)

    return parse


# -- YAML ----------------------------------------------------------------------------


def _load_yaml(text: str, max_nodes: int) -> tuple[Any, list[CodeAt]]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _count_events(yaml.parse(text, Loader=loader), max_nodes)
        root = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except RecursionError:
        raise _too_deep(None) from None
    except yaml.YAMLError as exc:
        raise TableLoadError(None, f"invalid YAML: {str(exc).splitlines()[0]}") from None
    if root is None:
        return None, []
    return _Converter(max_nodes).convert(root), list(_yaml_codes(root))


def _count_events(events: Any, max_nodes: int) -> None:
    """Walk the event stream once, holding nothing: refuse too many nodes or too deep a nesting."""
    from yaml import events as kinds

    nodes = depth = 0
    for event in events:
        if isinstance(event, (kinds.CollectionStartEvent, kinds.ScalarEvent, kinds.AliasEvent)):
            nodes += 1
            if nodes > max_nodes:
                raise TableLoadError(event.start_mark.line + 1, _over_budget(max_nodes))
        if isinstance(event, kinds.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(event.start_mark.line + 1)
        elif isinstance(event, kinds.CollectionEndEvent):
            depth -= 1


def _yaml_codes(root: Any) -> Iterator[CodeAt]:
    if root.id == "mapping":
        for key, _ in root.value:
            yield CodeAt((key.value,), str(key.value), key.start_mark.line + 1)
    elif root.id == "sequence":
        for index, item in enumerate(root.value):
            yield CodeAt((index,), str(_scalar_child(item, "code")), item.start_mark.line + 1)


def _scalar_child(node: Any, key: str) -> Any:
    if node.id == "mapping":
        for child, value in node.value:
            if child.value == key and value.id == "scalar":
                return value.value
    return None


def _syntax_error(exc: Any) -> TableLoadError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark is not None else None
    if "nesting depth" in f"{exc.problem or ''} {exc.context or ''}":
        return _too_deep(line)  # a libyaml build with its own limit, in its own words
    where = f"line {line}, column {mark.column + 1}" if mark is not None else "unknown position"
    return TableLoadError(line, f"invalid YAML at {where}: {exc.problem or exc.context}")


def _too_deep(line: int | None) -> TableLoadError:
    return TableLoadError(line, f"nested deeper than {MAX_DEPTH} levels")


def _over_budget(max_nodes: int) -> str:
    return f"more than {max_nodes:,} YAML nodes, aliases expanded (the max_yaml_nodes limit)"


class _Converter:
    """Nodes to values; an aliased node is converted once and shared, but counted every time."""

    def __init__(self, max_nodes: int) -> None:
        from yaml.constructor import SafeConstructor

        self.max_nodes = max_nodes
        self.expanded = 0
        # id(node) -> (value, nodes it expands to, depth it expands to)
        self.done: dict[int, tuple[Any, int, int]] = {}
        self.active: set[int] = set()
        self.constructor = SafeConstructor()

    def convert(self, node: Any) -> Any:
        return self._value(node)[0]

    def _value(self, node: Any) -> tuple[Any, int]:
        """The node's value and the depth it expands to."""
        known = self.done.get(id(node))
        if known is not None:
            value, size, depth = known
            self._spend(size, node)
            return value, depth
        if id(node) in self.active:
            raise TableLoadError(node.start_mark.line + 1, "recursive YAML alias")
        before = self.expanded
        self.active.add(id(node))
        value, depth = self._convert_node(node)
        self.active.discard(id(node))
        self._spend(1, node)
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark.line + 1)
        self.done[id(node)] = (value, self.expanded - before, depth)
        return value, depth

    def _spend(self, amount: int, node: Any) -> None:
        self.expanded += amount
        if self.expanded > self.max_nodes:
            raise TableLoadError(node.start_mark.line + 1, _over_budget(self.max_nodes))

    def _convert_node(self, node: Any) -> tuple[Any, int]:
        if node.id == "scalar":
            return self._scalar(node), 0
        _check_tag(node, _COLLECTION_TAGS)
        if node.id == "sequence":
            items = [self._value(child) for child in node.value]
            return [value for value, _ in items], 1 + max((depth for _, depth in items), default=0)
        return self._mapping(node)

    def _mapping(self, node: Any) -> tuple[dict[Any, Any], int]:
        result: dict[Any, Any] = {}
        explicit: set[Any] = set()
        deepest = 0
        for key_node, value_node in node.value:
            value, depth = self._value(value_node)
            deepest = max(deepest, depth)
            if key_node.tag == _MERGE:
                _merge(result, explicit, value, key_node)
                continue
            if key_node.id != "scalar":
                raise TableLoadError(key_node.start_mark.line + 1, "a mapping key must be a scalar")
            key = self._scalar(key_node)
            result[key] = value  # a repeated key: the last wins, as in safe_load (reported separately)
            explicit.add(key)
        return result, 1 + deepest

    def _scalar(self, node: Any) -> Any:
        import yaml

        if node.tag == _STR:
            return node.value
        _check_tag(node, _SCALAR_TAGS)
        if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
            raise TableLoadError(node.start_mark.line + 1, f"a number longer than {MAX_NUMBER_CHARS} characters")
        try:
            return self.constructor.yaml_constructors[node.tag](self.constructor, node)
        except (ValueError, TypeError, ArithmeticError, yaml.YAMLError):
            return node.value  # a literal its constructor cannot read (bad base64, 2024-13-45) stays text


def _merge(result: dict[Any, Any], explicit: set[Any], merged: Any, key_node: Any) -> None:
    # YAML's merge key: keys written in the mapping itself win over merged ones,
    # and an earlier merged mapping over a later one.
    for source in merged if isinstance(merged, list) else [merged]:
        if not isinstance(source, dict):
            raise TableLoadError(key_node.start_mark.line + 1, "a merge key '<<' must name a mapping")
        for key, value in source.items():
            if key not in explicit:
                result.setdefault(key, value)


def _check_tag(node: Any, allowed: frozenset[str]) -> None:
    if node.tag not in allowed:
        raise TableLoadError(node.start_mark.line + 1, f"the YAML tag {node.tag!r} is not allowed in an error table")
