"""Read two revisions of a git repository without touching it.

Changed files come from one ``git diff --raw -z -M`` (the raw form carries the
blob ids that let unchanged content be skipped and parses be cached; parsed in
``gitraw.py``); content comes from one long-lived ``git cat-file --batch``
process (``gitcmd.py``). Against the working tree the head is what ``git add
-A`` would record (``worktree.py``). Nothing is checked out, no worktree is
created, nothing is written into the repository, not even the index's stat
cache.

The git command line is driven directly rather than through GitPython: on this
path GitPython's import alone costs more than the whole diff of a 5,000-file
repository, and the hook must feel instant when nothing relevant changed.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from classifier.errors import GitError
from classifier.model import Revision, Side
from classifier.sources import (
    FilePair,
    ReadMemo,
    blob_id,
    path_below,
    read_file_or_link,
    read_one_by_one,
    tree_path,
    within_limit,
)
from classifier.sources.gitcmd import CatFileBatch, Git, find_toplevel
from classifier.sources.gitraw import (
    UNMERGED,
    decode_path,
    is_null_id,
    parse_raw_diff,
    tree_entry_mode,
)
from classifier.sources.limits import FileTooLarge, Oversized, limits_in_force
from classifier.sources.worktree import fold_untracked, worktree_mode

DEFAULT_BRANCH_CANDIDATES = ("origin/HEAD", "origin/main", "main", "origin/master", "master")
FETCH_HINT = (
    "fetch the full history: `git fetch --unshallow origin` "
    "(GitHub Actions: actions/checkout with `fetch-depth: 0`)"
)
__all__ = ["Git", "GitRequest", "GitSource", "find_toplevel", "parse_raw_diff"]


class HeadMode:
    """What the head side of the comparison is."""

    WORKTREE = "worktree"
    STAGED = "staged"
    COMMIT = "commit"


@dataclass(frozen=True, slots=True)
class GitRequest:
    """What the user asked to compare, before any ref is resolved."""

    repo: Path
    base: str | None = None
    head: str | None = None
    staged: bool = False


class GitSource:
    """Base and head of one repository, as asked for by a ``GitRequest``."""

    def __init__(self, request: GitRequest) -> None:
        self.git = Git(find_toplevel(request.repo))
        self.top = self.git.top
        request, base_how, head_how = _with_pre_commit_refs(request)
        self.mode = _head_mode(request)
        head_commit = self._head_commit(request)
        self.head = self._head_revision(request, head_commit, head_how)
        self.base = self._resolve_base(request.base, base_how, head_commit)
        self._batch: CatFileBatch | None = None
        self._folders: dict[str, bool] = {}  # working-tree folders known to be real, not symlinks
        self._head_paths: frozenset[str] | None = None  # the working tree's files, listed once when first needed
        self.memo = ReadMemo()  # sides one surface read and the next takes (see read_blobs)

    # -- resolving the two sides -------------------------------------------

    def _head_commit(self, request: GitRequest) -> str:
        ref = request.head if self.mode == HeadMode.COMMIT else "HEAD"
        assert ref is not None
        sha = self.git.commit_or_none(ref)
        if sha is None:
            if ref == "HEAD":
                raise self._unborn_head()
            raise self._unknown(ref, "--head")
        return sha

    def _unborn_head(self) -> GitError:
        if self.git.text("for-each-ref", "--count=1", "refs/heads", "refs/remotes"):
            # An orphan branch: the repository has history, this branch not yet.
            return GitError("the current branch has no commits yet", hint="commit once, or pass --head REF")
        return GitError("the repository has no commits yet", hint="commit once, then compare")

    def _head_revision(self, request: GitRequest, sha: str, how: str) -> Revision:
        if self.mode == HeadMode.WORKTREE:
            return Revision("working tree", sha, "working tree on top of HEAD")
        if self.mode == HeadMode.STAGED:
            return Revision("index", sha, "staged changes (--staged)")
        return Revision(str(request.head), sha, how)

    def _resolve_base(self, asked: str | None, how: str, head_commit: str) -> Revision:
        ref, how = (asked, how) if asked else self._default_base()
        tip = self.git.commit_or_none(ref)
        if tip is None:
            raise self._unknown(ref, "--base")
        if not asked and tip == head_commit:
            self._refuse_default_that_is_the_head(ref)
        merge_base = self._merge_base(ref, tip, head_commit)
        if merge_base == tip:
            return Revision(ref, merge_base, how)
        return Revision(ref, merge_base, f"{how}; merge-base of {ref} ({tip[:12]}) and the head")

    def _unknown(self, ref: str, flag: str) -> GitError:
        """The error for a ref that names no commit, with the fetch that would bring it."""
        role = "the base" if flag == "--base" else flag
        if self._is_shallow():
            # CI checkouts are shallow by default: the ref was simply never fetched.
            return GitError(f"unknown revision '{ref}' for {role} in a shallow clone", hint=_fetch_hint(ref, True))
        if not ref.startswith("origin/") and self.git.commit_or_none(f"origin/{ref}"):
            hint = f"only the remote-tracking branch exists: pass {flag} origin/{ref}"
            return GitError(f"unknown revision '{ref}' for {role}", hint=hint)
        return GitError(f"unknown revision '{ref}' for {role}", hint=_fetch_hint(ref, False))

    def _is_shallow(self) -> bool:
        return self.git.text("rev-parse", "--is-shallow-repository") == "true"

    def _default_base(self) -> tuple[str, str]:
        for candidate in DEFAULT_BRANCH_CANDIDATES:
            if self.git.commit_or_none(candidate):
                if candidate == "origin/HEAD":
                    return self._origin_head_branch(), "default branch, from origin/HEAD"
                return candidate, f"default branch {candidate}"
        raise GitError(
            "no default branch found (tried " + ", ".join(DEFAULT_BRANCH_CANDIDATES) + ")",
            hint="pass --base REF",
        )

    def _refuse_default_that_is_the_head(self, ref: str) -> None:
        """A default branch that is the compared commit itself would make every run "nothing changed".

        That is what a single-branch clone of a feature branch gives (origin/HEAD names the branch itself),
        and what asking for the default branch's own tip as the head gives. On the default branch with
        uncommitted or staged changes, the working tree is the head and the comparison is real.
        """
        refspecs = self.git.run("config", "--get-all", "remote.origin.fetch", check=False).stdout
        single_branch = b"*" not in refspecs
        if self.mode == HeadMode.COMMIT or (ref.startswith("origin/") and single_branch):
            raise GitError(
                f"the default base {ref} is the head being compared, so nothing could ever differ"
                + (" (a single-branch clone)" if single_branch and self.mode != HeadMode.COMMIT else ""),
                hint="pass --base with the branch to compare with, or fetch the default branch: "
                "`git fetch origin main:refs/remotes/origin/main && git remote set-head origin main`",
            )

    def _origin_head_branch(self) -> str:
        # Name the branch origin/HEAD points to: "origin/main" tells the reader
        # what was compared, "origin/HEAD" does not.
        proc = self.git.run("symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD", check=False)
        return proc.stdout.decode("utf-8", "surrogateescape").strip() or "origin/HEAD"

    def _merge_base(self, ref: str, tip: str, head_commit: str) -> str:
        proc = self.git.run("merge-base", tip, head_commit, check=False)
        if proc.returncode == 0:
            return proc.stdout.decode().strip()
        if self._is_shallow():
            raise GitError(
                f"no merge base between {ref} and HEAD: this is a shallow clone",
                hint=FETCH_HINT,
            )
        raise GitError(
            f"{ref} and HEAD share no history (no merge base)",
            hint="pass a --base that is an ancestor of HEAD",
        )

    # -- the Source protocol -------------------------------------------------

    def changed_files(self) -> list[FilePair]:
        assert self.base.sha is not None
        # diff.autoRefreshIndex is off for every command (gitcmd.NEUTRAL_SETTINGS):
        # left on, `git diff` rewrites .git/index whenever a file was touched.
        args = ["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-color",
                "--no-ext-diff", "--no-textconv", "--no-relative"]
        if self.mode == HeadMode.STAGED:
            args.append("--cached")
        args.append(self.base.sha)
        if self.mode == HeadMode.COMMIT:
            assert self.head.sha is not None
            args.append(self.head.sha)
        pairs = parse_raw_diff(self.git.run(*args).stdout)
        _refuse_unmerged(pairs)
        if self.mode == HeadMode.WORKTREE:
            tracked = [pair for pair in pairs if not self._only_touched(pair)]
            pairs = fold_untracked(tracked, self._untracked(), self._worktree_bytes, self._blob_size, self.top)
        return pairs

    def _only_touched(self, pair: FilePair) -> bool:
        """Whether git listed a working-tree file only because its stat data is stale.

        Without the index refresh, git cannot tell a touched file from an edited
        one and reports both without a blob id; the bytes on disk decide.
        """
        if pair.status != "modified" or pair.head_blob is not None or pair.base_blob is None:
            return False
        if pair.base_mode != pair.head_mode:
            return False
        data = self._worktree_bytes(pair.path)
        return data is not None and blob_id(data, len(pair.base_blob)) == pair.base_blob

    def _untracked(self) -> list[str]:
        out = self.git.run("ls-files", "--others", "--exclude-standard", "-z").stdout
        return [decode_path(raw) for raw in out.split(b"\0") if raw]

    def _blob_size(self, blob: str) -> int:
        found = self.read_object(blob)
        return found.size if isinstance(found, Oversized) else len(found or b"")

    def read(self, side: Side, path: str) -> bytes | None:
        return within_limit(self._content(side, path), path, side)

    def _content(self, side: Side, path: str) -> bytes | None | Oversized:
        name = tree_path(path)
        if name is None:
            return None  # outside the tree: no revision holds it
        if self._on_disk(side):
            if not os.path.lexists(self.top / name):
                return None  # absent: no need to list the working tree to know git would not record it
            # An ignored file is on disk but not in the head: `git add -A`
            # would not record it, and a CI checkout would not have it.
            return self._read_worktree(name) if name in self._worktree_paths() else None
        # Committed content comes from git's objects alone: a sparse checkout,
        # a --no-checkout clone or a folder moved since must not change it.
        return self.read_object(self._object_name(side, name))

    def file_mode(self, side: Side, path: str) -> str | None:
        """The mode git records for ``path`` at ``side`` (``120000`` a symlink), or ``None`` if absent.

        Committed sides answer from the tree (the index in --staged mode), never
        from the disk; the working tree answers from the disk, as `git add` would.
        """
        name = tree_path(path)
        if name is None:
            return None
        if self._on_disk(side):
            full = path_below(self.top, name, self._folders)
            if full is None or not os.path.lexists(full):
                return None  # absent: as for a read, no listing of the working tree is needed
            return worktree_mode(full) if name in self._worktree_paths() else None
        if side is Side.HEAD and self.mode == HeadMode.STAGED:
            return self._index_mode(name)
        folder, _, leaf = name.rpartition("/")
        sha = self.base.sha if side is Side.BASE else self.head.sha
        tree = self.read_object(f"{sha}:{folder}" if folder else f"{sha}^{{tree}}", kind=b"tree")
        return tree_entry_mode(tree, leaf, len(str(sha)) // 2) if isinstance(tree, bytes) else None

    def _index_mode(self, name: str) -> str | None:
        out = self.git.run("ls-files", "-s", "-z", "--", name).stdout
        # "<mode> <id> <stage>\t<path>\0" for each entry; only stage 0 is a single version.
        for record in out.split(b"\0"):
            meta, _, listed = record.partition(b"\t")
            fields = meta.split(b" ")
            if decode_path(listed) == name and len(fields) == 3 and fields[2] == b"0":
                return fields[0].decode("ascii")
        return None

    def _on_disk(self, side: Side) -> bool:
        return side is Side.HEAD and self.mode == HeadMode.WORKTREE

    def _object_name(self, side: Side, name: str) -> str:
        if side is Side.BASE:
            return f"{self.base.sha}:{name}"
        if self.mode == HeadMode.STAGED:
            return f":0:{name}"
        return f"{self.head.sha}:{name}"

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        """The content of one side of a changed file, by blob id when the diff gave one."""
        blob = pair.base_blob if side is Side.BASE else pair.head_blob
        path = pair.path_at(side)
        if path is None:
            return None
        # A working-tree file is read from disk even when git gave it an id:
        # for rename detection git hashes content it never stores.
        if self._on_disk(side):
            return within_limit(self._read_worktree(path), path, side)
        return within_limit(self.read_object(blob), path, side) if blob else self.read(side, path)

    def read_many_blobs(self, wanted: Sequence[tuple[Side, FilePair]]) -> Iterator[bytes | None | FileTooLarge]:
        """``read_blob`` for many sides, yielded in order; blobs named by id come in one pipelined stream.

        A side over the size limit yields its ``FileTooLarge`` error instead of
        content. The stream has a ``cat-file`` process of its own, so that a
        caller may read other files between two answers, or stop early.
        """
        batched = {index: blob for index, (side, pair) in enumerate(wanted)
                   if (blob := pair.base_blob if side is Side.BASE else pair.head_blob)
                   and not self._on_disk(side) and pair.path_at(side) is not None}
        if not batched:
            yield from read_one_by_one(self, wanted)  # nothing named by id: no process to start
            return
        stream = CatFileBatch(self.top, self.git.options)
        answers = stream.read_many(list(batched.values()), limits_in_force().max_file_bytes)
        try:
            for index, (side, pair) in enumerate(wanted):
                if index in batched:
                    data = next(answers)
                    yield _too_large(data, pair.path_at(side), side) if isinstance(data, Oversized) else data
                    continue
                try:
                    yield self.read_blob(side, pair)
                except FileTooLarge as exc:
                    yield exc
        finally:
            stream.abort()  # first: a half-read stream's writer thread then ends too
            answers.close()

    def _worktree_paths(self) -> frozenset[str]:
        if self._head_paths is None:
            self._head_paths = frozenset(self.list_files(Side.HEAD, ""))
        return self._head_paths

    def commit_date(self, sha: str) -> datetime.date | None:
        """The committer date of ``sha`` (its own time zone), read through the open ``cat-file`` pipe."""
        commit = self.read_object(sha, kind=b"commit")
        if not isinstance(commit, bytes):
            return None
        for line in commit.split(b"\n\n", 1)[0].split(b"\n"):
            if line.startswith(b"committer "):
                seconds, offset = line.rsplit(b" ", 2)[-2:]
                sign = -1 if offset.startswith(b"-") else 1
                shift = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])) * sign
                return (datetime.datetime.fromtimestamp(int(seconds), datetime.timezone.utc) + shift).date()
        return None

    def read_object(self, name: str, kind: bytes = b"blob") -> bytes | None | Oversized:
        """The content of the object ``name`` (an id or ``rev:path``) if it is a ``kind``, else ``None``.

        A blob over ``max_file_mb`` is not read: ``Oversized`` gives its size.
        Trees are read whole (they list names, and only ``file_mode`` reads them).
        """
        limit = limits_in_force().max_file_bytes if kind == b"blob" else None
        if "\n" in name:
            return self._read_odd_name(name, kind, limit)
        if self._batch is None:
            self._batch = CatFileBatch(self.top, self.git.options)
        return self._batch.read(name, kind, limit)

    def _read_odd_name(self, name: str, kind: bytes, limit: int | None) -> bytes | None | Oversized:
        # cat-file --batch takes one name per line; a path holding a newline is
        # read with one-off `cat-file -s` and `cat-file <kind>` instead.
        size = self.git.run("cat-file", "-s", name, check=False)
        if size.returncode != 0:
            return None
        if limit is not None and int(size.stdout) > limit:
            return Oversized(int(size.stdout))
        proc = self.git.run("cat-file", kind.decode("ascii"), name, check=False)
        return proc.stdout if proc.returncode == 0 else None

    def _read_worktree(self, path: str) -> bytes | None | Oversized:
        full = path_below(self.top, path, self._folders)
        return None if full is None else read_file_or_link(full, limits_in_force().max_file_bytes)

    def _worktree_bytes(self, path: str) -> bytes | None:
        """A working-tree file's bytes for hashing; one over the size limit is left for a read to refuse."""
        found = self._read_worktree(path)
        return None if isinstance(found, Oversized) else found

    def list_files(self, side: Side, under: str) -> list[str]:
        spec = ["--", under] if under else []
        if side is Side.HEAD and self.mode == HeadMode.WORKTREE:
            out = self.git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", *spec).stdout
            # A nested repository is listed as "dir/": not a file of this tree.
            return [p for p in _split_paths(out) if not p.endswith("/") and os.path.lexists(self.top / p)]
        if side is Side.HEAD and self.mode == HeadMode.STAGED:
            return _split_paths(self.git.run("ls-files", "-z", "--cached", *spec).stdout)
        sha = self.base.sha if side is Side.BASE else self.head.sha
        assert sha is not None
        return _split_paths(self.git.run("ls-tree", "-r", "-z", "--name-only", sha, *spec).stdout)

    def close(self) -> None:
        self.memo.clear()
        if self._batch is not None:
            self._batch.close()
            self._batch = None


