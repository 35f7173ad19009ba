"""Two plain folders as base and head."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from classifier.cli import main
from classifier.errors import SourceError
from classifier.model import Revision, Side
from classifier.sources import SYMLINK_MODE
from classifier.sources.directory import DirectorySource

from .git_support import git, pair_view


def tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return root


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    base = tree(tmp_path / "base", {"same.txt": "same\n", "edit.txt": "1\n", "gone.txt": "bye\n", "old/name.txt": "moved\n"})
    head = tree(tmp_path / "head", {"same.txt": "same\n", "edit.txt": "2\n", "new.txt": "hi\n", "new/name.txt": "moved\n"})
    return base, head


def test_added_deleted_modified_renamed(folders: tuple[Path, Path]) -> None:
    base, head = folders
    source = DirectorySource(base, head)
    pairs = source.changed_files()

    assert pair_view(pairs) == [
        ("added", None, "new.txt"),
        ("deleted", "gone.txt", None),
        ("modified", "edit.txt", "edit.txt"),
        ("renamed", "old/name.txt", "new/name.txt"),
    ]
    renamed = next(pair for pair in pairs if pair.status == "renamed")
    assert renamed.base_blob == renamed.head_blob
    assert source.base == Revision(str(base), None, "--base-dir")
    assert source.head == Revision(str(head), None, "--head-dir")


def test_blob_ids_are_git_blob_ids(folders: tuple[Path, Path], repo) -> None:
    base, head = folders
    [edited] = [pair for pair in DirectorySource(base, head).changed_files() if pair.status == "modified"]

    assert edited.base_blob == repo.git("hash-object", str(base / "edit.txt"))
    assert edited.head_blob == repo.git("hash-object", str(head / "edit.txt"))


def test_git_folders_are_ignored(folders: tuple[Path, Path]) -> None:
    base, head = folders
    git(head, "init", "-q")
    tree(head, {"vendor/lib/.git": "gitdir: ../../.git/modules/lib\n", "vendor/lib/x.txt": "x\n"})

    assert pair_view(DirectorySource(base, head).changed_files()) == [
        ("added", None, "new.txt"),
        ("added", None, "vendor/lib/x.txt"),
        ("deleted", "gone.txt", None),
        ("modified", "edit.txt", "edit.txt"),
        ("renamed", "old/name.txt", "new/name.txt"),
    ]


def test_moved_empty_file_is_a_rename_as_in_git(tmp_path: Path) -> None:
    base = tree(tmp_path / "base", {"a/__init__.py": ""})
    head = tree(tmp_path / "head", {"b/__init__.py": ""})

    assert pair_view(DirectorySource(base, head).changed_files()) == [("renamed", "a/__init__.py", "b/__init__.py")]


def test_reads(folders: tuple[Path, Path]) -> None:
    base, head = folders
    source = DirectorySource(base, head)

    assert source.read(Side.BASE, "edit.txt") == b"1\n"
    assert source.read(Side.HEAD, "edit.txt") == b"2\n"
    assert source.read(Side.HEAD, "gone.txt") is None
    assert source.list_files(Side.HEAD, "new") == ["new/name.txt"]
    assert source.list_files(Side.BASE, "") == ["edit.txt", "gone.txt", "old/name.txt", "same.txt"]


def test_symlinks_are_link_text_and_never_a_way_out(tmp_path: Path) -> None:
    outside = tree(tmp_path / "outside", {"secret.txt": "SECRET\n"})
    base = tree(tmp_path / "base", {"a.txt": "a\n"})
    head = tree(tmp_path / "head", {"a.txt": "a\n"})
    os.symlink(str(outside / "secret.txt"), head / "link.txt")
    os.symlink(str(outside), head / "linkdir")
    source = DirectorySource(base, head)

    pairs = {pair.path: pair for pair in source.changed_files()}

    assert sorted(pairs) == ["link.txt", "linkdir"]
    assert pairs["link.txt"].head_mode == SYMLINK_MODE
    assert source.read_blob(Side.HEAD, pairs["link.txt"]) == str(outside / "secret.txt").encode()
    for path in ("linkdir/secret.txt", "../outside/secret.txt", str(outside / "secret.txt")):
        assert source.read(Side.HEAD, path) is None
    assert source.list_files(Side.HEAD, "linkdir") == []


def test_executable_bit_is_a_change(tmp_path: Path) -> None:
    base = tree(tmp_path / "base", {"run.sh": "#!/bin/sh\n"})
    head = tree(tmp_path / "head", {"run.sh": "#!/bin/sh\n"})
    (head / "run.sh").chmod(0o755)

    [pair] = DirectorySource(base, head).changed_files()

    assert (pair.status, pair.base_mode, pair.head_mode) == ("modified", "100644", "100755")


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        DirectorySource(tmp_path / "nope", tmp_path)

    assert (caught.value.message, caught.value.hint) == (
        f"--base-dir {tmp_path / 'nope'}: no such directory",
        "pass an existing folder",
    )


def test_command_line_compares_folders(folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    base, head = folders

    code = main(["--base-dir", str(base), "--head-dir", str(head), "--format", "json"])

    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["base"] == {"name": str(base), "sha": None, "how": "--base-dir"}
    assert sorted((f["path"], f["subject"]) for f in report["findings"]) == [
        ("edit.txt", "internal-change"),
        ("gone.txt", "deleted"),
        ("new.txt", "added"),
        ("new/name.txt", "renamed"),
    ]
