"""libcst's parser, guarded against files too large to parse and nested deeply enough to crash.

libcst takes 5 to 13 s and about 450 MB per MB of source (positions included):
text over ``[tool.classifier.limits] max_python_mb`` is refused before parsing
(``PythonTooLarge``), and the caller reports the file as not understood.

libcst parses in native code whose recursion has no depth check: 2,000 nested
parentheses or a chain of 50,000 ``and`` overflow the main thread's stack and
kill the process (SIGSEGV), which would end the run with no message at all.
Two guards, both cheap:

* the standard ``ast`` parser reads the text first; its C parser counts its
  depth and refuses deep nesting with an error instead of crashing;
* libcst then parses in a thread with a large stack, for the chains ``ast``
  keeps flat (``a and b and …``) that libcst nests.

Neither runs the code: both only build a syntax tree.
"""

from __future__ import annotations

import ast
import threading
from typing import TYPE_CHECKING, Callable, TypeVar

from classifier.sources.limits import refuse_large_python

if TYPE_CHECKING:
    import libcst as cst

# Only the pages touched are ever allocated; a shallow file uses a few.
PARSE_STACK_BYTES = 512 << 20
T = TypeVar("T")


def parse_module(text: str) -> cst.Module:
    """``libcst.parse_module(text)`` that cannot crash on deep nesting nor run away on size.

    Raises:
        PythonTooLarge: the text is over the ``max_python_mb`` in force.
        libcst.ParserSyntaxError: the text is not valid Python.
        RecursionError: the text is nested too deeply to be parsed safely.
    """
    import libcst as cst

    refuse_large_python(text)
    refuse_deep_nesting(text)
    return on_deep_stack(cst.parse_module, text)


def refuse_deep_nesting(text: str) -> None:
    """Raise ``RecursionError`` when Python's own parser finds ``text`` nested too deeply.

    Other syntax errors are left for libcst to report in its own words.
    """
    try:
        ast.parse(text)
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg) or "too complex" in str(exc.msg):
            raise RecursionError(exc.msg) from None
    except (RecursionError, MemoryError):
        raise RecursionError("too deeply nested") from None
    except ValueError:
        pass  # a NUL byte: libcst reports it


def on_deep_stack(function: Callable[[str], T], text: str) -> T:
    """``function(text)`` run in a thread whose stack is ``PARSE_STACK_BYTES``."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function(text)
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    previous = threading.stack_size(PARSE_STACK_BYTES)
    try:
        thread = threading.Thread(target=target, name="parse", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
