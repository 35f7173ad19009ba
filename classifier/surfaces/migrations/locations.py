"""Where Alembic looks for revision files, resolved the way Alembic resolves it.

An ``alembic.ini`` names ``script_location`` (the environment) and optionally
``version_locations`` (folders of revision files, default
``<script_location>/versions``), split by ``version_path_separator``;
``%(here)s`` is the folder of the ini file, and relative paths are taken from
there (where ``alembic`` is run). With ``recursive_version_locations = true``
revision files in subfolders count too. The file is read as text with
``configparser``; nothing is run. An ini file is looked for in the folders
above each changed Python file, so the cost follows the change, not the
repository.
"""

from __future__ import annotations

import configparser
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass

from classifier.errors import ClassifierError
from classifier.model import Side
from classifier.sources import Source

INI_NAME = "alembic.ini"
_SEPARATORS = {"space": " ", "comma": ",", "colon": ":", "semicolon": ";", "newline": "\n", "os": ":"}


@dataclass(frozen=True, slots=True)
class VersionLocation:
    """One folder of revision files, from the ini file that names it."""

    folder: str
    recursive: bool
    ini: str
    # Every location of one ini file holds one revision graph: the first folder names it.
    group: str = ""

    def holds(self, path: str) -> bool:
        """Whether Alembic reads ``path`` as a revision file of this location."""
        prefix = f"{self.folder}/" if self.folder else ""
        if not path.startswith(prefix) or not path.endswith(".py"):
            return False
        rest = path[len(prefix):]
        return self.recursive or "/" not in rest


def ini_locations(ini_path: str, text: str) -> list[VersionLocation]:
    """The version locations an ``alembic.ini`` at ``ini_path`` names (none when it names none)."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return []
    if not parser.has_section("alembic"):
        return []
    section = parser["alembic"]
    here = posixpath.dirname(ini_path)
    recursive = section.get("recursive_version_locations", "false").strip().lower() in ("true", "1", "yes", "on")
    raw = section.get("version_locations", "").strip()
    if raw:
        folders = _split(raw, section.get("version_path_separator", "").split("#")[0].strip().lower())
    elif section.get("script_location", "").strip():
        folders = [f"{section['script_location'].strip()}/versions"]
    else:
        return []
    found = [folder for folder in (_resolve(folder, here) for folder in folders) if folder is not None]
    return [VersionLocation(folder, recursive, ini_path, found[0]) for folder in found]


def _split(value: str, separator: str) -> list[str]:
    if separator in _SEPARATORS:
        return [item.strip() for item in value.split(_SEPARATORS[separator]) if item.strip()]
    # No separator configured: Alembic splits on spaces and commas.
    return [item for item in value.replace(",", " ").split() if item]


def _resolve(value: str, here: str) -> str | None:
    """A repository-relative folder for an ini value; ``None`` when it leaves the repository."""
    value = value.strip()
    if "%(here)s" in value:
        folder = value.replace("%(here)s", here or ".")
    elif ":" in value and not value.startswith("/"):
        package, _, resource = value.partition(":")  # ``myapp:migrations`` names a package resource
        folder = posixpath.join(package.replace(".", "/"), resource)
    else:
        folder = posixpath.join(here, value) if here else value
    if folder.startswith("/"):
        return None
    folder = posixpath.normpath(folder)
    if folder == ".":
        return ""
    return None if folder == ".." or folder.startswith("../") else folder


class LocationFinder:
    """Finds the ini files above changed files, at both sides, each read once."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._by_folder: dict[str, list[VersionLocation]] = {}

    def locations_above(self, paths: Iterable[str]) -> list[VersionLocation]:
        """Every version location named by an ``alembic.ini`` in a folder above one of ``paths``."""
        found: dict[VersionLocation, None] = {}
        for path in paths:
            folder = posixpath.dirname(path)
            while True:
                for location in self._at(folder):
                    found.setdefault(location, None)
                if not folder:
                    break
                folder = posixpath.dirname(folder)
        return list(found)

    def _at(self, folder: str) -> list[VersionLocation]:
        if folder not in self._by_folder:
            ini = f"{folder}/{INI_NAME}" if folder else INI_NAME
            locations: list[VersionLocation] = []
            for side in (Side.HEAD, Side.BASE):
                try:
                    data = self.source.read(side, ini)
                except ClassifierError:
                    data = None
                if data is not None:
                    locations.extend(ini_locations(ini, data.decode("utf-8", "replace")))
            self._by_folder[folder] = list(dict.fromkeys(locations))
        return self._by_folder[folder]
