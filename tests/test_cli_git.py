"""``classify`` on real git repositories: what it prints, and how it refuses what it cannot compare."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from classifier.cli import main
from tests.run_record import Run

PROJECT = Path(__file__).resolve().parents[1]


def classify(capsys: pytest.CaptureFixture[str], repo: Path, *argv: str) -> Run:
    capsys.readouterr()
    code = main(["--repo", str(repo), *argv])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def git(where: Path, *args: str, index: Path | None = None) -> str:
    env = {**os.environ, "GIT_INDEX_FILE": str(index)} if index else None
    proc = subprocess.run(["git", "-C", str(where), *args], check=False, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def paths(report: dict[str, Any]) -> list[str]:
    return sorted(finding["path"] for finding in report["findings"])


# -- what the report says about the two sides ---------------------------------------


def test_report_names_the_merge_base_and_how_it_was_chosen(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    branch_point = repo.commit("two", **{"a.txt": "2\n"})
    repo.git("switch", "-q", "-c", "feature")
    head = repo.commit("feature", **{"b.txt": "b\n"})
    repo.git("switch", "-q", "main")
    main_tip = repo.commit("main moves on", **{"only_main.txt": "m\n"})
    repo.git("switch", "-q", "feature")

    run = classify(capsys, repo.path, "--base", "main")

    assert run.code == 0
    assert run.out.splitlines()[:2] == [
        f"base: main @ {branch_point[:12]} (--base; merge-base of main ({main_tip[:12]}) and the head)",
        f"head: working tree @ {head[:12]} (working tree on top of HEAD)",
    ]
    assert "b.txt" in run.out and "only_main.txt" not in run.out


def test_default_base_is_reported(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tip = repo.commit("one", **{"a.txt": "1\n"})
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(repo.path), str(work))
    (work / "b.txt").write_text("b\n", encoding="utf-8")

    report = classify(capsys, work, "--format", "json").report

    assert report["base"] == {"name": "origin/main", "sha": tip, "how": "default branch, from origin/HEAD"}
    assert paths(report) == ["b.txt"]


def test_head_equal_to_base_passes_with_label_none(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})

    run = classify(capsys, repo.path, "--base", "HEAD")

    assert run.code == 0
    assert run.out.splitlines()[-1] == "label: none — nothing changed (0 files compared); passed"


def test_detached_head(repo, capsys: pytest.CaptureFixture[str]) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    second = repo.commit("two", **{"b.txt": "b\n"})
    repo.commit("three", **{"c.txt": "c\n"})
    repo.git("checkout", "-q", "--detach", second)

    report = classify(capsys, repo.path, "--base", first, "--format", "json").report

    assert report["head"]["sha"] == second
    assert paths(report) == ["b.txt"]


def test_pre_commit_push_refs(repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    first = repo.commit("one", **{"a.txt": "1\n"})
    second = repo.commit("two", **{"b.txt": "b\n"})
    repo.commit("three", **{"c.txt": "c\n"})
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", first)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", second)

    report = classify(capsys, repo.path, "--format", "json").report

    assert report["base"] == {"name": first, "sha": first, "how": "PRE_COMMIT_FROM_REF"}
    assert report["head"] == {"name": second, "sha": second, "how": "PRE_COMMIT_TO_REF"}
    assert paths(report) == ["b.txt"]


def test_staged_and_head_modes(repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit("one", **{"staged.txt": "1\n", "unstaged.txt": "1\n"})
    repo.write("staged.txt", "2\n")
    repo.git("add", "staged.txt")
    repo.write("unstaged.txt", "2\n")

    staged = classify(capsys, repo.path, "--base", base, "--staged", "--format", "json").report
    worktree = classify(capsys, repo.path, "--base", base, "--format", "json").report
    commit = classify(capsys, repo.path, "--base", base, "--head", "HEAD", "--format", "json").report

    assert paths(staged) == ["staged.txt"]
    assert paths(worktree) == ["staged.txt", "unstaged.txt"]
    assert paths(commit) == []


# -- content that is unusual but valid ------------------------------------------------


def test_latin1_text_file_is_a_change_not_an_error(repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit("one", **{"notes.txt": "caf\xe9\n".encode("latin-1")})
    repo.write("notes.txt", "caf\xe9 cr\xe8me\n".encode("latin-1"))

    run = classify(capsys, repo.path, "--base", base, "--format", "json")

    assert run.code == 0, run.err
    assert paths(run.report) == ["notes.txt"]


def test_python_file_that_is_not_utf8_is_refused(repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit("one", **{"app.py": "x = 1\n"})
    repo.write("app.py", "# caf\xe9\nx = 2\n".encode("latin-1"))

    line = classify(capsys, repo.path, "--base", base).error_line

    assert line == (
        "classify: error: app.py (head): Python file cannot be decoded: invalid or missing encoding declaration; "
        "fix: save it as UTF-8 or declare its encoding in a coding comment"
    )


def test_moved_and_edited_file_in_the_working_tree_is_read_from_disk(repo, capsys: pytest.CaptureFixture[str]) -> None:
    code = "".join(f"def f{n}():\n    return {n}\n\n" for n in range(20))
    base = repo.commit("one", **{"old.py": code})
    repo.git("mv", "old.py", "new.py")
    repo.write("new.py", code + "# a comment\n")

    [finding] = classify(capsys, repo.path, "--base", base, "--format", "json").report["findings"]

    assert (finding["path"], finding["subject"]) == ("new.py", "documentation")
    assert finding["message"] == "documentation renamed (renamed from old.py; comments or docstrings only)"


def test_binary_symlink_and_odd_paths(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit("one", **{"logo.png": b"\x89PNG\0\0old"})
    repo.write("logo.png", b"\x89PNG\0\0new")
    os.symlink(str(tmp_path), repo.path / "outside")
    repo.write("with space/ünï\ncödé.txt", "x\n")

    run = classify(capsys, repo.path, "--base", base, "--format", "json")

    assert run.code == 0, run.err
    kinds = {finding["path"]: finding["subject"] for finding in run.report["findings"]}
    assert kinds == {"logo.png": "binary", "outside": "added", "with space/ünï\ncödé.txt": "added"}


def test_path_that_is_not_utf8(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "a\n"})
    (repo.path / os.fsdecode(b"caf\xe9.txt")).write_text("x\n", encoding="utf-8")

    run = classify(capsys, repo.path, "--base", "HEAD", "--format", "json")

    assert run.code == 0, run.err
    assert paths(run.report) == ["caf\\xe9.txt"]


def test_run_from_a_subfolder_sees_the_whole_repository(repo, capsys: pytest.CaptureFixture[str]) -> None:
    base = repo.commit("one", **{"sub/a.txt": "a\n", "top.txt": "t\n"})
    repo.write("top.txt", "changed\n")

    report = classify(capsys, repo.path / "sub", "--base", base, "--format", "json").report

    assert paths(report) == ["top.txt"]


def test_staged_reads_the_index_git_names(
    repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Inside `git commit -a` or `git commit <path>`, hooks see a temporary index
    # through GIT_INDEX_FILE: that is what is being committed.
    base = repo.commit("one", **{"a.txt": "1\n", "b.txt": "1\n"})
    repo.write("a.txt", "2\n")
    repo.git("add", "a.txt")
    other_index = tmp_path / "next-index"
    repo.write("b.txt", "2\n")
    git(repo.path, "read-tree", base, index=other_index)
    git(repo.path, "add", "b.txt", index=other_index)
    monkeypatch.setenv("GIT_INDEX_FILE", str(other_index))

    report = classify(capsys, repo.path, "--base", base, "--staged", "--format", "json").report

    assert paths(report) == ["b.txt"]


# -- refusals: exit 2, one line, the fix ------------------------------------------------


def test_git_not_installed(repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(repo.path / "no-bin"))

    assert classify(capsys, repo.path).error_line == "classify: error: git is not installed or not on PATH; fix: install git"


def test_not_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    line = classify(capsys, tmp_path).error_line

    assert line == (
        f"classify: error: {tmp_path}: not a git repository; fix: run inside a repository, "
        "pass --repo DIR, or compare folders with --base-dir/--head-dir"
    )


def test_unknown_ref(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})

    assert classify(capsys, repo.path, "--base", "nope").error_line == (
        "classify: error: unknown revision 'nope' for the base; fix: check the name, "
        "or fetch it: `git fetch origin nope`"
    )
    assert classify(capsys, repo.path, "--base", "origin/release").error_line == (
        "classify: error: unknown revision 'origin/release' for the base; "
        "fix: fetch it: `git fetch origin release:refs/remotes/origin/release`"
    )
    assert classify(capsys, repo.path, "--base", "HEAD~5").error_line == (
        "classify: error: unknown revision 'HEAD~5' for the base; "
        "fix: check the name: the history may be shorter than it asks for"
    )
    assert classify(capsys, repo.path, "--base", "HEAD", "--head", "nope").error_line == (
        "classify: error: unknown revision 'nope' for --head; fix: check the name, or fetch it: `git fetch origin nope`"
    )


def test_local_branch_missing_but_remote_tracking_present(
    repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "-c", "feature")
    work = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--branch", "feature", str(repo.path), str(work))

    assert classify(capsys, work, "--base", "main").error_line == (
        "classify: error: unknown revision 'main' for the base; "
        "fix: only the remote-tracking branch exists: pass --base origin/main"
    )


def test_repository_without_commits(repo, capsys: pytest.CaptureFixture[str]) -> None:
    line = classify(capsys, repo.path).error_line

    assert line == "classify: error: the repository has no commits yet; fix: commit once, then compare"


def test_orphan_branch_without_commits(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "--orphan", "fresh")

    line = classify(capsys, repo.path, "--base", "main").error_line

    assert line == "classify: error: the current branch has no commits yet; fix: commit once, or pass --head REF"


def test_staged_with_head_is_a_usage_error(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})

    line = classify(capsys, repo.path, "--staged", "--head", "HEAD").error_line

    assert "--staged and --head cannot be combined" in line


def diverged(repo) -> None:
    """main and feature each one commit past their branch point; the repository is left on main."""
    repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "-c", "feature")
    repo.commit("feature", **{"b.txt": "b\n"})
    repo.git("switch", "-q", "main")
    repo.commit("main moves on", **{"c.txt": "c\n"})


def test_shallow_clone_without_merge_base(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diverged(repo)
    work = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{repo.path}", str(work))
    git(work, "switch", "-q", "feature")

    line = classify(capsys, work, "--base", "origin/main").error_line

    assert line == (
        "classify: error: no merge base between origin/main and HEAD: this is a shallow clone; "
        "fix: fetch the full history: `git fetch --unshallow origin` "
        "(GitHub Actions: actions/checkout with `fetch-depth: 0`)"
    )
    git(work, "fetch", "-q", "--unshallow", "origin")
    assert classify(capsys, work, "--base", "origin/main").code == 0


def test_shallow_single_branch_clone_lacks_the_base(repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    diverged(repo)
    work = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo.path}", str(work))

    line = classify(capsys, work, "--base", "origin/main").error_line

    assert line == (
        "classify: error: unknown revision 'origin/main' for the base in a shallow clone; "
        "fix: fetch it: `git fetch --unshallow origin main:refs/remotes/origin/main` "
        "(GitHub Actions: actions/checkout with `fetch-depth: 0`)"
    )
    assert classify(capsys, work, "--base", "HEAD~1").error_line == (
        "classify: error: unknown revision 'HEAD~1' for the base in a shallow clone; "
        "fix: fetch the full history: `git fetch --unshallow origin` "
        "(GitHub Actions: actions/checkout with `fetch-depth: 0`)"
    )
    git(work, "fetch", "-q", "--unshallow", "origin", "main:refs/remotes/origin/main")
    assert classify(capsys, work, "--base", "origin/main").code == 0


def test_unrelated_histories(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "--orphan", "other")
    repo.commit("unrelated", **{"b.txt": "b\n"})

    line = classify(capsys, repo.path, "--base", "main").error_line

    assert line == (
        "classify: error: main and HEAD share no history (no merge base); "
        "fix: pass a --base that is an ancestor of HEAD"
    )


def test_unresolved_conflict_in_the_index(repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.commit("one", **{"a.txt": "1\n"})
    repo.git("switch", "-q", "-c", "other")
    repo.commit("other side", **{"a.txt": "2\n"})
    repo.git("switch", "-q", "main")
    repo.commit("this side", **{"a.txt": "3\n"})
    subprocess.run(["git", "-C", str(repo.path), "merge", "-q", "other"], check=False, capture_output=True)

    line = classify(capsys, repo.path, "--base", "HEAD~1", "--staged").error_line

    assert line == (
        "classify: error: a.txt: unresolved merge conflict in the index; "
        "fix: resolve the conflict and `git add` the file, then run again"
    )


# -- this project's own repository ------------------------------------------------------


def test_own_repository_last_commit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not (PROJECT / ".git").exists():
        pytest.skip("not running from a git checkout")
    work = tmp_path / "self"
    git(tmp_path, "clone", "-q", str(PROJECT), str(work))
    changed = git(work, "diff", "--name-only", "HEAD~1", "HEAD").splitlines()

    run = classify(capsys, work, "--base", "HEAD~1", "--format", "json")

    # Exit 0 unless the latest commit really holds a blocking change; never an error.
    assert run.err == ""
    assert run.code == (0 if run.report["status"] == "passed" else 1)
    assert run.report["base"]["sha"] == git(work, "rev-parse", "HEAD~1")
    assert run.report["counts"]["files"] == len(changed)
