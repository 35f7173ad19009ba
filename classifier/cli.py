"""The ``classify`` command line: parse arguments, run, print, choose the exit code.

This module and ``report/`` are the only places that print. Every expected
failure is a ``ClassifierError`` and becomes one line on stderr and exit 2;
anything else is a bug and becomes exit 3 with a request to report it.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from classifier import __version__
from classifier.errors import ClassifierError, UsageError

if TYPE_CHECKING:  # imported lazily at run time to keep start-up cheap
    from classifier.model import Label
    from classifier.sources import Source

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

ANALYSIS_COMMANDS = ("check", "rules", "explain")
LABEL_CHOICES = ("breaking", "additive", "non-breaking", "none")

EPILOG = """\
exit codes:
  0    passed: no violation and no finding at or above fail_on
  1    failed: a violation, or a blocking finding at or above fail_on
  2    usage, configuration, git or input error (nothing was reported as passing)
  3    internal error (please report it)
  130  interrupted (Ctrl-C)

examples:
  classify --base main
  classify --staged
  classify --base origin/main --format github --format sarif:classify.sarif
"""


@dataclass(frozen=True, slots=True)
class Output:
    """One ``--format NAME[:PATH]``: a reporter and where it writes (None: stdout)."""

    format: str
    path: Path | None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _dispatch(_normalise(args_list))
    except ClassifierError as exc:
        _error_line(exc)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("classify: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_PASSED
    except Exception as exc:  # noqa: BLE001 - the last line of defence turns a bug into exit 3
        if os.environ.get("CLASSIFY_DEBUG"):
            raise
        print(
            f"classify: internal error: {type(exc).__name__}: {exc} "
            "(this is a bug: please report it with the command you ran; CLASSIFY_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _normalise(argv: list[str]) -> list[str]:
    # `classify --base main` means `classify check --base main`.
    if argv and (argv[0] in ANALYSIS_COMMANDS or argv[0] in COMMAND_GROUPS or argv[0] in ("-h", "--help", "--version")):
        return argv
    return ["check", *argv]


def _dispatch(argv: list[str]) -> int:
    parser = build_parser(running=argv[0] if argv and argv[0] in COMMAND_GROUPS else None)
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


def build_parser(running: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; a command group's options are loaded only when it runs."""
    parser = argparse.ArgumentParser(
        prog="classify",
        description="Label every change between two git revisions as non-breaking, additive or breaking.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"classify {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_check(commands)
    _add_rules(commands)
    _add_explain(commands)
    _add_groups(commands, running)
    return parser


def _add_check(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    check = commands.add_parser(
        "check",
        help="compare two revisions (the default command)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = check.add_argument_group("what to compare")
    where.add_argument("--base", metavar="REF", help="base revision; compared from its merge-base with the head "
                       "(default: origin/HEAD, origin/main, main, origin/master or master)")
    where.add_argument("--head", metavar="REF", help="head commit (default: the working tree)")
    where.add_argument("--staged", action="store_true", help="compare the index (staged changes) instead of the working tree")
    where.add_argument("--hook", action="store_true", help="as a pre-commit hook: the staged content, or in pre-push "
                       "PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, against the merge-base with the default branch")
    where.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="repository (default: the current folder)")
    where.add_argument("--base-dir", metavar="DIR", type=Path, help="compare two plain folders instead of git revisions")
    where.add_argument("--head-dir", metavar="DIR", type=Path, help="the head folder, with --base-dir")
    how = check.add_argument_group("policy and output")
    how.add_argument("--config", metavar="FILE", type=Path, help="configuration file (default: .classifier.toml, "
                     "else [tool.classifier] in pyproject.toml)")
    how.add_argument("--fail-on", choices=LABEL_CHOICES, help="lowest label that fails the run (default: breaking)")
    how.add_argument("--format", dest="formats", action="append", metavar="NAME[:PATH]", type=_output,
                     help="text, json, markdown, github, sarif, junit or gitlab, to stdout or to PATH; repeatable")
    how.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text output")
    check.set_defaults(handler=run_check_command)


def _add_rules(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    rules = commands.add_parser("rules", help="list the rule catalogue")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.set_defaults(handler=run_rules_command)


def _add_explain(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    explain = commands.add_parser("explain", help="print one rule's documentation")
    explain.add_argument("rule", metavar="ID", help="rule id or name, e.g. GEN003 or internal-change")
    explain.set_defaults(handler=run_explain_command)


def _add_groups(commands: "argparse._SubParsersAction[argparse.ArgumentParser]", running: str | None) -> None:
    for name, (help_text, configure) in COMMAND_GROUPS.items():
        parser = commands.add_parser(name, help=help_text)
        if name == running:
            configure(parser)


def _configure_guard(parser: argparse.ArgumentParser) -> None:
    from classifier.guard import cli as guard_cli

    guard_cli.configure_parser(parser)
    parser.set_defaults(handler=guard_cli.run)


def _configure_migrations(parser: argparse.ArgumentParser) -> None:
    from classifier.surfaces.migrations import lock
    from classifier.upgrade import cli as upgrade_cli

    commands = parser.add_subparsers(dest="migrations_command", metavar="COMMAND", required=True)
    lock.add_command(commands)
    upgrade_cli.add_migration_commands(commands)


def _configure_fleet(parser: argparse.ArgumentParser) -> None:
    from classifier.upgrade import cli as upgrade_cli

    upgrade_cli.configure_fleet_parser(parser)


def _configure_outcomes(parser: argparse.ArgumentParser) -> None:
    from classifier.upgrade import cli as upgrade_cli

    upgrade_cli.configure_outcomes_parser(parser)


def _configure_snapshot(parser: argparse.ArgumentParser) -> None:
    from classifier import snapshot

    snapshot.configure_parser(parser)
    parser.set_defaults(handler=snapshot.run)


# Command groups whose options live beside their code: name -> (help, configure).
# Their modules are imported only when that command runs, so `classify` itself starts fast.
COMMAND_GROUPS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "guard": ("runtime release guards as a deploy pre-flight", _configure_guard),
    "migrations": ("migration lock files, pre- and post-migration checks, rollback compatibility",
                   _configure_migrations),
    "fleet": ("compare the readiness of every instance of a deployment", _configure_fleet),
    "outcomes": ("record and compare verification outcomes of historical artifacts", _configure_outcomes),
    "snapshot": ("write or check an API version's OpenAPI snapshot from the app", _configure_snapshot),
}


def _output(value: str) -> Output:
    from classifier.report import REPORTERS

    name, _, path = value.partition(":")
    if name not in REPORTERS:
        raise argparse.ArgumentTypeError(f"unknown format {name!r} (choose from {', '.join(REPORTERS)})")
    return Output(name, Path(path) if path else None)


# -- check -------------------------------------------------------------------


def run_check_command(args: argparse.Namespace) -> int:
    from classifier.check import run_check
    from classifier.policy.config import load_config
    from classifier.report import RenderOptions, render

    source, config_root = _open_source(args)
    try:
        config = load_config(config_root, args.config)
        if args.fail_on:
            config = replace(config, fail_on=None if args.fail_on == "none" else _label(args.fail_on))
        report = run_check(source, config)
    finally:
        source.close()
    for output in args.formats or [Output("text", None)]:
        options = RenderOptions(color=output.format == "text" and output.path is None and _use_colour(args.color))
        _write(output, render(output.format, report, options))
    return EXIT_PASSED if report.passed else EXIT_FAILED


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

    # pre-commit sets PRE_COMMIT_TO_REF only for pre-push: then the pushed commits are the head.
    staged = args.staged or (args.hook and not os.environ.get("PRE_COMMIT_TO_REF"))
    source = GitSource(GitRequest(args.repo, args.base, args.head, staged))
    return source, source.top


def _label(name: str) -> Label:
    from classifier.model import Label

    return Label(name)


def _use_colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _write(output: Output, text: str) -> None:
    if output.path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        if output.path.parent != Path(""):
            output.path.parent.mkdir(parents=True, exist_ok=True)
        output.path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the {output.format} report to {output.path}: {exc.strerror}",
                         hint="choose a writable path") from None


# -- rules and explain ----------------------------------------------------------


def run_rules_command(args: argparse.Namespace) -> int:
    from classifier.report.rules import render_rules

    sys.stdout.write(render_rules(args.format))
    return EXIT_PASSED


def run_explain_command(args: argparse.Namespace) -> int:
    from classifier.report.rules import render_explain

    sys.stdout.write(render_explain(args.rule))
    return EXIT_PASSED


def _error_line(exc: ClassifierError) -> None:
    hint = f"; fix: {exc.hint}" if exc.hint else ""
    print(f"classify: error: {exc.message}{hint}", file=sys.stderr)
