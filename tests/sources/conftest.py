"""Fixtures for the source tests: sources opened on real repositories, closed afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from classifier.sources.git import GitRequest, GitSource


@pytest.fixture
def open_git() -> Iterator[Callable[..., GitSource]]:
    """Open ``GitSource``s on a repository; every one is closed after the test."""
    opened: list[GitSource] = []

    def factory(repo: Path, base: str | None = None, head: str | None = None, staged: bool = False) -> GitSource:
        source = GitSource(GitRequest(repo, base, head, staged))
        opened.append(source)
        return source

    yield factory
    for source in opened:
        source.close()
