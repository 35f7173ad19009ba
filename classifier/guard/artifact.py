"""The release artifact: what this process claims to be, read from the environment.

A release is valid only when every field is defined and the fields agree with
each other. ``ReleaseArtifact.from_env`` never raises: it keeps what it could
read (``None`` where a field is missing or unreadable) so the artifact can
still be shown, and ``check_artifact`` says what is wrong with it. The JSON
form of a valid artifact validates against ``schemas/release-artifact.schema.json``
and an invalid one does not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from classifier.guard.findings import GuardFinding, make_finding
from classifier.guard.redaction import Redactor

SIGNING_MODES: Final = ("required", "optional", "disabled")
# Names that move between builds: a release pinned to one of them is not reproducible.
MUTABLE_REFS: Final = frozenset({"latest", "HEAD", "head", "main", "master", "develop", "dev", "unknown"})

_CODE_SHA = re.compile(r"[0-9A-Za-z][0-9A-Za-z._+-]{0,127}")
_REVISION = re.compile(r"[0-9A-Za-z_][0-9A-Za-z_.-]*")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_FLAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_TRUE: Final = frozenset({"true", "1", "yes", "on"})
_FALSE: Final = frozenset({"false", "0", "no", "off"})


def parse_bool(raw: str | None) -> bool | None:
    """``true/1/yes/on`` or ``false/0/no/off`` (any case); ``None`` otherwise."""
    text = (raw or "").strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def parse_list(raw: str) -> tuple[str, ...]:
    """Comma-separated items, stripped, empty items dropped."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def is_revision_list(text: str) -> bool:
    """Whether ``text`` is a comma-separated list of Alembic revision ids."""
    return all(_REVISION.fullmatch(item.strip()) for item in text.split(","))


def _set(environ: Mapping[str, str], name: str) -> str | None:
    """The stripped value of ``name``, ``None`` when unset or blank."""
    value = environ.get(name, "").strip()
    return value or None


def _code_sha(environ: Mapping[str, str]) -> str | None:
    version_hash, git_sha = _set(environ, "VERSION_HASH"), _set(environ, "GIT_SHA")
    if version_hash and git_sha and version_hash != git_sha:
        return None  # two different identities: neither can be trusted
    return version_hash or git_sha


def _expected_head(environ: Mapping[str, str]) -> str | None:
    raw = environ.get("EXPECTED_ALEMBIC_HEAD")
    if raw is None:
        return None
    if is_revision_list(raw):
        return ",".join(sorted({item.strip() for item in raw.split(",")}))  # canonical, so a fleet compares equal
    return raw.strip()  # kept as given so the schema rejects it too


