"""The read memo: a side one reader read is handed to the next instead of read again, once, within a budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from classifier.model import Side
from classifier.sources import MEMO_COST_PER_SIDE, FilePair, ReadMemo, Source, keep_for_next_read, read_blobs
from classifier.sources.directory import DirectorySource
from classifier.sources.git import GitSource
from classifier.sources.limits import FileTooLarge, Limits, applied_limits

BOTH = (Side.BASE, Side.HEAD)


def sides(pair: FilePair) -> list[tuple[Side, FilePair]]:
    return [(side, pair) for side in BOTH]


@pytest.fixture(params=["commit", "worktree", "folders"])
def changed(request: pytest.FixtureRequest, repo: Any, open_git: Callable[..., GitSource],
            tmp_path: Path) -> Iterator[Source]:
    """A source in which ``a.py`` changed from ``base`` to ``head``, and ``b.py`` from ``head`` to ``base``."""
    old, new = {"a.py": "A = 1\n", "b.py": "B = 2\n"}, {"a.py": "B = 2\n", "b.py": "A = 1\n"}
    if request.param == "folders":
        for name, files in (("base", old), ("head", new)):
            (tmp_path / name).mkdir()
            for path, text in files.items():
                (tmp_path / name / path).write_text(text)
        source = DirectorySource(tmp_path / "base", tmp_path / "head")
        yield source
        source.close()
        return
    repo.commit("base", **old)
    if request.param == "commit":
        repo.commit("head", **new)
        yield open_git(repo.path, base="HEAD~1", head="HEAD")
    else:
        for path, text in new.items():
            repo.write(path, text)  # the head is the working tree
        yield open_git(repo.path, base="HEAD")


def by_path(source: Source) -> dict[str, FilePair]:
    return {pair.path: pair for pair in source.changed_files()}


def test_without_a_memo_entry_both_sides_are_read(changed: Source) -> None:
    pair = by_path(changed)["a.py"]

    assert list(read_blobs(changed, sides(pair))) == [b"A = 1\n", b"B = 2\n"]


def test_a_kept_side_is_handed_over_once_then_read_again(changed: Source) -> None:
    pair = by_path(changed)["a.py"]
    # Content the source does not hold, so that where each answer came from shows.
    keep_for_next_read(changed, Side.BASE, pair, b"kept\n")

    first = list(read_blobs(changed, sides(pair)))
    second = list(read_blobs(changed, sides(pair)))

    assert first == [b"kept\n", b"B = 2\n"]
    assert second == [b"A = 1\n", b"B = 2\n"]  # taken once: the memo holds no second copy
    assert len(changed.memo) == 0


def test_a_side_is_handed_only_to_the_same_side_of_the_same_file(changed: Source) -> None:
    # The same content is a.py's base and b.py's head: what is kept for one is not the other's.
    pairs = by_path(changed)
    keep_for_next_read(changed, Side.HEAD, pairs["a.py"], b"a head\n")
    keep_for_next_read(changed, Side.BASE, pairs["b.py"], b"b base\n")

    found = list(read_blobs(changed, [*sides(pairs["a.py"]), *sides(pairs["b.py"])]))

    assert found == [b"A = 1\n", b"a head\n", b"b base\n", b"A = 1\n"]


def test_kept_and_read_sides_come_back_in_the_order_asked(changed: Source) -> None:
    pairs = by_path(changed)
    keep_for_next_read(changed, Side.HEAD, pairs["b.py"], b"kept\n")
    wanted = [(Side.HEAD, pairs["b.py"]), (Side.BASE, pairs["a.py"]),
              (Side.BASE, pairs["b.py"]), (Side.HEAD, pairs["a.py"])]

    assert list(read_blobs(changed, wanted)) == [b"kept\n", b"A = 1\n", b"B = 2\n", b"B = 2\n"]


def test_past_the_budget_a_side_is_not_kept_and_is_read_again(changed: Source) -> None:
    pairs = by_path(changed)
    changed.memo = ReadMemo(budget=2 * MEMO_COST_PER_SIDE + 10)
    keep_for_next_read(changed, Side.BASE, pairs["a.py"], b"kept\n")  # 5 bytes: within the budget
    keep_for_next_read(changed, Side.BASE, pairs["b.py"], b"kept too\n")  # 9 more: past it, not kept

    found = list(read_blobs(changed, [(Side.BASE, pairs["a.py"]), (Side.BASE, pairs["b.py"])]))

    assert found == [b"kept\n", b"B = 2\n"]


def test_the_budget_is_free_again_once_a_side_is_taken() -> None:
    memo = ReadMemo(budget=MEMO_COST_PER_SIDE + 100)
    first = FilePair("modified", "a.py", "a.py", "1" * 40, "2" * 40)
    second = FilePair("modified", "b.py", "b.py", "3" * 40, "4" * 40)

    assert memo.keep(Side.BASE, first, b"x" * 100)
    assert not memo.keep(Side.BASE, second, b"y")
    assert memo.take([(Side.BASE, first)]) == {0: b"x" * 100}
    assert memo.keep(Side.BASE, second, b"y")


def test_a_side_over_the_file_limit_is_refused_whatever_was_kept_beside_it(changed: Source) -> None:
    pair = by_path(changed)["a.py"]
    keep_for_next_read(changed, Side.BASE, pair, b"kept\n")

    with applied_limits(Limits(max_file_bytes=3)):
        base, head = read_blobs(changed, sides(pair))

    assert base == b"kept\n"
    assert isinstance(head, FileTooLarge) and (head.size, head.limit) == (6, 3)


def test_closing_the_source_lets_go_of_what_it_kept(changed: Source) -> None:
    keep_for_next_read(changed, Side.BASE, by_path(changed)["a.py"], b"kept\n")

    changed.close()

    assert len(changed.memo) == 0
