"""``classify fleet check``: compare the readiness of every instance of a deployment.

Exit statuses: 0 every instance agrees and is ready, 1 a check failed, 2 a usage error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from classifier.commands.records import common_options, finish


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the required ``check`` sub-command to the ``fleet`` parser."""
    commands = parser.add_subparsers(dest="fleet_command", metavar="COMMAND", required=True)
    check = commands.add_parser("check", help="compare every instance's /ready: release, heads, readiness")
    check.add_argument("urls", nargs="*", metavar="URL", help="readiness URLs, e.g. http://10.0.0.5:8000/ready")
    check.add_argument("--file", metavar="FILE", type=Path, help="more URLs, one a line")
    check.add_argument("--timeout", type=float, default=5.0, help="seconds per instance (default 5)")
    check.add_argument("--expect-code-sha", metavar="SHA", help="the release every instance must run")
    common_options(check, _run_fleet)


def _run_fleet(args: argparse.Namespace) -> int:
    from classifier.upgrade.fleet import check_fleet, read_url_file

    urls = [*args.urls, *(read_url_file(args.file) if args.file else [])]
    return finish(check_fleet(urls, args.timeout, args.expect_code_sha), args)
