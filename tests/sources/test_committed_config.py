"""The configuration committed at a side, read by tree mode and object: a symlink is refused unread."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from classifier.errors import ConfigError
from classifier.model import Side
from classifier.policy.config import find_config_at
from classifier.sources.directory import DirectorySource
from classifier.sources.git import GitSource

TABLE = "fail_on = 'additive'\n"


@pytest.mark.parametrize("name", [".classifier.toml", "pyproject.toml"])
def test_committed_symlink_is_refused_whatever_the_disk_holds(
    repo, open_git: Callable[..., GitSource], name: str
) -> None:
    repo.write("real.toml", "[tool.classifier]\n" + TABLE)
    os.symlink("real.toml", repo.path / name)
    base = repo.commit("linked configuration")
    (repo.path / name).unlink()
    (repo.path / name).write_text(TABLE, encoding="utf-8")  # a regular file on disk now

    source = open_git(repo.path, base=base, head="HEAD")

    for side in Side:
        with pytest.raises(ConfigError) as caught:
            find_config_at(source, side)
        assert caught.value.message == (
            f"{name} ({side.value}): is a symbolic link; the configuration is read only from a regular file"
        )


def test_committed_file_is_read_even_where_the_disk_has_a_link(
    repo, tmp_path: Path, open_git: Callable[..., GitSource]
) -> None:
    base = repo.commit("configuration", **{".classifier.toml": TABLE})
    (repo.path / ".classifier.toml").unlink()
    (tmp_path / "elsewhere.toml").write_text("fail_on = 'none'\n", encoding="utf-8")
    (repo.path / ".classifier.toml").symlink_to(tmp_path / "elsewhere.toml")

    source = open_git(repo.path, base=base, head="HEAD")

    assert find_config_at(source, Side.BASE) == (".classifier.toml", {"fail_on": "additive"}, "")
    with pytest.raises(ConfigError):
        find_config_at(open_git(repo.path, base=base), Side.HEAD)  # the working tree: the link itself


def test_pyproject_without_a_table_is_no_configuration(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("pyproject", **{"pyproject.toml": "[project]\nname = 'x'\n"})
    assert find_config_at(open_git(repo.path, base=base, head="HEAD"), Side.BASE) is None


def test_dedicated_file_wins_and_a_folder_of_that_name_is_not_one(
    repo, open_git: Callable[..., GitSource]
) -> None:
    base = repo.commit("both", **{".classifier.toml__x": "1", "pyproject.toml": "[tool.classifier]\n" + TABLE})
    assert find_config_at(open_git(repo.path, base=base, head="HEAD"), Side.BASE) == (
        "pyproject.toml", {"fail_on": "additive"}, "[tool.classifier]"
    )


def test_staged_configuration_comes_from_the_index(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("configuration", **{".classifier.toml": TABLE})
    repo.write(".classifier.toml", "fail_on = 'none'\n")
    repo.git("add", ".classifier.toml")
    repo.write(".classifier.toml", "fail_on = 'breaking'\n")  # not staged

    source = open_git(repo.path, base=base, staged=True)

    assert find_config_at(source, Side.HEAD) == (".classifier.toml", {"fail_on": "none"}, "")


def test_nesting_in_a_committed_file_is_refused(repo, open_git: Callable[..., GitSource]) -> None:
    base = repo.commit("deep", **{".classifier.toml": "a = " + "[" * 400 + "]" * 400 + "\n"})

    with pytest.raises(ConfigError) as caught:
        find_config_at(open_git(repo.path, base=base, head="HEAD"), Side.BASE)

    assert caught.value.message == ".classifier.toml (base): nested deeper than 32 levels (tables, arrays or dotted keys)"


def test_directory_source_symlink(tmp_path: Path) -> None:
    for side in ("base", "head"):
        (tmp_path / side).mkdir()
    (tmp_path / "base" / ".classifier.toml").write_text(TABLE, encoding="utf-8")
    (tmp_path / "head" / ".classifier.toml").symlink_to(tmp_path / "base" / ".classifier.toml")
    source = DirectorySource(tmp_path / "base", tmp_path / "head")

    assert find_config_at(source, Side.BASE) == (".classifier.toml", {"fail_on": "additive"}, "")
    with pytest.raises(ConfigError):
        find_config_at(source, Side.HEAD)
