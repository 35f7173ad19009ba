"""``classify explain ID``: one rule's documentation page."""

from __future__ import annotations

import argparse
import sys

from classifier.commands.common import EXIT_PASSED


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``explain`` argument."""
    parser.add_argument("rule", metavar="ID", help="rule id or name, e.g. GEN003 or internal-change")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the rule's page."""
    from classifier.report.rules import render_explain

    sys.stdout.write(render_explain(args.rule))
    return EXIT_PASSED
