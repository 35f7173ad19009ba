"""Where versions live at one revision: snapshot folders, the declaration, contract tests.

Everything is read through the ``Source``, so the declaration and the test
files are seen at the same revision as the snapshots they describe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from classifier.errors import SourceError
from classifier.model import Side
from classifier.policy.globs import match_any
from classifier.surfaces.versions.config import ApiConfig, version_key
from classifier.sources import Source, decode_text

WILDCARDS = frozenset("*?[{")


@dataclass(frozen=True)  # no slots: the folder listings are cached on the instance
class Layout:
    """The versions layout of one repository, read lazily at both sides."""

    api: ApiConfig
    source: Source

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        prefix, _, suffix = self.api.folder("\0").partition("\0")
        return re.compile(re.escape(prefix) + r"(v\d+(?:[a-z][a-z0-9]*)?)" + re.escape(suffix))

    def version_of(self, path: str | None) -> str | None:
        """The version whose snapshot folder holds ``path``, if any."""
        match = self._pattern.match(path) if path else None
        return match.group(1) if match else None

    def files(self, side: Side) -> dict[str, list[str]]:
        """Each version present at ``side`` and the files of its snapshot folder."""
        return self._files_base if side is Side.BASE else self._files_head

    @cached_property
    def _files_base(self) -> dict[str, list[str]]:
        return self._list(Side.BASE)

    @cached_property
    def _files_head(self) -> dict[str, list[str]]:
        return self._list(Side.HEAD)

    def _list(self, side: Side) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for path in self.source.list_files(side, static_root(self.api.folder("{version}"))):
            version = self.version_of(path)
            if version is not None:
                found.setdefault(version, []).append(path)
        return dict(sorted(found.items(), key=lambda item: version_key(item[0])))

    def declared(self, side: Side) -> tuple[str, ...]:
        """The supported versions declared at ``side`` (empty when the declaration file is absent there)."""
        if self.api.supported_versions_file is None:
            return self.api.supported_versions
        path = self.api.supported_versions_file
        data = self.source.read(side, path)
        if data is None:
            return ()
        return parse_declaration(decode_text(data, path, side), self.api.supported_versions_variable, path, side)

    def contract_tests(self, version: str) -> list[str]:
        """Test files at head that belong to ``version``: by name, or by naming its snapshot folder."""
        by_name = [p.replace("{version}", version) for p in self.api.contract_tests]
        named = [path for path in self._head_files(by_name) if match_any(path, by_name)]
        if named:
            return named
        folder = self.api.folder(version).rstrip("/").encode("utf-8")
        candidates = [p for p in self._head_files(self.api.reference_tests) if match_any(p, self.api.reference_tests)]
        return [path for path in candidates if folder in (self.source.read(Side.HEAD, path) or b"")]

    def _head_files(self, globs: list[str] | tuple[str, ...]) -> list[str]:
        roots = sorted({static_root(glob) for glob in globs})
        if "" in roots:
            roots = [""]
        return [path for root in roots for path in self.source.list_files(Side.HEAD, root)]


def static_root(glob: str) -> str:
    """The folder part of ``glob`` before its first wildcard ('' when it starts with one)."""
    parts: list[str] = []
    for part in glob.split("/")[:-1]:
        if WILDCARDS & set(part) or part == "{version}":
            break
        parts.append(part)
    return "/".join(parts)


def parse_declaration(text: str, variable: str, path: str, side: Side) -> tuple[str, ...]:
    """The versions in a ``VARIABLE=v1,v2`` line (``export`` and quotes allowed).

    Raises:
        SourceError: the file does not set ``variable``.
    """
    for line in text.splitlines():
        name, equals, value = line.strip().removeprefix("export ").partition("=")
        if equals and name.strip() == variable:
            value = value.split(" #", 1)[0].strip().strip("'\"")
            return tuple(v.strip() for v in value.split(",") if v.strip())
    raise SourceError(
        f"{path} ({side.value}): no {variable}= line declares the supported API versions",
        hint=f"add a line such as {variable}=v1, or set [tool.classifier.api] supported_versions_variable",
    )
