"""``classify migrations``: the lock file, pre- and post-migration checks, rollback and downgrade checks.

Exit statuses: 0 passed (or the lock written / up to date), 1 a check failed
or ``lock --check`` found a stale lock, 10-17 the postflight abort conditions
(see ``docs/upgrade.md``), 2 a usage or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from classifier.commands.records import (
    common_options,
    config_option,
    database_options,
    database_url,
    finish,
    stage_options,
    upgrade_config,
    version_table,
)
from classifier.errors import UsageError

EXIT_OK, EXIT_STALE = 0, 1


def configure(parser: argparse.ArgumentParser) -> None:
    """Add ``lock``, ``preflight``, ``postflight``, ``rollback-check`` and ``downgrade-check`` to the ``migrations`` parser."""
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
    _add_preflight(commands)
    _add_postflight(commands)
    _add_rollback(commands)
    _add_downgrade(commands)


def _add_preflight(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    pre = commands.add_parser("preflight", help="pre-migration checks: code_sha, heads, restore point, table digests")
    database_options(pre)
    pre.add_argument(
        "--script-location",
        metavar="DIR",
        help="the target release's Alembic directory or alembic.ini (default: upgrade.script_location)",
    )
    pre.add_argument("--backup-command", metavar="CMD", help="a command whose exit status 0 confirms the restore point")
    pre.add_argument("--backup-file", metavar="DUMP", type=Path, help="a pg_dump output or SQLite backup file")
    pre.add_argument(
        "--backup-max-age", metavar="AGE", help="maximum age of --backup-file (default: upgrade.backup_max_age, else 24h)"
    )
    pre.add_argument(
        "--append-only-table",
        metavar="TABLE",
        action="append",
        default=[],
        help="[schema.]table whose history must survive (repeatable; default: upgrade.append_only_tables)",
    )
    pre.add_argument(
        "--timestamp-column",
        metavar="TABLE=COLUMN",
        action="append",
        default=[],
        help="the column saying when a row of an append-only table was written (repeatable; "
        "default: upgrade.timestamp_columns)",
    )
    pre.add_argument(
        "--repo",
        metavar="DIR",
        type=Path,
        default=Path("."),
        help="checkout whose HEAD must be the code_sha (when a git repository), and where the configuration is",
    )
    pre.add_argument(
        "--downgrade-plan",
        metavar="FILE",
        type=Path,
        help="this preflight precedes a database downgrade: the plan downgrade-check wrote (it must have passed)",
    )
    pre.add_argument(
        "--require-staging",
        metavar="FILE",
        type=Path,
        help="production: the postflight record staging wrote; it must have passed for this code_sha",
    )
    config_option(pre)
    stage_options(pre)
    common_options(pre, _run_preflight)


def _add_postflight(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
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
        const="",
        help="check the latest app.startup event in TABLE (default: upgrade.startup_events, else system_events) "
        "carries the target release",
    )
    post.add_argument(
        "--verify-command",
        metavar="CMD",
        help="verification sample; exit 0 means the existing proofs verify (default: upgrade.verify_command)",
    )
    post.add_argument(
        "--gate-command",
        metavar="CMD",
        help="the full test-suite gate; exit 0 means it passed (default: upgrade.gate_command)",
    )
    post.add_argument("--gate-log", metavar="FILE", type=Path, help="keep the gate's output in FILE")
    post.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for each URL (default 10)")
    config_option(post)
    stage_options(post)
    common_options(post, _run_postflight)


def _add_rollback(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    back = commands.add_parser("rollback-check", help="is the app at REF compatible with the current database head?")
    back.add_argument("--to", metavar="REF", required=True, help="the app revision to roll back to")
    database_options(back)
    back.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="the repository (default: .)")
    back.add_argument("--current", metavar="REF", default="HEAD", help="the running app revision (default HEAD)")
    back.add_argument("--tree", metavar="PATH", help="the versions folder (default: from alembic.ini)")
    back.add_argument(
        "--write-window",
        metavar="FILE",
        type=Path,
        help="when REF fits through expand-only revisions, write the additive window its guard reads "
        "(ALEMBIC_ADDITIVE_WINDOW)",
    )
    config_option(back)
    common_options(back, _run_rollback)


def _add_downgrade(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    down = commands.add_parser(
        "downgrade-check",
        help="may the database be downgraded to REV? reads every downgrade() to undo; prints the plan",
    )
    down.add_argument("--to", metavar="REV", required=True, help="the revision to downgrade to (or base)")
    down.add_argument(
        "--baseline",
        metavar="FILE",
        type=Path,
        required=True,
        help="the `outcomes record` of the release now running; postflight compares against it",
    )
    down.add_argument(
        "--path", metavar="DIR", type=Path, default=Path("."), help="where the baseline's verifier is imported from"
    )
    database_options(down)
    down.add_argument("--repo", metavar="DIR", type=Path, default=Path("."), help="the repository (default: .)")
    down.add_argument("--current", metavar="REF", default="HEAD", help="the commit holding the revisions to undo")
    down.add_argument("--tree", metavar="PATH", help="the versions folder (default: from alembic.ini)")
    config_option(down)
    common_options(down, _run_downgrade)


def _run_downgrade(args: argparse.Namespace) -> int:
    from classifier.upgrade.downgrade import Baseline, DowngradeRequest, check_downgrade
    from classifier.upgrade.records import read_record

    config = upgrade_config(args)
    # Absolute paths: postflight runs the comparison later, maybe from another folder.
    baseline = Baseline(
        args.baseline.resolve(), read_record(args.baseline, "outcomes.schema.json", "--baseline"), args.path.resolve()
    )
    url = args.database_url or os.environ.get("DATABASE_URL")
    request = DowngradeRequest(
        args.to,
        args.repo,
        baseline,
        url,
        args.current,
        args.tree,
        version_table(args, config),
        config.history_tables,
        config.dialect,
    )
    return finish(check_downgrade(request), args)


def _earlier_record(path: Path, option: str, kind: str, why: str) -> dict[str, Any]:
    """A record an earlier step wrote, of ``kind``, that passed.

    Raises:
        UsageError: it cannot be read, is another kind, or failed.
    """
    from classifier.upgrade.records import read_record

    record = read_record(path, "upgrade-record.schema.json", option)
    if record["kind"] != kind:
        raise UsageError(f"{option} {path}: a {record['kind']} record, not a {kind} one", hint=f"pass the file {kind} wrote")
    if record["status"] != "passed":
        failed = ", ".join(sorted({f["id"] for f in record["findings"]}))
        raise UsageError(f"{option} {path}: {kind} failed ({failed}); {why}", hint=f"fix what {kind} named first")
    return record


def _run_preflight(args: argparse.Namespace) -> int:
    from classifier.upgrade.backup import RestorePoint, parse_age
    from classifier.upgrade.preflight import (
        REQUIREMENTS,
        PreflightRequest,
        StagingRecord,
        run_preflight,
    )
    from classifier.upgrade.records import read_record
    from classifier.upgrade.required import parse_waivers

    config = upgrade_config(args)
    script_location = args.script_location or config.script_location
    if not script_location:
        raise UsageError("no script location", hint="pass --script-location DIR or set upgrade.script_location")
    if args.backup_command and args.backup_file:
        raise UsageError(
            "--backup-command and --backup-file are exclusive", hint="give one way to confirm the restore point"
        )
    backup_command = args.backup_command or (None if args.backup_file else config.backup_command)
    max_age = parse_age(args.backup_max_age or config.backup_max_age or "24h")
    point = RestorePoint(backup_command, args.backup_file, max_age) if backup_command or args.backup_file else None
    staging = None
    if args.require_staging is not None:
        if args.stage != "production":
            raise UsageError("--require-staging is for --stage production", hint="add --stage production")
        record = read_record(args.require_staging, "upgrade-record.schema.json", "--require-staging")
        staging = StagingRecord(str(args.require_staging), record)
    plan = None
    if args.downgrade_plan is not None:
        why = "the downgrade is not approved"
        plan = StagingRecord(str(args.downgrade_plan), _earlier_record(args.downgrade_plan, "--downgrade-plan", "downgrade-check", why))
    request = PreflightRequest(
        database_url(args),
        script_location,
        point,
        tuple(args.append_only_table) or config.append_only_tables,
        args.repo,
        version_table(args, config),
        dict(os.environ),
        args.stage,
        parse_waivers(args.waive, REQUIREMENTS, args.stage),
        staging,
        {**config.timestamp_columns, **_pairs(args.timestamp_column, "--timestamp-column")},
        config.unordered_key_tables,
        plan,
    )
    return finish(run_preflight(request), args)


def _pairs(values: list[str], option: str) -> dict[str, str]:
    """``TABLE=COLUMN`` values as a mapping.

    Raises:
        UsageError: a value is not ``TABLE=COLUMN``.
    """
    pairs = {}
    for value in values:
        table, separator, column = (part.strip() for part in value.partition("="))
        if not separator or not table or not column:
            raise UsageError(f"{option} {value!r} is not TABLE=COLUMN", hint=f"e.g. {option} ledger=created_at")
        pairs[table] = column
    return pairs


def _passed_preflight(path: Path) -> dict[str, Any]:
    from classifier.upgrade.records import read_record

    preflight = read_record(path, "upgrade-record.schema.json", "--preflight")
    if preflight["kind"] != "preflight":
        raise UsageError(
            f"--preflight {path}: a {preflight['kind']} record, not a preflight one",
            hint="pass the file preflight wrote",
        )
    if preflight["status"] != "passed":
        failed = ", ".join(sorted({f["id"] for f in preflight["findings"]}))
        raise UsageError(
            f"--preflight {path}: preflight failed ({failed}); its digests cannot vouch for the history",
            hint="fix what preflight named and run it again before migrating",
        )
    return preflight


def _run_postflight(args: argparse.Namespace) -> int:
    from classifier.upgrade.postflight import (
        REQUIREMENTS,
        PostflightRequest,
        run_postflight,
    )
    from classifier.upgrade.required import parse_waivers

    config = upgrade_config(args)
    preflight = _passed_preflight(args.preflight)
    if preflight["stage"] != args.stage:
        raise UsageError(
            f"--preflight {args.preflight}: a {preflight['stage']} preflight, but this is --stage {args.stage}",
            hint="run postflight at the stage preflight ran at",
        )
    if preflight.get("downgrade") and (args.verify_command or any(w.startswith("verification=") for w in args.waive)):
        raise UsageError(
            "--verify-command and --waive verification do not apply after a downgrade",
            hint="postflight compares the outcomes against the downgrade plan's baseline itself",
        )
    startup_events = args.startup_event
    if startup_events == "" or (startup_events is None and config.startup_events):
        startup_events = config.startup_events or "system_events"
    request = PostflightRequest(
        preflight,
        database_url(args),
        script_location=args.script_location,
        ready_url=args.ready_url,
        verify_command=args.verify_command or config.verify_command,
        health_url=args.health_url,
        startup_events=startup_events,
        # The configured gate is staging's; production runs it only when asked on the command line.
        gate_command=args.gate_command or (config.gate_command if args.stage == "staging" else None),
        gate_log=args.gate_log,
        timeout=args.timeout,
        version_table=version_table(args, config),
        stage=args.stage,
        waivers=parse_waivers(args.waive, REQUIREMENTS, args.stage),
    )
    return finish(run_postflight(request), args)


def _run_rollback(args: argparse.Namespace) -> int:
    from classifier.upgrade.records import write_record
    from classifier.upgrade.rollback import RollbackRequest, check_rollback

    config = upgrade_config(args)
    url = args.database_url or os.environ.get("DATABASE_URL")
    request = RollbackRequest(
        args.to, args.repo, url, args.current, args.tree, version_table(args, config), config.dialect
    )
    record, window = check_rollback(request)
    record["window_file"] = None
    if args.write_window is not None and window is not None:
        write_record(window, args.write_window)
        record["window_file"] = str(args.write_window)
    return finish(record, args)
