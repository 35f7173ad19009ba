"""The bounded loaders read what the unbounded ones read, and refuse only past a bound.

The error-table loader composes YAML itself (to count aliases at their
expanded size); for any table within its bounds its values are exactly
``yaml.safe_load``'s, shared anchors included. The TOML pre-scan refuses no
configuration ``tomllib`` reads at a sane depth, and whatever bytes it is
given, reading a configuration ends in a table or one ``ConfigError``.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from classifier.errors import ConfigError
from classifier.policy.config import read_toml_bytes
from classifier.surfaces.error_codes.table_load import TableLoadError, load_table

JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
# YAML has infinities and timestamps too.
YAML_SCALARS = JSON_SCALARS | st.sampled_from([float("inf"), float("-inf")]) | st.dates().map(
    lambda day: datetime.datetime(day.year, day.month, day.day)
)
KEYS = st.one_of(st.text(max_size=8), st.integers(0, 999), st.booleans())


def tables(scalars: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Nested plain data in which some lists and mappings appear twice (dumped as anchor and alias)."""
    leaves = st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
        max_leaves=25,
    )
    return st.lists(leaves, min_size=1, max_size=4).map(_with_shared)


def _with_shared(parts: list[Any]) -> dict[str, Any]:
    # The last part is used twice: safe_dump writes it once with an anchor, then an alias.
    return {"first": parts, "again": parts[-1], "codes": {"A": {"status": 404}}}


@given(tables(YAML_SCALARS), st.booleans())
def test_yaml_table_values_are_safe_loads(data: dict[str, Any], flow: bool) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    expected = yaml.safe_load(text)

    loaded, codes = load_table(text, "errors.yaml", max_nodes=1_000_000)

    assert loaded == expected
    assert sorted(code.path for code in codes) == [("again",), ("codes",), ("first",)]


@given(tables(JSON_SCALARS))
def test_json_table_values_are_json_loads(data: dict[str, Any]) -> None:
    text = json.dumps(data)

    loaded, codes = load_table(text, "errors.json", max_nodes=1_000_000)

    assert loaded == json.loads(text)
    assert [(code.path, code.line) for code in codes] == [(("first",), 1), (("again",), 1), (("codes",), 1)]


@given(st.binary(max_size=300))
def test_any_yaml_bytes_load_or_fail_in_our_words(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    try:
        load_table(text, "errors.yaml", max_nodes=10_000)
    except TableLoadError as exc:
        assert exc.detail and "\n" not in exc.detail


TOML_PIECES = ["[a]\n", "[a.b]\n", "[[c]]\n", "k = ", "k.l.m = ", "'s'", '"s"', '"""x\n"""', "'''y'''", "[", "]",
               "{", "}", "1.5", ", ", "\n", "# c [ {\n", "=", ".", "\\", '"', "'"]


@given(st.lists(st.sampled_from(TOML_PIECES), max_size=40).map("".join))
def test_toml_bounds_refuse_nothing_tomllib_reads_shallowly(text: str) -> None:
    try:
        table = read_toml_bytes(text.encode(), "x.toml")
    except ConfigError as exc:
        assert exc.message.startswith("x.toml: ")
        if "nested deeper" in exc.message:
            assert text.count("[") + text.count("{") > 32 or text.count(".") >= 32
        return
    assert isinstance(table, dict)
