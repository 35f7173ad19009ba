"""``classify rules``: the rule catalogue."""

from __future__ import annotations

import argparse
import sys

from classifier.commands.common import EXIT_PASSED


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``rules`` options."""
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue."""
    from classifier.report.rules import render_rules

    sys.stdout.write(render_rules(args.format))
    return EXIT_PASSED
