"""The fast matchers agree with the slow, obviously right ones."""

from __future__ import annotations

import ast
import re

from hypothesis import given
from hypothesis import strategies as st

from classifier.policy.globmatch import Automaton
from classifier.policy.globs import _translate
from classifier.surfaces.files.python import _remove_docstrings, _same

GLOB_PIECES = st.sampled_from(["a", "b", "/", ".", "*", "**", "**/", "?", "[ab]", "[!a]", "{a,b/}", "{,a*}"])
PATHS = st.text(alphabet="ab/.\n", max_size=10)


@given(st.lists(GLOB_PIECES, max_size=7).map("".join), PATHS)
def test_glob_automaton_agrees_with_the_regex(glob: str, path: str) -> None:
    regex = re.compile(_translate(glob, glob), re.DOTALL)
    assert Automaton.of(glob).fullmatch(path) == (regex.fullmatch(path) is not None)


STATEMENTS = st.sampled_from([
    "x = 1", "x = 2", "x = -0.0", "x = 0.0", "y = x + 1", "log.info('x')", "'''doc'''", "pass",
    "def f():\n    '''doc'''\n    return 1", "def f():\n    return 1", "if x:\n    y = 1\nelse:\n    y = 2",
    "try:\n    x = 1\nexcept E:\n    log.error('e')", "class C:\n    '''doc'''", "x = [i for i in y]",
])


@given(st.lists(STATEMENTS, max_size=5).map("\n".join), st.lists(STATEMENTS, max_size=5).map("\n".join))
def test_tree_comparison_agrees_with_ast_dump(old: str, new: str) -> None:
    trees = [ast.parse(old), ast.parse(new)]
    for tree in trees:
        _remove_docstrings(tree, [])
    dumps = [ast.dump(tree, annotate_fields=False, include_attributes=False) for tree in trees]
    assert _same(*trees) == (dumps[0] == dumps[1])
