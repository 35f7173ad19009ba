"""Command line of the upgrade operations: ``migrations``, ``fleet`` and ``outcomes``.

``classifier.cli`` mounts these with ``add_migration_commands`` (on the
``migrations`` group), ``configure_fleet_parser`` and
``configure_outcomes_parser``; each sub-command's ``handler(args)`` prints
its report and returns the exit status. ``python -m classifier.upgrade.cli``
runs them on their own. Exit statuses: 0 passed, 1 a check failed (fleet,
preflight, outcomes, rollback), 10-14 the postflight abort conditions (see
``docs/upgrade.md``), 2 a usage error (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.upgrade.render import render

FORMATS = ("text", "json")
Handler = Callable[[argparse.Namespace], int]


def _common(parser: argparse.ArgumentParser, handler: Handler, out_required: bool = False) -> None:
    parser.add_argument("--out", metavar="FILE", type=Path, required=out_required, help="write the JSON record here")
    parser.add_argument("--format", choices=FORMATS, default="text", help="what to print (default: text)")
    parser.set_defaults(handler=handler)


def _database_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL", help="SQLAlchemy URL of the database (default: $DATABASE_URL)")
    parser.add_argument("--version-table", default="alembic_version", help="Alembic's version table")


def add_migration_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``preflight``, ``postflight`` and ``rollback-check`` to the ``migrations`` group."""
    pre = commands.add_parser("preflight", help="pre-migration checks: code_sha, heads, restore point, table digests")
    _database_option(pre)
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
    _common(pre, _run_preflight)
    post = commands.add_parser("postflight", help="post-migration checks and the upgrade abort conditions")
    _database_option(post)
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
    _common(post, _run_postflight)
    back = commands.add_parser("rollback-check", help="is the app at REF compatible with the current database head?")
    back.add_argument("--to", metavar="REF", required=True, help="the app revision to roll back to")
    _database_option(back)
    back.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="the repository (default: .)")
    back.add_argument("--current", metavar="REF", default="HEAD", help="the running app revision (default HEAD)")
    back.add_argument("--tree", metavar="PATH", help="the versions folder (default: from alembic.ini)")
    _common(back, _run_rollback)


def configure_fleet_parser(parser: argparse.ArgumentParser) -> None:
    """Add the required ``check`` sub-command to the ``fleet`` parser."""
    commands = parser.add_subparsers(dest="fleet_command", metavar="COMMAND", required=True)
    check = commands.add_parser("check", help="compare every instance's /ready: release, heads, readiness")
    check.add_argument("urls", nargs="*", metavar="URL", help="readiness URLs, e.g. http://10.0.0.5:8000/ready")
    check.add_argument("--file", metavar="FILE", type=Path, help="more URLs, one a line")
    check.add_argument("--timeout", type=float, default=5.0, help="seconds per instance (default 5)")
    check.add_argument("--expect-code-sha", metavar="SHA", help="the release every instance must run")
    _common(check, _run_fleet)


def configure_outcomes_parser(parser: argparse.ArgumentParser) -> None:
    """Add ``record`` and ``compare`` to the ``outcomes`` parser."""
    commands = parser.add_subparsers(dest="outcomes_command", metavar="COMMAND", required=True)
    for name, helptext, handler in (
        ("record", "verify the corpus and record every outcome", _run_record),
        ("compare", "verify the corpus again and fail on any drift", _run_compare),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--verifier", metavar="MODULE:FUNCTION", required=True, help="the application's verifier")
        sub.add_argument("--corpus", metavar="DIR", type=Path, required=True, help="folder of historical artifacts")
        sub.add_argument(
            "--path", metavar="DIR", type=Path, default=Path("."), help="where to import the verifier from (default: .)"
        )
        if name == "compare":
            sub.add_argument(
                "--baseline", metavar="FILE", type=Path, required=True, help="the record `outcomes record` wrote"
            )
        _common(sub, handler, out_required=name == "record")


def _database_url(args: argparse.Namespace) -> str:
    url = args.database_url or os.environ.get("DATABASE_URL")
    if not url:
        raise UsageError("no database URL", hint="pass --database-url URL or set DATABASE_URL")
    return str(url)


def _finish(record: dict[str, Any], args: argparse.Namespace) -> int:
    from classifier.upgrade.records import write_record

    write_record(record, args.out)
    print(render(record, args.format))
    return int(record["exit_status"])


def _run_preflight(args: argparse.Namespace) -> int:
    from classifier.upgrade.backup import RestorePoint, parse_age
    from classifier.upgrade.preflight import PreflightRequest, run_preflight

    if args.backup_command and args.backup_file:
        raise UsageError(
            "--backup-command and --backup-file are exclusive", hint="give one way to confirm the restore point"
        )
    point = RestorePoint(args.backup_command, args.backup_file, parse_age(args.backup_max_age))
    request = PreflightRequest(
        _database_url(args),
        args.script_location,
        point,
        tuple(args.append_only_table),
        args.repo,
        args.version_table,
        dict(os.environ),
    )
    return _finish(run_preflight(request), args)


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
        _database_url(args),
        script_location=args.script_location,
        ready_url=args.ready_url,
        verify_command=args.verify_command,
        health_url=args.health_url,
        startup_events=args.startup_event,
        timeout=args.timeout,
        version_table=args.version_table,
    )
    return _finish(run_postflight(request), args)


def _run_rollback(args: argparse.Namespace) -> int:
    from classifier.upgrade.rollback import RollbackRequest, check_rollback

    url = args.database_url or os.environ.get("DATABASE_URL")
    request = RollbackRequest(args.to, args.repo, url, args.current, args.tree, args.version_table)
    return _finish(check_rollback(request), args)


def _run_fleet(args: argparse.Namespace) -> int:
    from classifier.upgrade.fleet import check_fleet, read_url_file

    urls = [*args.urls, *(read_url_file(args.file) if args.file else [])]
    return _finish(check_fleet(urls, args.timeout, args.expect_code_sha), args)


def _run_record(args: argparse.Namespace) -> int:
    from classifier.upgrade.outcomes import (
        load_verifier,
        outcomes_record,
        verify_corpus,
    )

    outcomes, findings = verify_corpus(load_verifier(args.verifier, args.path.resolve()), args.corpus)
    return _finish(outcomes_record(args.verifier, args.corpus, outcomes, findings), args)


def _run_compare(args: argparse.Namespace) -> int:
    from classifier.upgrade.outcomes import (
        drift,
        load_verifier,
        outcomes_record,
        verify_corpus,
    )
    from classifier.upgrade.records import read_record

    baseline = read_record(args.baseline, "outcomes.schema.json", "--baseline")
    outcomes, findings = verify_corpus(load_verifier(args.verifier, args.path.resolve()), args.corpus)
    moved, new = drift(baseline["artifacts"], outcomes)
    record = outcomes_record(
        args.verifier, args.corpus, outcomes, findings + moved, baseline=str(args.baseline), new_artifacts=new
    )
    return _finish(record, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one upgrade command (``migrations …``, ``fleet …``, ``outcomes …``) as ``classify`` would."""
    from classifier.cli import main as classify_main

    return classify_main(sys.argv[1:] if argv is None else list(argv))


if __name__ == "__main__":
    sys.exit(main())