@dataclass(frozen=True, slots=True)
class ReleaseArtifact:
    """The machine-verifiable description of a running release.

    Attributes:
        code_sha: Immutable code identifier (``VERSION_HASH``, else ``GIT_SHA``).
        expected_alembic_head: Expected database head(s), comma-separated and
            sorted; ``None`` when not enforced.
        supported_api_versions: ``RELEASE_SUPPORTED_API_VERSIONS``.
        enabled_feature_flags: ``RELEASE_FEATURE_FLAGS`` (may be empty, must be set).
        signing_mode: ``SIGNING_MODE``, lower-cased.
        signing_required: ``SIGNING_REQUIRED``.
    """

    code_sha: str | None
    expected_alembic_head: str | None
    supported_api_versions: tuple[str, ...] | None
    enabled_feature_flags: tuple[str, ...] | None
    signing_mode: str | None
    signing_required: bool | None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ReleaseArtifact:
        """Read the artifact from ``environ`` without judging it (see ``check_artifact``)."""
        versions, flags, mode = (
            _set(environ, "RELEASE_SUPPORTED_API_VERSIONS"),
            environ.get("RELEASE_FEATURE_FLAGS"),
            _set(environ, "SIGNING_MODE"),
        )
        return cls(
            code_sha=_code_sha(environ),
            expected_alembic_head=_expected_head(environ),
            supported_api_versions=None if versions is None else parse_list(versions),
            enabled_feature_flags=None if flags is None else parse_list(flags),
            signing_mode=None if mode is None else mode.lower(),
            signing_required=parse_bool(environ.get("SIGNING_REQUIRED")),
        )

    @property
    def expected_heads(self) -> frozenset[str]:
        """The expected heads as a set (empty when not enforced)."""
        return frozenset(parse_list(self.expected_alembic_head or ""))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (lists, not tuples); it never holds a secret."""

        def listed(items: tuple[str, ...] | None) -> list[str] | None:
            return None if items is None else list(items)

        return {
            "code_sha": self.code_sha,
            "expected_alembic_head": self.expected_alembic_head,
            "supported_api_versions": listed(self.supported_api_versions),
            "enabled_feature_flags": listed(self.enabled_feature_flags),
            "signing_mode": self.signing_mode,
            "signing_required": self.signing_required,
        }

    def to_json(self) -> str:
        """``to_dict`` as one compact JSON line with sorted keys."""
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))


def check_artifact(environ: Mapping[str, str], redactor: Redactor) -> list[GuardFinding]:
    """Every reason the artifact in ``environ`` is not a valid release (ids E001 to E004).

    Args:
        environ: The environment to read.
        redactor: Hides secret values in the findings.
    """
    artifact = ReleaseArtifact.from_env(environ)
    return [
        *_check_code_sha(environ, artifact, redactor),
        *_check_expected_head(environ, artifact, redactor),
        *_check_items("RELEASE_SUPPORTED_API_VERSIONS", artifact.supported_api_versions, _VERSION, environ, redactor),
        *_check_items(
            "RELEASE_FEATURE_FLAGS", artifact.enabled_feature_flags, _FLAG, environ, redactor, may_be_empty=True
        ),
        *_check_signing(environ, artifact, redactor),
    ]


def _missing(name: str, environ: Mapping[str, str], redactor: Redactor, what: str) -> GuardFinding:
    return make_finding("release.E001", name, redactor.value(environ, name), f"{name} is not set: {what}.")


def _malformed(
    name: str, environ: Mapping[str, str], redactor: Redactor, why: str, hint: str | None = None
) -> GuardFinding:
    return make_finding("release.E002", name, redactor.value(environ, name), f"{name} {why}.", hint)


def _check_code_sha(environ: Mapping[str, str], artifact: ReleaseArtifact, redactor: Redactor) -> list[GuardFinding]:
    if _set(environ, "VERSION_HASH") and _set(environ, "GIT_SHA") and artifact.code_sha is None:
        return [
            _malformed(
                "VERSION_HASH",
                environ,
                redactor,
                "differs from GIT_SHA, so the code identity is ambiguous",
                "Set only VERSION_HASH, or make GIT_SHA the same commit.",
            )
        ]
    if artifact.code_sha is None:
        return [
            _missing("VERSION_HASH", environ, redactor, "the release has no code identifier (VERSION_HASH or GIT_SHA)")
        ]
    name = "VERSION_HASH" if _set(environ, "VERSION_HASH") else "GIT_SHA"
    if not _CODE_SHA.fullmatch(artifact.code_sha):
        return [_malformed(name, environ, redactor, "is not a code identifier (letters, digits, . _ + -, at most 128)")]
    if artifact.code_sha in MUTABLE_REFS:
        return [
            _malformed(
                name,
                environ,
                redactor,
                "names a moving ref, not an immutable code identifier",
                "Use the full commit sha or an immutable build id.",
            )
        ]
    return []


def _check_expected_head(
    environ: Mapping[str, str], artifact: ReleaseArtifact, redactor: Redactor
) -> list[GuardFinding]:
    head = artifact.expected_alembic_head
    if head is None or is_revision_list(head):
        return []
    return [
        _malformed(
            "EXPECTED_ALEMBIC_HEAD",
            environ,
            redactor,
            "is not a comma-separated list of Alembic revision ids",
            "Set it to the output of `alembic heads` (ids only), or unset it to skip the check.",
        )
    ]


def _check_items(
    name: str,
    items: tuple[str, ...] | None,
    pattern: re.Pattern[str],
    environ: Mapping[str, str],
    redactor: Redactor,
    *,
    may_be_empty: bool = False,
) -> list[GuardFinding]:
    if items is None:
        return [
            _missing(
                name, environ, redactor, "the list must be explicit" + (" (it may be empty)" if may_be_empty else "")
            )
        ]
    if not items and not may_be_empty:
        return [
            _malformed(
                name, environ, redactor, "names no version", "List every API version this release serves, e.g. v1,v2."
            )
        ]
    bad = [item for item in items if not pattern.fullmatch(item)]
    if bad:
        return [_malformed(name, environ, redactor, f"has malformed items: {', '.join(map(repr, bad))}")]
    if len(set(items)) != len(items):
        return [_malformed(name, environ, redactor, "lists an item twice")]
    return []


def _check_signing(environ: Mapping[str, str], artifact: ReleaseArtifact, redactor: Redactor) -> list[GuardFinding]:
    findings: list[GuardFinding] = []
    mode, required = artifact.signing_mode, artifact.signing_required
    if mode is None:
        findings.append(_missing("SIGNING_MODE", environ, redactor, "signing must be chosen explicitly"))
    elif mode not in SIGNING_MODES:
        findings.append(
            make_finding(
                "release.E003",
                "SIGNING_MODE",
                redactor.value(environ, "SIGNING_MODE"),
                f"SIGNING_MODE must be one of {', '.join(SIGNING_MODES)}.",
            )
        )
    if _set(environ, "SIGNING_REQUIRED") is None:
        findings.append(_missing("SIGNING_REQUIRED", environ, redactor, "signing must be chosen explicitly"))
    elif required is None:
        findings.append(_malformed("SIGNING_REQUIRED", environ, redactor, "is not a boolean (true/false)"))
    if mode in SIGNING_MODES and required is not None and required != (mode == "required"):
        findings.append(
            make_finding(
                "release.E004",
                "SIGNING_REQUIRED",
                redactor.value(environ, "SIGNING_REQUIRED"),
                f"SIGNING_REQUIRED={str(required).lower()} contradicts SIGNING_MODE={mode}.",
            )
        )
    return findings
