"""Error-table discovery reads every changed Python file; the generic surface takes what it read.

The findings must be exactly those of reading each file afresh: the same
generic finding for a file discovery read and left, the same refusal of a file
over ``max_file_mb``, the same tables for a file discovery claimed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from classifier.check import run_check
from classifier.cli import main
from classifier.model import Side
from classifier.policy.config import load_committed_config
from classifier.sources import ReadMemo
from classifier.sources.git import GitRequest, GitSource
from classifier.surfaces.error_codes import DiscoveredTablesSurface
from classifier.surfaces.files import FilesSurface

TABLE = 'import enum\n\n\nclass ErrorCode(enum.Enum):\n    NOT_FOUND = "not_found"\n'
MODULE = 'import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef value():\n    """The value."""\n    return 1\n'
LIMITS = "[tool.classifier.limits]\nmax_file_mb = 0.001\n"  # 1,000 bytes
BASE = {
    "pyproject.toml": LIMITS,
    "app__errors.py": TABLE,
    "app__code.py": MODULE,
    "app__docs.py": MODULE,
    "app__logs.py": MODULE,
    "app__blob.py": MODULE,
    "app__huge.py": MODULE,
    "app__old.py": MODULE + "\n\nOLD = 1\n",
    "app__gone.py": "GONE = 1\n",
    "tests__test_code.py": MODULE,
}
HEAD = {
    "app__errors.py": TABLE + '    GONE = "gone"\n',
    "app__code.py": MODULE.replace("return 1", "return 2"),
    "app__docs.py": MODULE.replace('"""The value."""', '"""The value, documented."""'),
    "app__logs.py": MODULE.replace("    return 1", '    log.info("value")\n    return 1'),
    "app__blob.py": "\0binary\n",
    "app__huge.py": MODULE + "# padding\n" * 100,
    "app__new.py": "NEW = 1\n",
    "tests__test_code.py": MODULE.replace("return 1", "return 3"),
}
EXPECTED = [
    ("ERC106", "app/errors.py", 6, "error code GONE added to ErrorCode"),
    ("ERC111", "app/errors.py", None, "error tables compared: ErrorCode (enum, 2 codes, line 4)"),
    ("GEN001", "app/docs.py", 7, "documentation modified (comments or docstrings only)"),
    ("GEN002", "app/logs.py", 8, "observability only (logging, metrics or tracing calls)"),
    ("GEN003", "app/code.py", 8, "internal change: code changed"),
    ("GEN003", "app/huge.py", None,
     "internal change: not compared: 0.0 MB, over the 0.001 MB limit for one file (max_file_mb)"),
    ("GEN003", "app/moved.py", 11, "internal change: renamed from app/old.py; code changed"),
    ("GEN003", "tests/test_code.py", 8, "internal change: code changed"),
    ("GEN004", "app/new.py", None, "file added"),
    ("GEN005", "app/gone.py", None, "file deleted"),
    ("GEN007", "app/blob.py", None, "binary file modified"),
]


@pytest.fixture
def open_git() -> Iterator[Callable[..., GitSource]]:
    """Open ``GitSource``s on a repository; every one is closed after the test."""
    opened: list[GitSource] = []

    def factory(repo: Path, base: str, head: str | None = None) -> GitSource:
        opened.append(GitSource(GitRequest(repo, base, head)))
        return opened[-1]

    yield factory
    for source in opened:
        source.close()


def make_branch(repo, head_is_worktree: bool) -> None:
    repo.commit("base", **BASE)
    repo.git("mv", "app/old.py", "app/moved.py")
    repo.git("rm", "-q", "app/gone.py")
    for path, text in {**HEAD, "app__moved.py": MODULE + "\n\nOLD = 2\n"}.items():
        repo.write(path.replace("__", "/"), text)
    if head_is_worktree:
        repo.git("add", "-N", "app/new.py")  # a new file, as a user about to commit it has it
    else:
        repo.commit("head")


def findings(report) -> list[tuple[str, str, int | None, str]]:
    return sorted((f.rule, f.path, f.line, f.message) for f in report.findings)


@pytest.mark.parametrize("head_is_worktree", [False, True], ids=["commit", "worktree"])
def test_every_finding_is_the_one_a_fresh_read_gives(repo, open_git: Callable[..., GitSource], head_is_worktree: bool) -> None:
    make_branch(repo, head_is_worktree)
    base, head = ("HEAD", None) if head_is_worktree else ("HEAD~1", "HEAD")
    handed_over, read_afresh = open_git(repo.path, base, head), open_git(repo.path, base, head)
    read_afresh.memo = ReadMemo(budget=0)  # keeps nothing: every side is read where it is compared
    config = load_committed_config(handed_over, Side.BASE)

    report = run_check(handed_over, config)

    assert findings(report) == EXPECTED
    assert findings(run_check(read_afresh, config)) == EXPECTED
    assert len(handed_over.memo) == 0  # everything discovery left was taken: nothing is held twice


def test_the_command_line_gives_the_same_findings(repo, capsys: pytest.CaptureFixture[str]) -> None:
    make_branch(repo, head_is_worktree=False)

    code = main(["check", "--repo", str(repo.path), "--base", "HEAD~1", "--head", "HEAD", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert sorted((f["rule"], f["path"], f["line"], f["message"]) for f in report["findings"]) == EXPECTED
    assert code == 0


def test_a_python_file_over_the_file_limit_is_left_to_the_generic_surface(repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Discovery cannot look inside it: it is not taken for a table, and the generic surface says why it was not compared.
    repo.commit("base", **{"pyproject.toml": LIMITS, "app__huge.py": MODULE})
    repo.write("app/huge.py", MODULE + "# padding\n" * 100)

    code = main(["check", "--repo", str(repo.path), "--base", "HEAD", "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["path"], f["message"]) for f in report["findings"]] == [(
        "GEN003", "app/huge.py",
        "internal change: not compared: 0.0 MB, over the 0.001 MB limit for one file (max_file_mb)",
    )]
    assert code == 0


def test_the_generic_surface_compares_the_bytes_discovery_read(repo, open_git: Callable[..., GitSource]) -> None:
    # One run reads a working-tree file once: an edit made between discovery and the generic surface is not seen.
    repo.commit("base", **{"app__code.py": MODULE})
    repo.write("app/code.py", MODULE.replace('"""The value."""', '"""The value, documented."""'))
    source = open_git(repo.path, "HEAD")
    config = load_committed_config(source, Side.BASE)
    pairs = source.changed_files()

    assert DiscoveredTablesSurface(config).claim(pairs, source) == []
    repo.write("app/code.py", MODULE.replace("return 1", "return 2"))
    [change] = FilesSurface(config).compare(pairs, source)

    assert (change.kind, change.fields["detail"]) == ("documentation", "comments or docstrings only")
