"""``classify rules``: the rule catalogue."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from classifier.commands.common import EXIT_PASSED


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``rules`` options."""
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--repo", metavar="DIR", type=Path, default=Path("."),
                        help="show the severities and blocking of this repository's policy (default: the current folder)")
    parser.add_argument("--config", metavar="FILE", type=Path, help="configuration file (default: .classifier.toml, "
                        "else [tool.classifier] in pyproject.toml)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue as the repository's policy applies it."""
    from classifier.policy.config import load_config
    from classifier.report.rules import render_rules

    sys.stdout.write(render_rules(args.format, load_config(args.repo, args.config)))
    return EXIT_PASSED
