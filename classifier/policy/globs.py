"""Path globs as used in configuration: ``*``, ``?``, ``[...]``, ``**`` and ``{a,b}``.

A glob matches the whole repository-relative path (``/`` separated):
``openapi.yaml`` matches only at the root, ``**/openapi.yaml`` at any depth.
Globs are translated once. A regex is used when it cannot backtrack badly:
at most one unbounded run (``*``, ``**``), or two on a path of ordinary
length. A glob such as ``*a*a*a*a*a*b`` would make a backtracking regex take
minutes on a file named ``aaaa…``; those globs are matched by a linear-time
automaton instead (``globmatch.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable

from classifier.errors import ConfigError

if TYPE_CHECKING:
    from classifier.policy.globmatch import Automaton


def match_any(path: str, globs: Iterable[str]) -> bool:
    return any(compile_glob(glob).fullmatch(path) for glob in globs)


@lru_cache(maxsize=1024)
def compile_glob(glob: str) -> Glob:
    """Translate one glob to a matcher of whole paths.

    Raises:
        ConfigError: an unclosed ``[`` or ``{``, or too many ``{a,b}`` alternatives.
    """
    regex = re.compile(_translate(glob, glob), re.DOTALL)
    runs = max(sum(map(_unbounded_runs, pieces)) for pieces in _alternatives(glob, glob))
    return Glob(glob, regex, runs)


# Past this length a path is matched by the automaton when the glob has two unbounded runs:
# a backtracking regex costs up to the square of the length there.
REGEX_PATH_LIMIT = 256


class Glob:
    """A compiled glob: ``fullmatch(path)`` is truthy when it matches the whole path."""

    __slots__ = ("glob", "regex", "runs", "_automaton", "fullmatch")

    def __init__(self, glob: str, regex: re.Pattern[str], runs: int) -> None:
        self.glob, self.regex, self.runs = glob, regex, runs
        self._automaton: Automaton | None = None
        # One unbounded run cannot backtrack badly: the regex answers directly (a match is truthy).
        self.fullmatch: Callable[[str], object] = regex.fullmatch if runs < 2 else self._guarded_match

    def _guarded_match(self, path: str) -> bool:
        if self.runs == 2 and len(path) <= REGEX_PATH_LIMIT:
            return self.regex.fullmatch(path) is not None
        if self._automaton is None:
            # Built on first need: most runs never meet a glob or a path that calls for it.
            from classifier.policy.globmatch import Automaton

            self._automaton = Automaton.of(self.glob)
        return self._automaton.fullmatch(path)


def _unbounded_runs(glob: str) -> int:
    return glob.count("*") - glob.count("**")


def _alternatives(glob: str, whole: str) -> list[tuple[str, ...]]:
    """The glob with every ``{a,b}`` expanded: ``x.{a,b}`` -> ``("x.", "a")``, ``("x.", "b")``.

    Each alternative stays in pieces, read one by one: ``{a,*}*`` is ``*`` then
    ``*``, two runs, never the ``**`` their text would spell.

    Raises:
        ConfigError: more than ``MAX_ALTERNATIVES`` expansions.
    """
    start = _brace_outside_class(glob)
    if start < 0:
        return [(glob,)]
    end = glob.find("}", start)
    if end < 0:
        raise ConfigError(f"glob {whole!r}: unclosed '{{'", hint="close the alternation with '}'")
    head, options, tail = glob[:start], glob[start + 1:end].split(","), glob[end + 1:]
    expanded = [(head, option, *rest) for option in options for rest in _alternatives(tail, whole)]
    if len(expanded) > MAX_ALTERNATIVES:
        raise ConfigError(f"glob {whole!r}: more than {MAX_ALTERNATIVES} alternatives",
                          hint="split it into several simpler globs")
    return expanded


MAX_ALTERNATIVES = 1024


def _brace_outside_class(glob: str) -> int:
    i = 0
    while i < len(glob):
        if glob[i] == "[":
            end = glob.find("]", i + 2)
            i = len(glob) if end < 0 else end + 1
        elif glob[i] == "{":
            return i
        else:
            i += 1
    return -1


def _translate(glob: str, whole: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(glob):
        char = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = glob.find("]", i + 2)
            if end < 0:
                raise ConfigError(f"glob {whole!r}: unclosed '['", hint="close the character class or escape it")
            body = glob[i + 1:end].replace("\\", "\\\\")
            out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
            i = end + 1
        elif char == "{":
            end = glob.find("}", i)
            if end < 0:
                raise ConfigError(f"glob {whole!r}: unclosed '{{'", hint="close the alternation with '}'")
            options = glob[i + 1:end].split(",")
            out.append("(?:" + "|".join(_translate(opt, whole) for opt in options) + ")")
            i = end + 1
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)
