"""What the upgrade commands (``migrations``, ``fleet``, ``outcomes``) share: common options and the record's output.

Each of them writes its JSON record (``--out``), prints it (``--format``) and
returns the record's exit status: 0 passed, 1 a check failed (fleet,
preflight, outcomes, rollback, downgrade), 10-17 the postflight abort conditions (see
``docs/upgrade.md``).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.errors import UsageError

if TYPE_CHECKING:
    from classifier.upgrade.config import UpgradeConfig

FORMATS = ("text", "json")
Handler = Callable[[argparse.Namespace], int]


def common_options(parser: argparse.ArgumentParser, handler: Handler, out_required: bool = False) -> None:
    parser.add_argument("--out", metavar="FILE", type=Path, required=out_required, help="write the JSON record here")
    parser.add_argument("--format", choices=FORMATS, default="text", help="what to print (default: text)")
    parser.set_defaults(handler=handler)


def database_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help="SQLAlchemy URL of the database (default: $DATABASE_URL)")
    parser.add_argument(
        "--version-table", help="Alembic's version table (default: upgrade.version_table, else alembic_version)"
    )


def config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help="configuration file (default: .classifier.toml, else [tool.classifier] of pyproject.toml, "
        "in --repo or the current folder)",
    )


def stage_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stage",
        choices=("staging", "production"),
        default="staging",
        help="the runbook stage, which decides the required checks (default: staging, the stricter)",
    )
    parser.add_argument(
        "--waive",
        metavar='CHECK="REASON"',
        action="append",
        default=[],
        help="set a required check aside, with the reason kept in the record (repeatable)",
    )


def upgrade_config(args: argparse.Namespace) -> UpgradeConfig:
    """``[tool.classifier.upgrade]`` (and the migrations tables) of the project, found like ``classify`` finds it.

    Raises:
        ConfigError: the configuration is unreadable or invalid.
    """
    from classifier.policy.config import load_config
    from classifier.upgrade.config import UpgradeConfig

    folder = Path(getattr(args, "repo", None) or ".")
    config = load_config(folder if folder.is_dir() else Path("."), args.config)
    table = config.table
    return UpgradeConfig.from_tables(
        table.get("upgrade", {}), table.get("migrations", {}), config.origin or "defaults"
    )


def version_table(args: argparse.Namespace, config: UpgradeConfig) -> str:
    return str(args.version_table or config.version_table or "alembic_version")


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
