"""What every sub-command shares: exit statuses, the epilog, and writing an output."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.errors import UsageError

if TYPE_CHECKING:
    from classifier.model import Report
    from classifier.report import RenderOptions

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

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


def write_text(path: Path | None, text: str, what: str) -> None:
    """``text`` to stdout (``path`` None) or to ``path``, creating its folder.

    Raises:
        UsageError: ``path`` cannot be written; ``what`` names it in the message.
    """
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the {what} to {path}: {exc.strerror}", hint="choose a writable path") from None


@dataclass(frozen=True, slots=True)
class Output:
    """One ``--format NAME[:PATH]``: a reporter and where it writes (None: stdout)."""

    format: str
    path: Path | None


def add_output_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    """``--format`` and ``--color``, the same for every command that prints a report."""
    parser.add_argument("--format", dest="formats", action="append", metavar="NAME[:PATH]", type=output_option,
                        help="text, json, markdown, github, sarif, junit or gitlab, to stdout or to PATH; repeatable")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour the text output")


def output_option(value: str) -> Output:
    from classifier.report import REPORTERS

    name, _, path = value.partition(":")
    if name not in REPORTERS:
        raise argparse.ArgumentTypeError(f"unknown format {name!r} (choose from {', '.join(REPORTERS)})")
    return Output(name, Path(path) if path else None)


def distinct_outputs(outputs: list[Output]) -> list[Output]:
    """Every output goes somewhere of its own: two documents on one stream or in one file are neither."""
    on_stdout = [o.format for o in outputs if o.path is None]
    if len(on_stdout) > 1:
        raise UsageError(f"--format {' and '.join(on_stdout)} both write to stdout, one document after the other",
                         hint=f"send all but one to a file, e.g. --format {on_stdout[1]}:report.{on_stdout[1]}")
    seen: dict[Path, str] = {}
    for output in outputs:
        if output.path is None:
            continue
        key = Path(os.path.abspath(output.path))
        if key in seen:
            raise UsageError(f"--format {seen[key]} and --format {output.format} both write {output.path}",
                             hint="give each report its own path")
        seen[key] = output.format
    return outputs


def use_colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):  # CI logs render colour though they are not terminals
        return True
    return os.environ.get("TERM") != "dumb" and sys.stdout.isatty()


def write_reports(report: Report, outputs: list[Output], colour: str, options: RenderOptions | None = None) -> None:
    """Render ``report`` once per output; files first, so a reader that closes stdout early costs none of them."""
    from dataclasses import replace

    from classifier.report import RenderOptions, render

    base = options or RenderOptions()
    for output in sorted(outputs, key=lambda o: o.path is None):
        coloured = output.format == "text" and output.path is None and use_colour(colour)
        write_text(output.path, render(output.format, report, replace(base, color=coloured)), f"{output.format} report")
