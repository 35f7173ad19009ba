"""Verification outcomes of historical artifacts, recorded before and compared after an upgrade.

The seed accepts an upgrade only if historical proof, lineage and anchor
verification results stay unchanged. ``record`` runs the application's own
verifier over a corpus of those artifacts and keeps each outcome (valid or
invalid plus a reason code) with the artifact's digest; ``compare`` runs it
again and names every artifact whose outcome moved. The verifier is imported
on purpose: it is the operator's current code, named on their command line.

A verifier is ``function(path, data)`` with the corpus-relative POSIX path and
the file's bytes. It returns ``True``/``False``, ``(valid, reason)``, a mapping
with ``valid`` and ``reason``, or an object with those attributes. An
exception is an outcome too (``error`` with the exception's class as reason).
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.records import SCHEMA_VERSION, findings_block, now

Verifier = Callable[[str, bytes], Any]
VALID, INVALID, ERROR, UNREADABLE = "valid", "invalid", "error", "unreadable"


@dataclass(frozen=True, slots=True)
class Outcome:
    """One artifact's verification result.

    Attributes:
        path: Corpus-relative POSIX path.
        outcome: ``valid``, ``invalid``, ``error`` or ``unreadable``.
        reason: The verifier's reason code (or the error's class, or errno name).
        sha256: Digest of the bytes verified (``None`` when unreadable).
    """

    path: str
    outcome: str
    reason: str
    sha256: str | None

    def to_dict(self) -> dict[str, Any]:
        """The record form."""
        return {"path": self.path, "outcome": self.outcome, "reason": self.reason, "sha256": self.sha256}


def load_verifier(spec: str, search_path: Path) -> Verifier:
    """Import ``module:function`` with ``search_path`` first on ``sys.path``.

    Raises:
        UsageError: The spec is malformed, the import fails or the name is not callable.
    """
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UsageError(
            f"--verifier {spec!r} is not module:function", hint="e.g. --verifier myapp.verify:verify_artifact"
        )
    if str(search_path) not in sys.path:
        sys.path.insert(0, str(search_path))
    try:
        module = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 - the user's module may raise anything on import
        raise UsageError(
            f"--verifier {spec}: cannot import {module_name}: {type(error).__name__}: {error}",
            hint="check the module name and --path",
        ) from None
    target: Any = module
    for part in attribute.split("."):
        target = getattr(target, part, None)
    if not callable(target):
        raise UsageError(
            f"--verifier {spec}: {module_name} has no callable {attribute}", hint="name a function(path, data)"
        )
    verifier: Verifier = target
    return verifier


def _verdict(result: Any) -> tuple[str, str]:
    """``(outcome, reason)`` from whatever shape the verifier returned."""
    if isinstance(result, bool):
        return (VALID, "ok") if result else (INVALID, "invalid")
    if isinstance(result, tuple) and len(result) == 2:
        return (VALID if result[0] else INVALID), str(result[1])
    if isinstance(result, Mapping):
        return (VALID if result.get("valid") else INVALID), str(result.get("reason", ""))
    if hasattr(result, "valid"):
        return (VALID if result.valid else INVALID), str(getattr(result, "reason", ""))
    return ERROR, f"unexpected-result:{type(result).__name__}"


def _corpus_files(corpus: Path, errors: list[GuardFinding]) -> Iterator[Path]:
    def unreadable_folder(error: OSError) -> None:
        errors.append(
            finding(
                "upgrade.E031",
                str(error.filename),
                "<unreadable>",
                f"Corpus folder cannot be listed: {error.strerror}.",
            )
        )

    for folder, subfolders, files in os.walk(corpus, onerror=unreadable_folder):
        subfolders.sort()
        yield from (Path(folder) / name for name in sorted(files))


def verify_corpus(verifier: Verifier, corpus: Path) -> tuple[list[Outcome], list[GuardFinding]]:
    """Run ``verifier`` over every file of ``corpus``; unreadable files are outcomes and findings.

    Raises:
        UsageError: ``corpus`` is not a folder.
    """
    if not corpus.is_dir():
        raise UsageError(f"--corpus {corpus}: not a folder", hint="pass the folder of historical artifacts")
    findings: list[GuardFinding] = []
    outcomes: list[Outcome] = []
    for file in _corpus_files(corpus, findings):
        relative = file.relative_to(corpus).as_posix()
        try:
            data = file.read_bytes()
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else type(error).__name__
            outcomes.append(Outcome(relative, UNREADABLE, reason, None))
            findings.append(
                finding("upgrade.E031", relative, "<unreadable>", f"Artifact {relative} cannot be read: {reason}.")
            )
            continue
        try:
            outcome, reason = _verdict(verifier(relative, data))
        except Exception as error:  # noqa: BLE001 - a verifier crash on one artifact is that artifact's outcome
            outcome, reason = ERROR, type(error).__name__
        outcomes.append(Outcome(relative, outcome, reason, hashlib.sha256(data).hexdigest()))
    return outcomes, findings


def outcomes_record(
    verifier: str, corpus: Path, outcomes: list[Outcome], findings: list[GuardFinding], **extra: Any
) -> dict[str, Any]:
    """The outcomes record (``schemas/outcomes.schema.json``)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "outcomes",
        "created_at": now(),
        "verifier": verifier,
        "corpus": str(corpus),
        "artifacts": [outcome.to_dict() for outcome in outcomes],
        **extra,
        **findings_block(findings, exit_status(findings)),
    }


def drift(baseline: list[dict[str, Any]], now_outcomes: list[Outcome]) -> tuple[list[GuardFinding], list[str]]:
    """Findings for every artifact whose outcome or bytes moved, and the paths new since the record."""
    current = {outcome.path: outcome for outcome in now_outcomes}
    findings: list[GuardFinding] = []
    for before in baseline:
        path, after = before["path"], current.get(before["path"])
        if after is None:
            findings.append(
                finding(
                    "upgrade.E032", path, "<missing>", f"Artifact {path} was recorded but is no longer in the corpus."
                )
            )
        elif after.outcome == UNREADABLE:
            continue  # already reported by verify_corpus
        elif before["sha256"] is not None and after.sha256 != before["sha256"]:
            findings.append(
                finding("upgrade.E033", path, after.sha256 or "", f"Artifact {path} changed since the record.")
            )
        elif (after.outcome, after.reason) != (before["outcome"], before["reason"]):
            was, now_is = f"{before['outcome']} ({before['reason']})", f"{after.outcome} ({after.reason})"
            findings.append(finding("upgrade.E030", path, now_is, f"Artifact {path} was {was}, is now {now_is}."))
    recorded = {before["path"] for before in baseline}
    return findings, sorted(path for path in current if path not in recorded)