def _with_pre_commit_refs(request: GitRequest) -> tuple[GitRequest, str, str]:
    """Fill base and head from pre-commit's pre-push variables when not given.

    Returns the request and how its base and head were chosen.
    """
    base, head = request.base, request.head
    base_how, head_how = "--base", "--head"
    from_ref, to_ref = os.environ.get("PRE_COMMIT_FROM_REF"), os.environ.get("PRE_COMMIT_TO_REF")
    if not base and from_ref and not is_null_id(from_ref):
        base, base_how = from_ref, "PRE_COMMIT_FROM_REF"
    if not head and not request.staged and to_ref:
        head, head_how = to_ref, "PRE_COMMIT_TO_REF"
    return GitRequest(request.repo, base, head, request.staged), base_how, head_how


def _refuse_unmerged(pairs: list[FilePair]) -> None:
    # The index holds no single version of a conflicted file: comparing it
    # would compare nothing.
    conflicted = [pair.path for pair in pairs if pair.status == UNMERGED]
    if conflicted:
        raise GitError(
            f"{conflicted[0]}: unresolved merge conflict in the index"
            + (f" (and {len(conflicted) - 1} more)" if len(conflicted) > 1 else ""),
            hint="resolve the conflict and `git add` the file, then run again",
        )


def _head_mode(request: GitRequest) -> str:
    if request.staged and request.head:
        raise GitError("--staged and --head cannot be combined", hint="pick one head")
    if request.staged:
        return HeadMode.STAGED
    if request.head:
        return HeadMode.COMMIT
    return HeadMode.WORKTREE


def _fetch_hint(ref: str, shallow: bool) -> str:
    """How to get ``ref``: the full refspec, because a single-branch clone's
    ``git fetch origin main`` does not create ``origin/main``."""
    if ref.startswith("origin/"):
        branch = ref[len("origin/"):]
        unshallow = " --unshallow" if shallow else ""
        fetch = f"fetch it: `git fetch{unshallow} origin {branch}:refs/remotes/origin/{branch}`"
        return f"{fetch} (GitHub Actions: actions/checkout with `fetch-depth: 0`)" if shallow else fetch
    if shallow:
        return FETCH_HINT
    if any(mark in ref for mark in "~^@{:"):
        return "check the name: the history may be shorter than it asks for"
    return f"check the name, or fetch it: `git fetch origin {ref}`"


def _too_large(found: Oversized, path: str | None, side: Side) -> FileTooLarge:
    return FileTooLarge(f"{path} ({side.value})", found.size, limits_in_force().max_file_bytes)


def _split_paths(out: bytes) -> list[str]:
    return sorted(decode_path(raw) for raw in out.split(b"\0") if raw)
