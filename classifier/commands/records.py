"""What the upgrade commands (``migrations``, ``fleet``, ``outcomes``) share: common options and the record's output.

Each of them writes its JSON record (``--out``), prints it (``--format``) and
returns the record's exit status: 0 passed, 1 a check failed (fleet,
preflight, outcomes, rollback), 10-14 the postflight abort conditions (see
``docs/upgrade.md``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from classifier.errors import UsageError

FORMATS = ("text", "json")
Handler = Callable[[argparse.Namespace], int]


def common_options(parser: argparse.ArgumentParser, handler: Handler, out_required: bool = False) -> None:
    parser.add_argument("--out", metavar="FILE", type=Path, required=out_required, help="write the JSON record here")
    parser.add_argument("--format", choices=FORMATS, default="text", help="what to print (default: text)")
    parser.set_defaults(handler=handler)


def database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help="SQLAlchemy URL of the database (default: $DATABASE_URL)")
    parser.add_argument("--version-table", default="alembic_version", help="Alembic's version table")


def database_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        raise UsageError("no database URL", hint="pass --database-url URL or set DATABASE_URL")
    return str(url)


def finish(record: dict[str, Any], args: argparse.Namespace) -> int:
    from classifier.report.upgrade import render
    from classifier.upgrade.records import write_record

    write_record(record, args.out)
    print(render(record, args.format))
    return int(record["exit_status"])
