"""``classify check`` (the default command): compare two revisions, print the reports, choose the exit status."""

from __future__ import annotations

import argparse
import datetime
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.commands.common import (
    EPILOG,
    EXIT_FAILED,
    EXIT_PASSED,
    LABEL_CHOICES,
    Output,
    add_output_options,
    distinct_outputs,
    write_reports,
)
from classifier.errors import UsageError

if TYPE_CHECKING:  # imported lazily at run time to keep start-up cheap
    from classifier.model import Label
    from classifier.policy.config import Config
    from classifier.sources import Source


def configure(check: argparse.ArgumentParser) -> None:
    """Add the comparison options to the ``check`` parser."""
    check.epilog = EPILOG
    check.formatter_class = argparse.RawDescriptionHelpFormatter
    where = check.add_argument_group("what to compare")
    where.add_argument("--base", metavar="REF", help="base revision; compared from its merge-base with the head "
                       "(default: origin/HEAD, origin/main, main, origin/master or master)")
    where.add_argument("--head", metavar="REF", help="head commit (default: the working tree)")
    where.add_argument("--staged", action="store_true", help="compare the index (staged changes) instead of the working tree")
    where.add_argument("--hook", action="store_true", help="as a pre-commit hook: the commit being made (HEAD to the "
                       "index) under the default branch's policy, or in pre-push PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF")
    where.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="repository (default: the current folder)")
    where.add_argument("--base-dir", metavar="DIR", type=Path, help="compare two plain folders instead of git revisions")
    where.add_argument("--head-dir", metavar="DIR", type=Path, help="the head folder, with --base-dir")
    how = check.add_argument_group("policy and output")
    how.add_argument("--config", metavar="FILE", type=Path, help="configuration file (default: .classifier.toml, "
                     "else [tool.classifier] in pyproject.toml)")
    how.add_argument("--fail-on", choices=LABEL_CHOICES, help="lowest label that fails the run (default: breaking)")
    how.add_argument("--today", metavar="DATE", type=_date, help="judge x-sunset dates and waiver expiries as of DATE "
                     "(YYYY-MM-DD; default: the head commit's date in git mode, today otherwise)")
    add_output_options(how)
    how.add_argument("--min-label", choices=LABEL_CHOICES[:3], help="text: list only findings at or above this label "
                     "(the rest are counted; what blocks is always listed)")
    how.add_argument("--quiet", "-q", action="store_true", help="text: list only what blocks, and the result line")
    check.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Compare, write every requested report, and return 0 (passed) or 1 (failed)."""
    from classifier.check import run_check
    from classifier.report import RenderOptions

    outputs = distinct_outputs(args.formats or [Output("text", None)])
    source, config_root = _open_source(args)
    branch: Source | None = None
    try:
        branch = _branch_source(args)
        committed, proposed = _policy(source, config_root, args.config)
        if branch is not None and args.config is None:
            # The hook's pre-commit stage judges the commit being made under the default branch's policy;
            # only this commit's own edit of the policy is reported.
            config_applied = _policy(branch, config_root, None)[0]
        else:
            config_applied = committed
        _refuse_cache_inside(config_applied, config_root)
        # The command line decides this run; neither choice is a change to the committed policy.
        config = replace(config_applied, today=args.today or _head_date(source))
        if args.fail_on:
            config = replace(config, fail_on=None if args.fail_on == "none" else _label(args.fail_on))
        report = run_check(source, config, proposed, committed, branch)
    finally:
        source.close()
        if branch is not None:
            branch.close()
    options = RenderOptions(min_label=_label(args.min_label) if args.min_label else None, quiet=args.quiet)
    write_reports(report, outputs, args.color, options)
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _policy(source: Source, root: Path, explicit: Path | None) -> tuple[Config, Config | None]:
    """The policy that applies, and the one the head revision proposes (None when given on the command line).

    The base revision's committed policy judges the change, so the change cannot
    switch off its own check; a file named with ``--config`` is trusted as given.
    """
    from classifier.model import Side
    from classifier.policy.config import (
        CONFIG_NAMES,
        load_committed_config,
        load_config,
    )

    if explicit is not None:
        return load_config(root, explicit), None
    applied = load_committed_config(source, Side.BASE)
    # Unchanged policy files (the usual case): the head proposes what applies, parsed and validated once.
    unchanged = all(_same_file(source, name) for name in CONFIG_NAMES)
    return applied, applied if unchanged else load_committed_config(source, Side.HEAD)


def _same_file(source: Source, name: str) -> bool:
    from classifier.model import Side

    mode = source.file_mode(Side.BASE, name)
    if mode != source.file_mode(Side.HEAD, name):
        return False
    # Absent on both sides needs no read (a working-tree read would list the whole tree to answer).
    return mode is None or source.read(Side.BASE, name) == source.read(Side.HEAD, name)


def _refuse_cache_inside(config: Config, root: Path) -> None:
    """A parse cache inside the work tree could be filled by the change under review: refused, never read."""
    configured = config.table.get("openapi", {}).get("cache_dir")
    if configured is None:
        return  # the common case pays for no import
    from classifier.errors import ConfigError
    from classifier.surfaces.openapi.config import resolve_cache_dir

    cache = str(resolve_cache_dir(configured))
    resolved, top = Path(cache).resolve(), root.resolve()
    if resolved == top or top in resolved.parents:
        raise ConfigError(f"openapi.cache_dir: {cache} is inside the repository",
                          hint="use a relative name (kept under $XDG_CACHE_HOME/classify) or a folder outside the work tree")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _head_date(source: Source) -> datetime.date | None:
    """The head commit's date, so that a verdict does not change from one day to the next; None: today."""
    from classifier.sources.git import GitSource

    if not isinstance(source, GitSource) or source.head.sha is None:
        return None
    return source.commit_date(source.head.sha)


