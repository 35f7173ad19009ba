"""Bounds for TOML configuration, checked before and after ``tomllib`` reads it.

``tomllib`` recurses once per nested array or inline table (a few hundred
levels exhaust the stack) and keeps every prefix of a dotted key (a key of
100,000 parts, 200 KB of text, takes gigabytes). A linear scan of the text,
which only has to tell strings and comments from structure, refuses both
before the parser sees them; the parsed value is then walked (without
recursion) so that nothing deeper than ``MAX_TOML_DEPTH`` reaches the schema
validator either.
"""

from __future__ import annotations

import re
from typing import Any

MAX_TOML_DEPTH = 32
MAX_CONFIG_BYTES = 1_000_000

# Strings and comments are skipped whole; every other match is one structural character.
# The alternatives start with different characters, so the scan never backtracks.
_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"{3,5}'  # multi-line basic string (up to two quotes before the closer)
    r"|'''.*?'{3,5}"  # multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*"  # comment
    r"|[\[\]{}.,=\n]",
    re.DOTALL,
)


def nested_too_deeply(text: str, limit: int = MAX_TOML_DEPTH) -> bool:
    """Whether ``text`` nests arrays and tables, or dots a key, more than ``limit`` deep."""
    depth = dots = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth, dots = depth + 1, 0
            if depth > limit:
                return True
        elif token in "]}":
            depth, dots = max(depth - 1, 0), 0
        elif token == ".":
            dots += 1
            if dots >= limit:
                return True
        elif token in ",=\n":
            dots = 0
    return False


def too_deep(value: Any, limit: int = MAX_TOML_DEPTH) -> bool:
    """Whether a parsed TOML value holds tables or arrays nested more than ``limit`` deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False
