"""Compare one claimed file at both sides: its error tables and its contract constants.

Imported only when the surface has a file to compare, so libcst, PyYAML and
jsonschema are loaded only then.
"""

from __future__ import annotations

from typing import Any, Iterator

from classifier.errors import ConfigError
from classifier.model import Change, Location, Side
from classifier.sources import FilePair, Source, decode_text
from classifier.surfaces.error_codes.config import (
    DATA_SUFFIXES,
    ConstantSpec,
    ErrorCodesConfig,
)
from classifier.surfaces.error_codes.diff import Fact, diff_tables, show
from classifier.surfaces.error_codes.model import Constant, ErrorTable, Problem

SURFACE = "error_codes"


def compare_pair(pair: FilePair, source: Source, config: ErrorCodesConfig, announce: bool = False) -> Iterator[Change]:
    """Every change to the tables and constants configured in ``pair``'s file.

    ``announce`` says which tables were compared even when they are named (they were found, not configured).
    """
    configured = pair.head_path if pair.head_path in config.paths else str(pair.base_path)
    texts = {side: _text(pair, source, side) for side in Side}
    names = config.table_names(configured)
    if names is not None:
        tables = {side: _table(texts[side], configured, names, config) for side in Side}
        if announce or not names:
            yield from _tables_found(pair, tables)
        for fact in diff_tables(tables[Side.BASE], tables[Side.HEAD]):
            yield _change(pair, fact)
        yield from _missing(pair, configured, tables, names)
    specs = config.constants_in(configured)
    if specs:
        yield from _compare_constants(pair, configured, texts, specs)


def _text(pair: FilePair, source: Source, side: Side) -> str | None:
    data = source.read_blob(side, pair)
    path = pair.path_at(side)
    return None if data is None or path is None else decode_text(data, path, side)


def _table(text: str | None, path: str, names: tuple[str, ...], config: ErrorCodesConfig) -> ErrorTable:
    if text is None:
        return ErrorTable({})  # absent at this side: every code is added or removed
    if path.endswith(DATA_SUFFIXES):
        from classifier.surfaces.error_codes.data import read_data_table

        return read_data_table(text, path)
    from classifier.surfaces.error_codes.python import read_table

    return read_table(text, names, config.registry_functions)


def _tables_found(pair: FilePair, tables: dict[Side, ErrorTable]) -> Iterator[Change]:
    """Say which tables a file configured without a name was read as (the base's if it is gone)."""
    at_base = pair.path_at(Side.HEAD) is None
    found = tables[Side.BASE if at_base else Side.HEAD].tables
    if found:
        yield _change(pair, Fact("tables-found", "tables", None, at_base, {"tables": "; ".join(found)}))


def _missing(pair: FilePair, path: str, tables: dict[Side, ErrorTable], names: tuple[str, ...]) -> Iterator[Change]:
    """Fail closed when a configured table is found at neither side of a file that exists."""
    if any(p.kind == "unreadable" for table in tables.values() for p in table.problems):
        return
    head, base = tables[Side.HEAD], tables[Side.BASE]
    present = [side for side in Side if pair.path_at(side) is not None]
    if not names and not head.tables and not base.tables:
        detail = f"no error table found in {path}"
        yield _change(pair, Fact("unreadable", "tables", None, Side.HEAD not in present, {"detail": detail, "side": "head"}))
    found = "; ".join(head.available or base.available) or "nothing understood"
    for name in names:
        if all(name in tables[side].missing for side in present):
            detail = f"no table named {name} in {path} (found: {found})"
            yield _change(pair, Fact("unreadable", name, None, Side.HEAD not in present, {"detail": detail, "side": "head"}))


def _compare_constants(
    pair: FilePair, path: str, texts: dict[Side, str | None], specs: tuple[ConstantSpec, ...]
) -> Iterator[Change]:
    from classifier.surfaces.error_codes.python import read_constants

    names = [spec.name for spec in specs]
    found: dict[Side, dict[str, Constant]] = {}
    for side in Side:
        text = texts[side]
        values, problem = read_constants(text, names) if text is not None else ({}, None)
        if problem is not None:
            yield _change(pair, _unreadable(problem, side))
            return
        found[side] = values
    for spec in specs:
        fact = _constant_fact(spec, path, found[Side.BASE].get(spec.name), found[Side.HEAD].get(spec.name))
        if fact is not None:
            yield _change(pair, fact)


def _constant_fact(spec: ConstantSpec, path: str, old: Constant | None, new: Constant | None) -> Fact | None:
    if old is None and new is None:
        raise ConfigError(
            f"constants.names: {path}:{spec.name} is defined at neither side",
            hint="fix the name in [tool.classifier.constants] names, or remove the entry",
        )
    if old is None or (new is not None and old.value == new.value):
        return None  # a new contract constant, or an unchanged one
    fields: dict[str, Any] = {"name": spec.name, "contract": spec.contract, "old": show(old.value)}
    if new is None:
        return Fact("constant-changed", spec.name, old.line, True, {**fields, "new": "removed"})
    return Fact("constant-changed", spec.name, new.line, False, {**fields, "new": show(new.value)})


def _unreadable(problem: Problem, side: Side) -> Fact:
    return Fact("unreadable", problem.subject, problem.line, side is Side.BASE, {"detail": problem.detail, "side": side.value})


def _change(pair: FilePair, fact: Fact) -> Change:
    side = Side.BASE if fact.at_base else Side.HEAD
    path = pair.path_at(side) or pair.path
    return Change(SURFACE, fact.kind, fact.subject, Location(path, fact.line, side), fact.fields)
