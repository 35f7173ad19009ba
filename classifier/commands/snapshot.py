"""``classify snapshot``: write a version's OpenAPI snapshot from the live app, or check every snapshot against it.

This command imports your app: it runs your own current code, on purpose, as
your tests do. ``classify`` itself (the comparison) never does.

Exit codes: 0 written, or ``--check`` found no drift that blocks; 1 ``--check``
found a drift that blocks (a frozen version's, or a snapshot out of date);
2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from classifier.commands.common import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_PASSED,
    LABEL_CHOICES,
    Output,
    add_output_options,
    distinct_outputs,
    write_reports,
)
from classifier.errors import ClassifierError, UsageError

if TYPE_CHECKING:  # the app and its documents are loaded only when the command runs
    from classifier.policy.config import Config
    from classifier.surfaces.versions.snapshot import ServedDocuments

def configure(parser: argparse.ArgumentParser) -> None:
    """Add the snapshot options to ``parser`` (the ``snapshot`` sub-command of ``classify``)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--app", metavar="MODULE:APP", help="the ASGI app serving the documents "
                        "(default: [tool.classifier.api] app)")
    source.add_argument("--from-file", metavar="FILE", type=Path, help="take the document from a JSON or YAML file "
                        "({version} in the name: one file per version)")
    parser.add_argument("--version", dest="api_version", metavar="VERSION", help="the API version, e.g. v2 "
                        "(required to write; --check checks every version with a snapshot when omitted)")
    parser.add_argument("--check", action="store_true", help="write nothing; compare each committed snapshot with "
                        "what the app serves and report the differences like a comparison (exit 1 when one blocks)")
    parser.add_argument("--config", metavar="FILE", type=Path, help="configuration file (default: .classifier.toml, "
                        "else [tool.classifier] in pyproject.toml of the current folder)")
    report = parser.add_argument_group("the drift report (with --check)")
    add_output_options(report)
    report.add_argument("--fail-on", choices=LABEL_CHOICES, help="lowest label that fails "
                        "(default: the configuration's fail_on)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write or check snapshots as ``args`` asks; print what happened and return the exit code."""
    from classifier.surfaces.versions.snapshot import (
        ServedDocuments,
        api_of,
        check_version_name,
        load_project,
        versions_to_check,
    )

    root, config = load_project(args.config)
    api = api_of(config)
    documents = ServedDocuments(root, api, app=args.app, from_file=args.from_file)
    if args.check:
        return _check(args, root, config, documents, versions_to_check(args.api_version, root, api))
    if args.formats or args.fail_on:
        raise UsageError("--format and --fail-on go with --check", hint="add --check, or drop them to write")
    if args.api_version is None:
        raise UsageError("which version to write?", hint="add --version, e.g. --version v2")
    check_version_name(args.api_version)
    return _write(root, config, documents, args.api_version)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m classifier.commands.snapshot``: the same command on its own."""
    parser = argparse.ArgumentParser(prog="classify snapshot", description=(__doc__ or "").splitlines()[0])
    configure(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ClassifierError as exc:
        hint = f"; fix: {exc.hint}" if exc.hint else ""
        print(f"classify: error: {exc.message}{hint}", file=sys.stderr)
        return EXIT_ERROR


def _write(root: Path, config: Config, documents: ServedDocuments, version: str) -> int:
    from classifier.surfaces.versions.snapshot import api_of, write_snapshot

    written = write_snapshot(root, api_of(config), documents, version)
    if written.changed:
        print(f"{written.shown}: written ({written.paths} paths)")
    else:
        print(f"{written.shown}: unchanged")
    return EXIT_PASSED


def _check(args: argparse.Namespace, root: Path, config: Config, documents: ServedDocuments,
           versions: list[str]) -> int:
    from classifier.model import Label
    from classifier.surfaces.versions.drift import snapshot_drift

    if args.fail_on:
        config = replace(config, fail_on=None if args.fail_on == "none" else Label(args.fail_on))
    report = snapshot_drift(root, config, documents, versions)
    write_reports(report, distinct_outputs(args.formats or [Output("text", None)]), args.color)
    return EXIT_PASSED if report.passed else EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
