"""Configuration files that are links, or TOML built to exhaust the parser: one line, exit 2.

A symlinked ``.classifier.toml`` or ``pyproject.toml`` could point anywhere on
the machine; it is refused without being opened (the targets here are FIFOs:
opening one would hang the test) and nothing of the target reaches the output.
The policy is the one committed at the base, so that is where these files are
committed; the proposed one (the head's) is read the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hostile.support import classify

SECRET = "exclude = ['SECRET-VALUE-42']\n"
DEPTH = 32


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "config.toml").write_text(SECRET, encoding="utf-8")
    (folder / "[tool.classifier]").write_text(SECRET, encoding="utf-8")
    os.mkfifo(folder / "fifo.toml")
    return folder


def changed(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    repo.commit("head", **{"a.txt": "2"})


def changed_with_link(repo: GitRepo, name: str, target: Path | str) -> None:
    """A base that commits ``name`` as a symbolic link to ``target``, and a head that changes another file."""
    repo.write("a.txt", "1")
    (repo.path / name).symlink_to(target)
    repo.commit("base with a linked policy")
    repo.commit("head", **{"a.txt": "2"})


@pytest.mark.parametrize("name", [".classifier.toml", "pyproject.toml"])
@pytest.mark.parametrize("target", ["config.toml", "fifo.toml", "missing.toml"])
def test_symlinked_configuration_is_refused_unread(repo: GitRepo, outside: Path, name: str, target: str) -> None:
    changed_with_link(repo, name, outside / target)

    run = classify(repo.path)

    assert run.error_line == (
        f"classify: error: {name} (base): is a symbolic link; the configuration is read only from a "
        "regular file; fix: replace the link by the file itself, or pass --config FILE\n"
    )
    assert "SECRET" not in run.stdout + run.stderr and str(outside) not in run.stderr


def test_symlinked_configuration_inside_the_repository_is_refused_too(repo: GitRepo) -> None:
    repo.write("config/classifier.toml", "fail_on = 'none'\n")
    changed_with_link(repo, ".classifier.toml", "config/classifier.toml")

    assert "is a symbolic link" in classify(repo.path).error_line


def test_configuration_given_on_the_command_line_may_be_a_link(repo: GitRepo, outside: Path) -> None:
    changed(repo)
    (repo.path / "link.toml").symlink_to(outside / "config.toml")

    run = classify(repo.path, "--config", "link.toml", "--format", "json")

    assert run.code == 0, run.stderr


NESTED = {
    "arrays": "a = " + "[" * 5000 + "]" * 5000 + "\n",
    "inline-tables": "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
    "dotted-key": ".".join(["k"] * 100_000) + " = 1\n",
    "quoted-dotted-key": ".".join(['"k"'] * 100_000) + " = 1\n",
    "table-header": "[" + ".".join(["k"] * 100_000) + "]\n",
    "headers-then-keys": "[" + ".".join(["k"] * 20) + "]\n" + ".".join(["j"] * 20) + " = 1\n",
    "just-past-the-limit": "a = " + "[" * (DEPTH + 1) + "]" * (DEPTH + 1) + "\n",
}


@pytest.mark.parametrize("name", [".classifier.toml", "pyproject.toml"])
@pytest.mark.parametrize("text", NESTED.values(), ids=NESTED.keys())
def test_toml_nested_past_the_parser_is_one_line(repo: GitRepo, name: str, text: str) -> None:
    repo.commit("base", **{"a.txt": "1", name: ("[tool.classifier]\n" if name == "pyproject.toml" else "") + text})
    repo.commit("head", **{"a.txt": "2"})

    line = classify(repo.path).error_line

    assert line.startswith(f"classify: error: {name} (base): nested deeper than {DEPTH} levels")
    assert "fix: flatten the TOML" in line


def test_toml_at_the_limit_is_read(repo: GitRepo) -> None:
    nested = "x = " + "[" * (DEPTH - 2) + "]" * (DEPTH - 2) + "\n"  # the key and its table are two more levels
    repo.commit("base", **{"a.txt": "1", "pyproject.toml": f"[other]\n{nested}[tool.classifier]\nfail_on = 'none'\n"})
    repo.commit("head", **{"a.txt": "2"})

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr


def test_configuration_over_the_size_limit_is_refused(repo: GitRepo) -> None:
    repo.commit("base", **{"a.txt": "1"})
    repo.commit("head", **{"a.txt": "2", "pyproject.toml": "# padding\n" * 110_000})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: pyproject.toml (head): over the 1 MB limit for a configuration")
