"""Glob matching in linear time, for globs a backtracking regex would choke on.

Each ``{a,b}`` alternative becomes a row of tokens; the automaton tracks, for
every prefix of the path, the set of tokens reached so far, as the bits of one
integer. Each character of the path costs a few integer operations, whatever
the glob: ``*a*a*a*a*a*b`` on a name of 10,000 ``a`` answers at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Token kinds.
LITERAL = "literal"  # one given character
ONE = "one"  # ``?`` or a ``[...]`` class: one character, never "/" for ``?``
STAR = "star"  # ``*``: any run of characters within one path segment
ANY = "any"  # ``**`` not followed by "/": any run of characters
# ``**/`` (nothing, or any run ending in "/") is three tokens: an entry that may
# jump past the other two, ANY, and a literal "/". The entry must be its own
# state: from inside the run, only a "/" may leave.
OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    char: str = ""
    char_class: re.Pattern[str] | None = None

    def advances_on(self, char: str) -> bool:
        if self.kind == LITERAL:
            return char == self.char
        if self.kind == ONE:
            return self.char_class.fullmatch(char) is not None if self.char_class else char != "/"
        return False

    def stays_on(self, char: str) -> bool:
        return self.kind == ANY or (self.kind == STAR and char != "/")


@dataclass(slots=True)
class Row:
    """One alternative of the glob as a bit-parallel automaton; bit ``i`` = first ``i`` tokens matched."""

    tokens: tuple[Token, ...]
    skippable: int = 0
    optional: int = 0
    masks: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.skippable = sum(1 << i for i, token in enumerate(self.tokens) if token.kind in (STAR, ANY, OPTIONAL))
        self.optional = sum(1 << i for i, token in enumerate(self.tokens) if token.kind == OPTIONAL)

    def _masks(self, char: str) -> tuple[int, int]:
        known = self.masks.get(char)
        if known is None:
            advance = sum(1 << i for i, token in enumerate(self.tokens) if token.advances_on(char))
            stay = sum(1 << i for i, token in enumerate(self.tokens) if token.stays_on(char))
            known = self.masks[char] = (advance, stay)
        return known

    def _closure(self, states: int) -> int:
        # A run may match nothing: reaching token i also reaches i + 1 when token i is a run;
        # an optional ``**/`` also reaches past its run and its "/".
        while True:
            grown = states | ((states & self.skippable) << 1) | ((states & self.optional) << 3)
            if grown == states:
                return states
            states = grown

    def fullmatch(self, path: str) -> bool:
        states = self._closure(1)
        for char in path:
            advance, stay = self._masks(char)
            states = self._closure(((states & advance) << 1) | (states & stay))
            if not states:
                return False
        return bool(states >> len(self.tokens) & 1)


@dataclass(frozen=True, slots=True)
class Automaton:
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, glob: str) -> Automaton:
        from classifier.policy.globs import _alternatives

        rows = (tuple(token for piece in pieces for token in _tokens(piece)) for pieces in _alternatives(glob, glob))
        return cls(tuple(Row(tokens) for tokens in rows))

    def fullmatch(self, path: str) -> bool:
        return any(row.fullmatch(path) for row in self.rows)


def _tokens(glob: str) -> tuple[Token, ...]:
    """The tokens of one glob without ``{...}``, read the way ``globs._translate`` reads it."""
    tokens: list[Token] = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            tokens += (Token(OPTIONAL), Token(ANY), Token(LITERAL, "/"))
            i += 3
        elif glob.startswith("**", i):
            tokens.append(Token(ANY))
            i += 2
        elif glob[i] == "*":
            tokens.append(Token(STAR))
            i += 1
        elif glob[i] == "?":
            tokens.append(Token(ONE))
            i += 1
        elif glob[i] == "[":
            end = glob.find("]", i + 2)  # validated by globs.compile_glob: the class is closed
            body = glob[i + 1:end].replace("\\", "\\\\")
            pattern = "[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]"
            tokens.append(Token(ONE, char_class=re.compile(pattern, re.DOTALL)))
            i = end + 1
        else:
            tokens.append(Token(LITERAL, glob[i]))
            i += 1
    return tuple(tokens)
