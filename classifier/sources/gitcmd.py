"""Running git: one-shot commands, and the long-lived ``cat-file --batch`` reader.

Every process gets the same environment: no prompts, no pager, no locale
surprises, and no optional locks, so that reading never writes. And every
process runs with the programs a repository may configure switched off on its
command line (``-c`` wins over every configuration file): the fsmonitor hook,
clean/smudge/process filters, textconv and external diff drivers, hooks and the
pager. ``git diff`` and ``git ls-files`` against the working tree would
otherwise start them; reading a repository must never run what it names.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import IO

from classifier.errors import GitError
from classifier.sources.limits import Oversized

# Given to every git process; each names a program git could start, or a write.
NEUTRAL_SETTINGS = (
    "core.fsmonitor=false",  # a hook (or daemon) that diff, status and ls-files consult
    f"core.hooksPath={os.devnull}",  # no hook of any kind
    "core.pager=cat",
    "diff.external=",
    "diff.autoRefreshIndex=false",  # left on, `git diff` rewrites .git/index for touched files
)
# Per driver: the keys that name a program, and what switches each off. A
# `required` filter that does not run is an error, so it is made optional.
DRIVER_SETTINGS = {
    "filter": (("clean", ""), ("smudge", ""), ("process", ""), ("required", "false")),
    "diff": (("textconv", ""), ("command", "")),
}


class Git:
    """A thin runner for git commands in one repository."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self._options: list[str] | None = None

    @property
    def options(self) -> list[str]:
        """The ``--no-pager -c ...`` options every command in this repository runs with."""
        if self._options is None:
            self._options = neutral_options(self.top)
        return self._options

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        try:
            proc = subprocess.run(
                ["git", "-C", str(self.top), *self.options, *args],
                check=False,
                capture_output=True,
                stdin=subprocess.DEVNULL,
                env=git_env(),
            )
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH", hint="install git") from None
        if check and proc.returncode != 0:
            command = next(arg for arg in args if not arg.startswith("-") and "=" not in arg)
            raise GitError(f"git {command} failed: {_first_line(proc.stderr)}")
        return proc

    def text(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8", "surrogateescape").strip()

    def commit_or_none(self, ref: str) -> str | None:
        proc = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", check=False)
        return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def find_toplevel(start: Path) -> Path:
    """The root of the work tree containing ``start``.

    Raises:
        GitError: ``start`` is not inside a git work tree.
    """
    if not start.is_dir():
        raise GitError(f"{start}: no such directory", hint="pass --repo with an existing folder")
    proc = Git(start).run("rev-parse", "--show-toplevel", check=False)
    if proc.returncode != 0:
        raise GitError(
            f"{start}: not a git repository",
            hint="run inside a repository, pass --repo DIR, or compare folders with --base-dir/--head-dir",
        )
    return Path(proc.stdout.decode("utf-8", "surrogateescape").strip())


def neutral_options(top: Path) -> list[str]:
    """Options that switch off every program git could run in the repository at ``top``.

    Filter and diff drivers have names of the repository's choosing, so the
    configured ones are listed first (reading configuration runs nothing).

    Raises:
        GitError: a driver's name holds ``=``, which ``-c`` cannot express.
    """
    options = ["--no-pager", *_as_options(NEUTRAL_SETTINGS)]
    proc = subprocess.run(
        ["git", "-C", str(top), *options, "config", "-z", "--get-regexp", r"^(filter|diff)\..*\."],
        check=False, capture_output=True, stdin=subprocess.DEVNULL, env=git_env(),
    )
    drivers = sorted({driver for entry in proc.stdout.split(b"\0") if (driver := _driver(entry))})
    return options + _as_options([setting for driver in drivers for setting in _switched_off(*driver)])


def _driver(entry: bytes) -> tuple[str, str] | None:
    """``(section, driver name)`` of a ``section.name.key`` configuration entry, or ``None``."""
    key = entry.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
    section, _, rest = key.partition(".")
    name = rest.rpartition(".")[0]
    return (section.lower(), name) if section.lower() in DRIVER_SETTINGS and name else None


def _switched_off(section: str, name: str) -> list[str]:
    if "=" in name:
        raise GitError(
            f"git configuration names a {section} driver '{name}' that cannot be switched off safely",
            hint=f"rename the [{section} \"{name}\"] section of the repository's git configuration (no '=')",
        )
    return [f"{section}.{name}.{key}={value}" for key, value in DRIVER_SETTINGS[section]]


def _as_options(settings: Iterable[str]) -> list[str]:
    return [option for setting in settings for option in ("-c", setting)]


class CatFileBatch:
    """One ``git cat-file --batch`` process answering object reads in turn."""

    def __init__(self, top: Path, options: Sequence[str] | None = None) -> None:
        # cat-file --batch applies no filter and no textconv; the options are for uniformity.
        options = ["--no-pager", *_as_options(NEUTRAL_SETTINGS)] if options is None else list(options)
        self.proc = subprocess.Popen(
            ["git", "-C", str(top), *options, "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=git_env(),
        )

    def read(self, name: str, kind: bytes = b"blob", limit: int | None = None) -> bytes | None | Oversized:
        """The content of ``name`` if it names an object of type ``kind``, else ``None``.

        An object over ``limit`` bytes is skipped unread: ``Oversized`` gives its size.
        """
        stdin, stdout = self._pipes()
        stdin.write(name.encode("utf-8", "surrogateescape") + b"\n")
        stdin.flush()
        return self._answer(stdout, kind, limit)

    def read_many(
        self, names: Sequence[str], limit: int | None = None
    ) -> Generator[bytes | None | Oversized, None, None]:
        """Every name's blob, in order, each yielded as git sends it: all names are sent first.

        One round trip per object costs two context switches and a flush each;
        pipelined, git streams the answers while the names are still arriving.
        The names are written from a thread because git stops reading once its
        output pipe is full: writing everything first would deadlock. Yielded
        one by one, the answers are held in memory one at a time; a caller that
        stops early must ``abort`` the process, whose output is then unread.
        """
        stdin, stdout = self._pipes()
        request = b"".join(name.encode("utf-8", "surrogateescape") + b"\n" for name in names)
        writer = threading.Thread(target=_write_all, args=(stdin, request), daemon=True)
        writer.start()
        try:
            for _ in names:
                yield self._answer(stdout, b"blob", limit)
        finally:
            writer.join()

    @staticmethod
    def _answer(stdout: IO[bytes], wanted: bytes, limit: int | None) -> bytes | None | Oversized:
        header = stdout.readline().split()
        # A hit is "<oid> <type> <size>"; a miss is "<name> missing" (or
        # "ambiguous"), and the name may itself hold spaces.
        if len(header) != 3 or not header[2].isdigit():
            return None
        _, kind, size_text = header
        size = int(size_text)
        if limit is not None and size > limit:
            _skip(stdout, size + 1)  # the content and its newline, never held in memory
            return Oversized(size) if kind == wanted else None
        data = stdout.read(size)
        stdout.read(1)  # the newline that ends every object
        return data if kind == wanted else None

    def _pipes(self) -> tuple[IO[bytes], IO[bytes]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        return self.proc.stdin, self.proc.stdout

    def close(self) -> None:
        stdin, stdout = self._pipes()
        stdin.close()
        self.proc.wait()
        stdout.close()

    def abort(self) -> None:
        """End the process whatever it was doing (a stream left half read): its pipes are closed unread."""
        self.proc.kill()
        self.proc.wait()
        for pipe in self._pipes():
            try:
                pipe.close()
            except (BrokenPipeError, ValueError):
                pass  # the writer thread's request can no longer be flushed


def _skip(stdout: IO[bytes], count: int) -> None:
    while count > 0:
        chunk = stdout.read(min(count, 1 << 20))
        if not chunk:
            return
        count -= len(chunk)


def _write_all(stdin: IO[bytes], request: bytes) -> None:
    try:
        stdin.write(request)
        stdin.flush()
    except (BrokenPipeError, ValueError):
        pass  # git exited: the reader sees end of output and answers "absent"


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def git_env() -> dict[str, str]:
    env = dict(os.environ)
    # Never prompt for credentials or pick up a pager; keep output byte-stable.
    # GIT_INDEX_FILE is kept on purpose: inside `git commit` it names the index
    # being committed, which is what --staged must read.
    # GIT_OPTIONAL_LOCKS=0: no command may take the index lock to refresh it.
    # GIT_LITERAL_PATHSPECS=1: a folder named "v*" or ":x" is a name, not a pattern.
    env.update({
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "LC_ALL": "C",
        "GIT_OPTIONAL_LOCKS": "0",
        "GIT_LITERAL_PATHSPECS": "1",
    })
    return env