def _open_source(args: argparse.Namespace) -> tuple[Source, Path]:
    if args.base_dir or args.head_dir:
        if not (args.base_dir and args.head_dir):
            raise UsageError("--base-dir and --head-dir go together", hint="pass both folders")
        if args.base or args.head or args.staged or args.hook:
            raise UsageError("--base-dir/--head-dir cannot be combined with --base, --head or --staged",
                             hint="compare either folders or git revisions")
        from classifier.sources.directory import DirectorySource

        return DirectorySource(args.base_dir, args.head_dir), args.head_dir
    from classifier.sources.git import GitRequest, GitSource

    if _commit_being_made(args):
        # The hook judges the commit being made (HEAD to the index), not the whole branch again:
        # one commit made with --no-verify does not block every later one, and earlier noise is not repeated.
        source = GitSource(GitRequest(args.repo, "HEAD", None, staged=True))
        return source, source.top
    # pre-commit sets PRE_COMMIT_TO_REF only for pre-push: then the pushed commits are the head.
    staged = args.staged or (args.hook and not os.environ.get("PRE_COMMIT_TO_REF"))
    source = GitSource(GitRequest(args.repo, args.base or _configured_base(args.repo), args.head, staged))
    return source, source.top


def _commit_being_made(args: argparse.Namespace) -> bool:
    # pre-commit sets PRE_COMMIT_TO_REF only for pre-push: then the pushed commits are the head.
    return bool(args.hook and not os.environ.get("PRE_COMMIT_TO_REF") and not args.base and not args.head)


def _branch_source(args: argparse.Namespace) -> Source | None:
    """In the hook's pre-commit stage, the branch seen from the default branch (its merge-base) to the index.

    Its base is where the policy and the applied migrations come from: a revision added earlier on this
    branch has been applied nowhere yet, and the policy is the protected branch's.
    """
    if not _commit_being_made(args):
        return None
    from classifier.sources.git import GitRequest, GitSource

    return GitSource(GitRequest(args.repo, _configured_base(args.repo), None, staged=True))


def _configured_base(repo: Path) -> str | None:
    """The policy's ``base`` (a team whose default branch is ``develop``), as committed at HEAD.

    Only the committed file counts, never an uncommitted edit of it; CI names its base explicitly.
    """
    from classifier.errors import GitError
    from classifier.model import Side
    from classifier.policy.config import load_committed_config
    from classifier.sources.commit import CommitFiles

    try:
        head = CommitFiles(repo, "HEAD")
    except GitError:
        return None  # no commit yet: opening the comparison says so, with its fix
    try:
        base = load_committed_config(head, Side.HEAD).table.get("base")
    finally:
        head.close()
    return str(base) if base else None


def _label(name: str) -> Label:
    from classifier.model import Label

    return Label(name)
