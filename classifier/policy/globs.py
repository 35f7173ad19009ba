"""Path globs as used in configuration: ``*``, ``?``, ``[...]``, ``**`` and ``{a,b}``.

A glob matches the whole repository-relative path (``/`` separated):
``openapi.yaml`` matches only at the root, ``**/openapi.yaml`` at any depth.
Globs are translated to regexes once; the translation only produces
``[^/]*`` and ``.*`` runs, which cannot backtrack catastrophically on a path.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

from classifier.errors import ConfigError


def match_any(path: str, globs: Iterable[str]) -> bool:
    return any(compile_glob(glob).fullmatch(path) for glob in globs)


@lru_cache(maxsize=1024)
def compile_glob(glob: str) -> re.Pattern[str]:
    """Translate one glob to an anchored regex.

    Raises:
        ConfigError: an unclosed ``[`` or ``{``.
    """
    return re.compile(_translate(glob, glob))


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
