"""The files of one commit, for readers that ask for a side: both sides are that commit.

A rollback check reads the release it rolls back to, and ``classify`` reads the
committed ``base`` key at HEAD before any comparison is set up; neither wants
the merge-base resolution a ``GitSource`` applies. Content comes from git's
objects alone, within the same byte budget, through one ``cat-file`` pipe.
"""

from __future__ import annotations

from pathlib import Path

from classifier.errors import GitError
from classifier.model import Revision, Side
from classifier.sources import FilePair, tree_path, within_limit
from classifier.sources.gitcmd import CatFileBatch, Git, find_toplevel
from classifier.sources.gitraw import tree_entry_mode
from classifier.sources.limits import limits_in_force


class CommitFiles:
    """The files of one commit, answering the ``Source`` reads for either side.

    Args:
        repo: A folder inside the repository.
        ref: Any commit-ish; resolved once.

    Raises:
        GitError: ``repo`` is not a repository or ``ref`` names no commit.
    """

    def __init__(self, repo: Path, ref: str) -> None:
        self.git = Git(find_toplevel(repo))
        sha = self.git.commit_or_none(ref)
        if sha is None:
            raise GitError(
                f"unknown revision '{ref}'", hint="fetch it (`git fetch --tags origin`) or pass a commit sha"
            )
        self.ref, self.sha = ref, sha
        # Both sides are the one commit: the surface's readers ask for a side.
        self.base = self.head = Revision(ref, sha, f"commit {ref}")
        self._batch: CatFileBatch | None = None

    def read(self, side: Side, path: str) -> bytes | None:
        """The blob at ``path`` (a symlink: its link text), within ``max_file_mb``; ``None`` if absent."""
        name = tree_path(path)
        if name is None:
            return None
        found = self._objects().read(f"{self.sha}:{name}", b"blob", limits_in_force().max_file_bytes)
        return within_limit(found, path, side)

    def file_mode(self, side: Side, path: str) -> str | None:
        """Git's mode for ``path`` in this commit's tree, or ``None`` if it holds none."""
        name = tree_path(path)
        if name is None:
            return None
        folder, _, leaf = name.rpartition("/")
        tree = self._objects().read(f"{self.sha}:{folder}" if folder else f"{self.sha}^{{tree}}", b"tree")
        return tree_entry_mode(tree, leaf, len(self.sha) // 2) if isinstance(tree, bytes) else None

    def _objects(self) -> CatFileBatch:
        if self._batch is None:
            self._batch = CatFileBatch(self.git.top, self.git.options)
        return self._batch

    def changed_files(self) -> list[FilePair]:
        return []

    def read_blob(self, side: Side, pair: FilePair) -> bytes | None:
        path = pair.path_at(side)
        return None if path is None else self.read(side, path)

    def list_files(self, side: Side, under: str) -> list[str]:
        out = self.git.run("ls-tree", "-r", "-z", "--name-only", self.sha, "--", *([under] if under else [])).stdout
        return [path for path in out.decode("utf-8", "surrogateescape").split("\0") if path]

    def close(self) -> None:
        if self._batch is not None:
            self._batch.close()
            self._batch = None
