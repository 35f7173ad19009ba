"""The ``classify`` command line: name the sub-commands, dispatch, turn errors into exit codes.

Each sub-command lives in its own module under ``classifier.commands`` (its
options, its handler, its printing). This module only builds the parser and is
the last line of defence: every expected failure is a ``ClassifierError`` and
becomes one line on stderr and exit 2; anything else is a bug and becomes exit 3
with a request to report it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Callable, Sequence

from classifier import __version__
from classifier.commands.common import (
    EPILOG,
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PASSED,
)
from classifier.errors import ClassifierError

__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_PASSED", "build_parser", "main"]

# The analysis commands: their options are always on the parser (``classify --help`` lists them).
ANALYSIS_COMMANDS: dict[str, tuple[str, str]] = {
    "check": ("compare two revisions (the default command)", "classifier.commands.check"),
    "rules": ("list the rule catalogue", "classifier.commands.rules"),
    "explain": ("print one rule's documentation", "classifier.commands.explain"),
}
# Command groups: their module is imported only when that command runs, so `classify` itself starts fast.
COMMAND_GROUPS: dict[str, tuple[str, str]] = {
    "guard": ("runtime release guards as a deploy pre-flight", "classifier.commands.guard"),
    "migrations": ("migration lock files, pre- and post-migration checks, rollback compatibility",
                   "classifier.commands.migrations"),
    "fleet": ("compare the readiness of every instance of a deployment", "classifier.commands.fleet"),
    "outcomes": ("record and compare verification outcomes of historical artifacts", "classifier.commands.outcomes"),
    "snapshot": ("write or check an API version's OpenAPI snapshot from the app", "classifier.commands.snapshot"),
}


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
        return _stdout_closed()
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
    _add_commands(commands, running)
    # `classify --base main` is `classify check --base main`: its options belong in `classify --help` too.
    parser.epilog = _check_options_help(commands.choices["check"]) + "\n" + EPILOG
    return parser


def _check_options_help(check: argparse.ArgumentParser) -> str:
    formatter = argparse.RawDescriptionHelpFormatter(prog="classify")
    for group in check._action_groups:  # argparse has no public way to list a parser's groups
        if group.title in ("what to compare", "policy and output"):
            formatter.start_section(f"{group.title} (classify [check])")
            formatter.add_arguments(group._group_actions)
            formatter.end_section()
    return formatter.format_help()


def _add_commands(
    commands: "argparse._SubParsersAction[argparse.ArgumentParser]", running: str | None
) -> None:
    for name, (help_text, module) in ANALYSIS_COMMANDS.items():
        _configure(commands.add_parser(name, help=help_text), module)
    for name, (help_text, module) in COMMAND_GROUPS.items():
        parser = commands.add_parser(name, help=help_text)
        if name == running:
            _configure(parser, module)


def _configure(parser: argparse.ArgumentParser, module: str) -> None:
    configure: Callable[[argparse.ArgumentParser], None] = importlib.import_module(module).configure
    configure(parser)


def _stdout_closed() -> int:
    """Whoever read the report stopped before its end: never a pass, since nobody saw the verdict whole."""
    # Python flushes stdout once more at exit; point it at nothing so that flush cannot fail again.
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a real file (an embedding program's buffer): nothing will flush to a closed pipe
    print("classify: error: the output was closed before the report was written in full; "
          "fix: read the whole output, or write the report to a file with --format NAME:PATH", file=sys.stderr)
    return EXIT_ERROR


def _error_line(exc: ClassifierError) -> None:
    hint = f"; fix: {exc.hint}" if exc.hint else ""
    print(f"classify: error: {exc.message}{hint}", file=sys.stderr)
