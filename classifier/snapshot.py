"""``classify snapshot``: write or check a version's OpenAPI snapshot from the live app.

This imports the user's own current code on purpose (``--app module:app``):
it is the user's command, run on the working tree, never on a revision being
compared. Snapshots are written canonically (sorted keys, two-space indent)
so that diffs between versions stay small and reformatting never shows up.

Exit codes: 0 written or matching, 1 ``--check`` found a snapshot that differs
from what the app serves (or is missing), 2 usage or input error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Sequence

from classifier.errors import ClassifierError, UsageError
from classifier.model import Side
from classifier.surfaces.versions.config import ApiConfig

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2
SPEC_NAMES = ("openapi.json", "openapi.yaml", "openapi.yml")


def configure_parser(parser: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace) -> int:
    """Write or check snapshots as ``args`` asks; prints its own output and returns the exit code."""
    root, api = _project(args.config)
    documents = _Documents(args, root, api)
    if args.check:
        return _check(root, api, documents, _versions_to_check(args.api_version, root, api))
    if args.api_version is None:
        raise UsageError("which version to write?", hint="add --version, e.g. --version v2")
    _check_version_name(args.api_version)
    return _write(root, api, documents, args.api_version)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m classifier.snapshot``: the same command on its own."""
    parser = argparse.ArgumentParser(prog="classify snapshot", description=__doc__.splitlines()[0])
    configure_parser(parser)
    args = parser.parse_args(argv)
    try:
        return run(args)
    except ClassifierError as exc:
        hint = f"; fix: {exc.hint}" if exc.hint else ""
        print(f"classify: error: {exc.message}{hint}", file=sys.stderr)
        return EXIT_ERROR


class _Documents:
    """What the app (or the file) serves for each version; the app is imported once."""

    def __init__(self, args: argparse.Namespace, root: Path, api: ApiConfig) -> None:
        self.from_file: Path | None = args.from_file
        self.target: str | None = args.app or api.app
        self.root = root
        self.api = api
        self._app: Any = None

    def served(self, version: str) -> Any:
        from classifier.surfaces.versions.app import load_app, read_document, served_document

        if self.from_file is not None:
            return read_document(self.from_file)
        if self.target is None:
            raise UsageError("no app to ask", hint="pass --app module:app, or set [tool.classifier.api] app")
        if self._app is None:
            self._app = load_app(self.target, self.root)
        return served_document(self._app, self.api.openapi_url.replace("{version}", version))


def _project(config_path: Path | None) -> tuple[Path, ApiConfig]:
    from classifier.policy.config import load_config
    from classifier.surfaces.versions.config import parse_api_config

    root = config_path.resolve().parent if config_path is not None else Path.cwd()
    config = load_config(root, config_path)
    return root, parse_api_config(config.table, config.origin)


def _check_version_name(version: str) -> None:
    from classifier.surfaces.versions.config import VERSION_PATTERN

    if VERSION_PATTERN.match(version) is None:
        raise UsageError(f"--version {version!r} is not a version name", hint="name versions v1, v2, …")


def snapshot_file(root: Path, api: ApiConfig, version: str) -> Path:
    """The version's OpenAPI snapshot: the one in its folder, else ``openapi.json`` there."""
    folder = root / api.folder(version)
    existing = [folder / name for name in SPEC_NAMES if (folder / name).is_file()]
    return existing[0] if existing else folder / "openapi.json"


def _write(root: Path, api: ApiConfig, documents: _Documents, version: str) -> int:
    from classifier.surfaces.versions.app import canonical, read_document

    served = documents.served(version)
    target = snapshot_file(root, api, version)
    shown = target.relative_to(root).as_posix()
    if target.is_file() and version in api.frozen and read_document(target) != served:
        raise UsageError(f"{version} is frozen and the app now serves something else than {shown}; not overwritten",
                         hint="deliver the change as a new version (--version with the next number)")
    text = canonical(served)
    if target.is_file() and target.read_text("utf-8") == text:
        print(f"{shown}: unchanged")
        return EXIT_OK
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    print(f"{shown}: written ({len(served.get('paths') or {})} paths)")
    return EXIT_OK


def _versions_to_check(version: str | None, root: Path, api: ApiConfig) -> list[str]:
    from classifier.surfaces.versions.layout import Layout
    from classifier.sources.directory import DirectorySource

    if version is not None:
        _check_version_name(version)
        return [version]
    found = list(Layout(api, DirectorySource(root, root)).files(Side.HEAD))
    if not found:
        raise UsageError(f"no snapshot folder matches {api.snapshots} under {root}",
                         hint="write one first: classify snapshot --version v1")
    return found


def _check(root: Path, api: ApiConfig, documents: _Documents, versions: list[str]) -> int:
    from classifier.surfaces.versions.app import read_document, readable_diff

    differing = 0
    for version in versions:
        target = snapshot_file(root, api, version)
        shown = target.relative_to(root).as_posix()
        served = documents.served(version)
        if not target.is_file():
            print(f"{shown}: missing (write it with classify snapshot --version {version})")
            differing += 1
            continue
        committed = read_document(target)
        if committed == served:
            print(f"{shown}: matches what the app serves")
            continue
        differing += 1
        print(f"{shown}: differs from what the app serves")
        print(readable_diff(committed, served, shown, f"app {version}"))
    return EXIT_DIFFERS if differing else EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
