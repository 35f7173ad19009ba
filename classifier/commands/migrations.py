"""``classify migrations``: the lock file, pre- and post-migration checks, rollback compatibility.

Exit statuses: 0 passed (or the lock written / up to date), 1 a check failed
or ``lock --check`` found a stale lock, 10-14 the postflight abort conditions
(see ``docs/upgrade.md``), 2 a usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from classifier.commands.records import common_options, database_options, database_url, finish
from classifier.errors import UsageError

EXIT_OK, EXIT_STALE = 0, 1


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``lock``, ``preflight``, ``postflight`` and ``rollback-check`` to the ``migrations`` parser."""
    commands = parser.add_subparsers(dest="migrations_command", metavar="COMMAND", required=True)
    _add_lock(commands)
    _add_upgrade_checks(commands)


def _add_lock(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    lock = commands.add_parser(
        "lock",
        help="write migrations.lock (one structural hash per revision) for every migration tree",
        description="Write migrations.lock beside each versions/ folder, or verify it with --check.",
    )
    lock.add_argument("--repo", metavar="DIR", default=".", help="repository root (default: current folder)")
    lock.add_argument("--config", metavar="FILE", help="configuration file (default: .classifier.toml or pyproject.toml)")
    lock.add_argument("--check", action="store_true", help="do not write; exit 1 when a lock file is missing or stale")
    lock.set_defaults(handler=_run_lock)


def _run_lock(args: argparse.Namespace) -> int:
    """Write (or with ``--check`` verify) the lock files; print one line per tree.

    Raises:
        ClassifierError: no migration tree, an unreadable revision file.
    """
    from classifier.policy.config import load_config
    from classifier.surfaces.migrations.config import MigrationsConfig
    from classifier.surfaces.migrations.lock import build_locks

    top = Path(args.repo)
    if not top.is_dir():
        raise UsageError(f"--repo {top}: no such directory", hint="pass the repository root")
    config = load_config(top, Path(args.config) if args.config else None)
    results = build_locks(top, MigrationsConfig.from_table(config.table.get("migrations", {})))
    stale = 0
    for result in results:
        if args.check:
            stale += not result.up_to_date
            state = "up to date" if result.up_to_date else "out of date: run `classify migrations lock`"
            print(f"{result.path}: {state} ({result.revisions} revisions)")
        else:
            (top / result.path).write_text(result.text, encoding="utf-8")
            print(f"{result.path}: {'unchanged' if result.up_to_date else 'written'} ({result.revisions} revisions)")
    return EXIT_STALE if stale else EXIT_OK

def _add_upgrade_checks(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    pre = commands.add_parser("preflight", help="pre-migration checks: code_sha, heads, restore point, table digests")
    database_options(pre)
    pre.add_argument(
        "--script-location", metavar="DIR", required=True, help="the target release's Alembic directory or alembic.ini"
    )
    pre.add_argument("--backup-command", metavar="CMD", help="a command whose exit status 0 confirms the restore point")
    pre.add_argument("--backup-file", metavar="DUMP", type=Path, help="a pg_dump output or SQLite backup file")
    pre.add_argument(
        "--backup-max-age", metavar="AGE", default="24h", help="maximum age of --backup-file (default 24h)"
    )
    pre.add_argument(
        "--append-only-table",
        metavar="TABLE",
        action="append",
        default=[],
        help="[schema.]table whose history must survive (repeatable)",
    )
    pre.add_argument(
        "--repo",
        metavar="DIR",
        type=Path,
        default=Path("."),
        help="checkout whose HEAD must be the code_sha (when a git repository)",
    )
    common_options(pre, _run_preflight)
    post = commands.add_parser("postflight", help="post-migration checks and the upgrade abort conditions")
    database_options(post)
    post.add_argument("--preflight", metavar="FILE", type=Path, required=True, help="the record preflight wrote")
    post.add_argument(
        "--script-location", metavar="DIR", help="target scripts (default: the heads in the preflight record)"
    )
    post.add_argument("--ready-url", metavar="URL", help="the service's /ready URL")
    post.add_argument("--health-url", metavar="URL", help="the service's /health URL (must answer 200)")
    post.add_argument(
        "--startup-event",
        metavar="TABLE",
        nargs="?",
        const="system_events",
        help="check the latest app.startup event in TABLE (default system_events) names the target code_sha",
    )
    post.add_argument(
        "--verify-command", metavar="CMD", help="verification sample; exit 0 means the existing proofs verify"
    )
    post.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for --ready-url (default 10)")
    common_options(post, _run_postflight)
    back = commands.add_parser("rollback-check", help="is the app at REF compatible with the current database head?")
    back.add_argument("--to", metavar="REF", required=True, help="the app revision to roll back to")
    database_options(back)
    back.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="the repository (default: .)")
    back.add_argument("--current", metavar="REF", default="HEAD", help="the running app revision (default HEAD)")
    back.add_argument("--tree", metavar="PATH", help="the versions folder (default: from alembic.ini)")
    common_options(back, _run_rollback)


def _run_preflight(args: argparse.Namespace) -> int:
    from classifier.upgrade.backup import RestorePoint, parse_age
    from classifier.upgrade.preflight import PreflightRequest, run_preflight

    if args.backup_command and args.backup_file:
        raise UsageError(
            "--backup-command and --backup-file are exclusive", hint="give one way to confirm the restore point"
        )
    point = RestorePoint(args.backup_command, args.backup_file, parse_age(args.backup_max_age))
    request = PreflightRequest(
        database_url(args),
        args.script_location,
        point,
        tuple(args.append_only_table),
        args.repo,
        args.version_table,
        dict(os.environ),
    )
    return finish(run_preflight(request), args)


def _run_postflight(args: argparse.Namespace) -> int:
    from classifier.upgrade.postflight import PostflightRequest, run_postflight
    from classifier.upgrade.records import read_record

    preflight = read_record(args.preflight, "upgrade-record.schema.json", "--preflight")
    if preflight["kind"] != "preflight":
        raise UsageError(
            f"--preflight {args.preflight}: a {preflight['kind']} record, not a preflight one",
            hint="pass the file preflight wrote",
        )
    if preflight["status"] != "passed":
        failed = ", ".join(sorted({f["id"] for f in preflight["findings"]}))
        raise UsageError(
            f"--preflight {args.preflight}: preflight failed ({failed}); its digests cannot vouch for the history",
            hint="fix what preflight named and run it again before migrating",
        )
    request = PostflightRequest(
        preflight,
        database_url(args),
        script_location=args.script_location,
        ready_url=args.ready_url,
        verify_command=args.verify_command,
        health_url=args.health_url,
        startup_events=args.startup_event,
        timeout=args.timeout,
        version_table=args.version_table,
    )
    return finish(run_postflight(request), args)


def _run_rollback(args: argparse.Namespace) -> int:
    from classifier.upgrade.rollback import RollbackRequest, check_rollback

    url = args.database_url or os.environ.get("DATABASE_URL")
    request = RollbackRequest(args.to, args.repo, url, args.current, args.tree, args.version_table)
    return finish(check_rollback(request), args)
