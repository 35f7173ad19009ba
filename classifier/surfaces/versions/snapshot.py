"""Writing a version's OpenAPI snapshot from the live app, and what the app serves.

This imports the user's own current code on purpose (``app = "module:app"``):
it serves ``classify snapshot``, the user's command run on the working tree,
never on a revision being compared. Snapshots are written canonically (sorted
keys, two-space indent) so that diffs between versions stay small and
reformatting never shows up. Checking them is ``drift.snapshot_drift``. The
functions return what happened; the command (``classifier.commands.snapshot``)
prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.model import Revision, Side
from classifier.policy.config import Config
from classifier.surfaces.versions.config import ApiConfig

SPEC_NAMES = ("openapi.json", "openapi.yaml", "openapi.yml")


@dataclass(frozen=True, slots=True)
class SnapshotWrite:
    """One written snapshot: its path from the project root, whether it changed, how many paths it has."""

    shown: str
    changed: bool
    paths: int


class ServedDocuments:
    """What the app (or a file) serves for each version; the app is imported once, on first use.

    A ``from_file`` path may hold ``{version}``: each version's document is then
    read from its own file (a build step that exports them, or test data).
    """

    def __init__(self, root: Path, api: ApiConfig, app: str | None = None, from_file: Path | None = None) -> None:
        self.from_file = from_file
        self.target = app or api.app
        self.root = root
        self.api = api
        self._app: Any = None

    def described(self) -> Revision:
        """What serves the documents, as a report names its head side."""
        if self.from_file is not None:
            return Revision(str(self.from_file), None, "the document given with --from-file")
        return Revision(self.target or "the app", None, "what the app serves, asked in process")

    def served(self, version: str) -> Any:
        from classifier.surfaces.versions.app import load_app, read_document, served_document

        if self.from_file is not None:
            return read_document(Path(str(self.from_file).replace("{version}", version)))
        if self.target is None:
            raise UsageError("no app to ask", hint="pass --app module:app, or set [tool.classifier.api] app")
        if self._app is None:
            self._app = load_app(self.target, self.root)
        return served_document(self._app, self.api.openapi_url.replace("{version}", version))


def load_project(config_path: Path | None) -> tuple[Path, Config]:
    """The project root (the config file's folder, else the current folder) and its configuration."""
    from classifier.policy.config import load_config

    root = config_path.resolve().parent if config_path is not None else Path.cwd()
    return root, load_config(root, config_path)


def api_of(config: Config) -> ApiConfig:
    """The ``api`` section of ``config``."""
    from classifier.surfaces.versions.config import parse_api_config

    return parse_api_config(config.table, config.origin)


def check_version_name(version: str) -> None:
    """Raise a usage error unless ``version`` is named like ``v1``."""
    from classifier.surfaces.versions.config import VERSION_PATTERN

    if VERSION_PATTERN.match(version) is None:
        raise UsageError(f"--version {version!r} is not a version name", hint="name versions v1, v2, …")


def snapshot_file(root: Path, api: ApiConfig, version: str) -> Path:
    """The version's OpenAPI snapshot: the one in its folder, else ``openapi.json`` there."""
    folder = root / api.folder(version)
    existing = [folder / name for name in SPEC_NAMES if (folder / name).is_file()]
    return existing[0] if existing else folder / "openapi.json"


def write_snapshot(root: Path, api: ApiConfig, documents: ServedDocuments, version: str) -> SnapshotWrite:
    """Write what the app serves for ``version`` as its snapshot, unless that would alter a frozen one.

    Raises:
        UsageError: ``version`` is frozen and the app serves something else.
    """
    from classifier.surfaces.versions.app import canonical, read_document

    served = documents.served(version)
    target = snapshot_file(root, api, version)
    shown = target.relative_to(root).as_posix()
    if target.is_file() and version in api.frozen and read_document(target) != served:
        raise UsageError(f"{version} is frozen and the app now serves something else than {shown}; not overwritten",
                         hint="deliver the change as a new version (--version with the next number)")
    text = canonical(served)
    paths = len(served.get("paths") or {})
    if target.is_file() and target.read_text("utf-8") == text:
        return SnapshotWrite(shown, False, paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, "utf-8")
    return SnapshotWrite(shown, True, paths)


def versions_to_check(version: str | None, root: Path, api: ApiConfig) -> list[str]:
    """``[version]`` when given, else every version that has a snapshot folder under ``root``."""
    from classifier.sources.directory import DirectorySource
    from classifier.surfaces.versions.layout import Layout

    if version is not None:
        check_version_name(version)
        return [version]
    found = list(Layout(api, DirectorySource(root, root)).files(Side.HEAD))
    if not found:
        raise UsageError(f"no snapshot folder matches {api.snapshots} under {root}",
                         hint="write one first: classify snapshot --version v1")
    return found
