"""``classify snapshot``: write or check a version's OpenAPI snapshot from the live app.

Exit codes: 0 written or matching, 1 ``--check`` found a snapshot that differs
from what the app serves (or is missing), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from classifier.errors import ClassifierError, UsageError

if TYPE_CHECKING:  # the app and its documents are loaded only when the command runs
    from classifier.surfaces.versions.config import ApiConfig
    from classifier.surfaces.versions.snapshot import ServedDocuments

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the snapshot options to ``parser`` (the ``snapshot`` sub-command of ``classify``)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--app", metavar="MODULE:APP", help="the ASGI app serving the documents "
                        "(default: [tool.classifier.api] app)")
    source.add_argument("--from-file", metavar="FILE", type=Path, help="take the document from a JSON or YAML file")
    parser.add_argument("--version", dest="api_version", metavar="VERSION", help="the API version, e.g. v2 "
                        "(required to write; --check checks every version with a snapshot when omitted)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a committed snapshot "
                        "differs from what the app serves")
    parser.add_argument("--config", metavar="FILE", type=Path, help="configuration file (default: .classifier.toml, "
                        "else [tool.classifier] in pyproject.toml of the current folder)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write or check snapshots as ``args`` asks; print what happened and return the exit code."""
    from classifier.surfaces.versions.snapshot import (
        ServedDocuments,
        check_version_name,
        load_project,
        versions_to_check,
    )

    root, api = load_project(args.config)
    documents = ServedDocuments(root, api, app=args.app, from_file=args.from_file)
    if args.check:
        return _check(root, api, documents, versions_to_check(args.api_version, root, api))
    if args.api_version is None:
        raise UsageError("which version to write?", hint="add --version, e.g. --version v2")
    check_version_name(args.api_version)
    return _write(root, api, documents, args.api_version)


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


def _write(root: Path, api: ApiConfig, documents: ServedDocuments, version: str) -> int:
    from classifier.surfaces.versions.snapshot import write_snapshot

    written = write_snapshot(root, api, documents, version)
    if written.changed:
        print(f"{written.shown}: written ({written.paths} paths)")
    else:
        print(f"{written.shown}: unchanged")
    return EXIT_OK


def _check(root: Path, api: ApiConfig, documents: ServedDocuments, versions: list[str]) -> int:
    from classifier.surfaces.versions.snapshot import check_snapshot

    differing = 0
    for version in versions:
        result = check_snapshot(root, api, documents, version)
        if result.state == "missing":
            print(f"{result.shown}: missing (write it with classify snapshot --version {version})")
        elif result.state == "matches":
            print(f"{result.shown}: matches what the app serves")
        else:
            print(f"{result.shown}: differs from what the app serves")
            print(result.diff)
        differing += result.state != "matches"
    return EXIT_DIFFERS if differing else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
