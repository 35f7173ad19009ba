"""``classify guard check``: the startup guards as a deploy pre-flight.

Exit codes: 0 every guard passed (warnings allowed), 1 startup would be
refused, 2 usage error (bad option, unreadable config, bad database URL),
3 internal error. ``classifier.cli`` mounts this on its ``guard`` sub-command
through ``configure`` and ``run``; ``python -m classifier.commands.guard``
runs it on its own (a deploy job that has only the runtime dependencies).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from classifier.guard.config import GuardConfig, GuardConfigError, config_from_mapping, load_config
from classifier.guard.startup import evaluate_startup
from classifier.guard.timeouts import CONNECT_TIMEOUT_ENV, STATEMENT_TIMEOUT_ENV, timeout_problem
from classifier.report.guard import render_guard_report

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

EXIT_PASSED, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FORMATS = ("text", "json")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the required ``check`` sub-command and its options to ``parser``.

    Args:
        parser: The ``guard`` parser of the ``classify`` command line.
    """
    commands = parser.add_subparsers(dest="guard_command", metavar="COMMAND", required=True)
    check = commands.add_parser(
        "check",
        help="run the startup guards against this environment (deploy pre-flight)",
        description="Run every startup guard against the current environment and report every failure. "
        "Exit 0 when startup would be allowed, 1 when refused, 2 on a usage error.",
    )
    check.add_argument("--database-url", metavar="URL", help="database whose Alembic heads to check")
    check.add_argument(
        "--script-location", metavar="DIR", help="Alembic script directory (or alembic.ini) of this release"
    )
    check.add_argument("--config", metavar="FILE", help="guard config, TOML or JSON (default: [guard] of "
                       ".classifier.toml, else [tool.classifier.guard] of pyproject.toml, in the current folder)")
    check.add_argument("--connect-timeout", metavar="SECONDS", type=float, help="longest wait for a database "
                       "connection (default: GUARD_CONNECT_TIMEOUT, else the config's connect_timeout, else 3)")
    check.add_argument("--statement-timeout", metavar="SECONDS", type=float, help="longest wait for the probe's "
                       "queries once connected (default: GUARD_STATEMENT_TIMEOUT, else the config's, else 3)")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.set_defaults(handler=run)


class _UsageError(Exception):
    """A problem with how the command was called; exit 2."""


def _config(args: argparse.Namespace) -> GuardConfig:
    config = load_config(args.config) if args.config else _project_config(Path.cwd())
    if args.script_location:
        if not Path(args.script_location).exists():
            raise _UsageError(f"--script-location {args.script_location}: no such file or directory")
        config = replace(config, script_location=args.script_location)
    return config


def _project_config(folder: Path) -> GuardConfig:
    """The project's own guard section, found like ``classify`` finds its configuration; none: defaults."""
    dedicated = folder / ".classifier.toml"
    if dedicated.is_file():
        table = _toml(dedicated).get("guard")
        if isinstance(table, dict):
            return config_from_mapping(table, source=f"{dedicated.name} [guard]")
        return GuardConfig()
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and isinstance(_toml(pyproject).get("tool", {}).get("classifier", {}).get("guard"), dict):
        return load_config(pyproject)
    return GuardConfig()


def _toml(path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _UsageError(f"{path.name}: cannot be read as TOML: {error}") from None


def _timeouts(args: argparse.Namespace) -> dict[str, str]:
    """The environment the guards read, with the command line's timeouts winning over it."""
    environ = dict(os.environ)
    for flag, value, variable in (("--connect-timeout", args.connect_timeout, CONNECT_TIMEOUT_ENV),
                                  ("--statement-timeout", args.statement_timeout, STATEMENT_TIMEOUT_ENV)):
        if value is None:
            continue
        problem = timeout_problem(value)
        if problem is not None:
            raise _UsageError(f"{flag} {problem}")
        environ[variable] = repr(value)
    return environ


def _engine(args: argparse.Namespace, config: GuardConfig) -> Engine | None:
    url = args.database_url or (os.environ.get(config.database_url_env) if config.database_url_env else None)
    if not url:
        return None
    import sqlalchemy

    try:
        return sqlalchemy.create_engine(url)
    except (sqlalchemy.exc.ArgumentError, ImportError, ValueError) as error:
        # Never echo the URL: it may carry a password.
        raise _UsageError(f"cannot use the database URL: {type(error).__name__}: {error}".split("\n")[0]) from None


@contextmanager
def _quiet_guard_logger() -> Iterator[None]:
    """The report already shows every warning; do not print them twice."""
    logger = logging.getLogger("classifier.guard")
    handler, propagate = logging.NullHandler(), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def run(args: argparse.Namespace) -> int:
    """Run ``classify guard check`` for parsed ``args`` and print the report.

    Returns:
        0 passed, 1 refused, 2 usage error, 3 internal error; never raises.
    """
    try:
        if getattr(args, "format", "text") not in FORMATS:
            raise _UsageError(f"--format must be one of {', '.join(FORMATS)}")
        config = _config(args)
        environ = _timeouts(args)
        engine = _engine(args, config)
        with _quiet_guard_logger():
            report = evaluate_startup(config, environ, engine)
        if engine is not None:
            engine.dispose()
    except (_UsageError, GuardConfigError) as error:
        print(f"classify guard: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:  # a bug: say so in one line, no traceback
        print(f"classify guard: internal error: {type(error).__name__}: {error} (please report)", file=sys.stderr)
        return EXIT_INTERNAL
    print(render_guard_report(report, args.format))
    return EXIT_PASSED if report.passed else EXIT_REFUSED


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry point: ``python -m classifier.commands.guard check …``."""
    parser = argparse.ArgumentParser(prog="classify guard", description="Runtime release guard.")
    configure(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
