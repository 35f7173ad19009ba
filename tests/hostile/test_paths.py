"""Strange paths and file kinds in the generic surface: each is labelled, never skipped."""

from __future__ import annotations

from tests.conftest import GitRepo
from tests.hostile.support import classify


def rules_by_path(run) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {finding["path"]: finding["rule"] for finding in run.report["findings"]}


def test_paths_with_newlines_and_non_ascii(repo: GitRepo) -> None:
    names = ["line\nbreak.py", "café/naïve.py", "tab\there.txt", "quote\"d.py", "-dash.py"]
    repo.commit("base", **{name: "VALUE = 1\n" for name in names})
    for name in names:
        repo.write(name, "VALUE = 2\n")
    repo.commit("head")

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert rules_by_path(run) == {name: "GEN003" for name in names}


def test_submodule_moved_to_another_commit(repo: GitRepo) -> None:
    first, second = "1" * 40, "2" * 40
    # Committed straight from the index: there is no checkout of the submodule to add.
    for message, commit in (("base", first), ("head", second)):
        repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},vendor/lib")
        repo.git("commit", "-q", "-m", message)

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert [(f["path"], f["rule"], f["message"]) for f in run.report["findings"]] == [
        ("vendor/lib", "GEN003", "internal change: submodule modified"),
    ]


def test_symlink_retargeted_is_compared_as_its_target_text(repo: GitRepo) -> None:
    (repo.path / "link.py").symlink_to("/etc/passwd")
    repo.commit("base")
    (repo.path / "link.py").unlink()
    (repo.path / "link.py").symlink_to("/etc/hostname")
    repo.commit("head")

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert rules_by_path(run) == {"link.py": "GEN003"}


def test_nul_byte_in_a_python_file_is_binary(repo: GitRepo) -> None:
    repo.commit("base", **{"app.py": "VALUE = 1\n"})
    repo.commit("head", **{"app.py": b"VALUE = 1\n\0"})

    assert rules_by_path(classify(repo.path, "--format", "json")) == {"app.py": "GEN007"}


def test_python_file_that_is_not_utf8_is_an_error(repo: GitRepo) -> None:
    repo.commit("base", **{"app.py": "VALUE = 1\n"})
    repo.commit("head", **{"app.py": b"VALUE = '\xe9'\n"})

    line = classify(repo.path).error_line

    assert line.startswith("classify: error: app.py (head): Python file cannot be decoded") and "fix:" in line


def test_python_file_nested_past_the_parser(repo: GitRepo) -> None:
    repo.commit("base", **{"app.py": "VALUE = 1\n"})
    repo.commit("head", **{"app.py": "VALUE = " + "+".join(["1"] * 100_000) + "\n"})

    run = classify(repo.path, "--format", "json")

    assert run.code == 0, run.stderr
    assert [(f["rule"], f["message"]) for f in run.report["findings"]] == [
        ("GEN003", "internal change: does not parse (head: too deeply nested to parse); compared as text"),
    ]
