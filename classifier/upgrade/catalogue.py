"""The one table of upgrade-operation ids.

Ids are a public contract, like the guard's ``release.*`` ids: runbooks and
dashboards key on them, so an id is never reused for another meaning. Every
row carries the exit status its command returns when the check fails, so a
deploy script can tell one abort condition from another without parsing text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from classifier.guard.findings import GuardFinding


@dataclass(frozen=True, slots=True)
class UpgradeCheck:
    """One row of the catalogue.

    Attributes:
        id: Stable id such as ``upgrade.E010``.
        name: Short kebab-case name.
        summary: What failed, one line.
        hint: The default fix shown after ``HINT:``.
        exit_status: What the command exits with when this check fails.
    """

    id: str
    name: str
    summary: str
    hint: str
    exit_status: int = 1


_CHECKS: Final = (
    # preflight: every failure exits 1, all are listed
    UpgradeCheck(
        "upgrade.E001",
        "code-sha-unconfirmed",
        "The target code_sha is missing, ambiguous or not the checked-out commit.",
        "Export VERSION_HASH (or GIT_SHA) = the full commit sha of the release being deployed.",
    ),
    UpgradeCheck(
        "upgrade.E002",
        "database-unreachable",
        "The database does not answer.",
        "Check the database URL, network and credentials.",
    ),
    UpgradeCheck(
        "upgrade.E003",
        "scripts-unreadable",
        "The target Alembic script directory cannot be read.",
        "Point --script-location at the release's Alembic directory (or its alembic.ini).",
    ),
    UpgradeCheck(
        "upgrade.E004",
        "restore-point-missing",
        "No usable backup restore point.",
        "Take a backup (pg_dump -Fc, or sqlite3 .backup) just before migrating, then rerun.",
    ),
    UpgradeCheck(
        "upgrade.E005",
        "append-only-table-unreadable",
        "An append-only table cannot be read.",
        "Check the table name (schema.table) and that the user may SELECT from it.",
    ),
    UpgradeCheck(
        "upgrade.E006",
        "database-not-upgradable",
        "The database is not below the target heads.",
        "Deploy the release whose migrations know the database head; never migrate across branches.",
    ),
    # postflight: the seed's abort conditions, each with its own exit status
    UpgradeCheck(
        "upgrade.E010",
        "head-mismatch",
        "The database heads are not the target heads.",
        "Run `alembic upgrade head` with the release's scripts, then rerun postflight.",
        10,
    ),
    UpgradeCheck(
        "upgrade.E011",
        "readiness-failed",
        "The service's /health or /ready does not answer ok.",
        "Look at the /ready body (`?verbose`) and the service logs; stop traffic to the instance.",
        11,
    ),
    UpgradeCheck(
        "upgrade.E012",
        "startup-guard-failed",
        "The service's startup guards failed, or it runs or recorded another release.",
        "Fix the release variables the guard names (`classify guard check`), redeploy.",
        12,
    ),
    UpgradeCheck(
        "upgrade.E013",
        "verification-mismatch",
        "The verification sample failed on existing proofs.",
        "Abort: do not open traffic; compare `classify outcomes compare` and roll forward a fix.",
        13,
    ),
    UpgradeCheck(
        "upgrade.E014",
        "history-rewritten",
        "Rows of an append-only table that existed before were changed or deleted.",
        "Abort: restore from the restore point; append-only history must never be rewritten.",
        14,
    ),
    # fleet
    UpgradeCheck(
        "upgrade.E020",
        "fleet-mixed-code-sha",
        "Instances run different code_sha values.",
        "Finish or roll back the rollout so every instance runs one release.",
    ),
    UpgradeCheck(
        "upgrade.E021",
        "fleet-heads-inconsistent",
        "Instances report different Alembic heads.",
        "Every instance must expect and see the same heads; redeploy the odd ones.",
    ),
    UpgradeCheck(
        "upgrade.E022",
        "instance-not-ready",
        "An instance answers but is not ready.",
        "Stop traffic to it and read its /ready?verbose output.",
    ),
    UpgradeCheck(
        "upgrade.E023",
        "instance-unreachable",
        "An instance did not answer (refused, timed out, bad response).",
        "Check that the instance is running and the URL is its /ready endpoint.",
    ),
    UpgradeCheck(
        "upgrade.E024",
        "instance-wrong-release",
        "An instance runs another code_sha than expected.",
        "Redeploy the instance with the target release.",
    ),
    # outcomes
    UpgradeCheck(
        "upgrade.E030",
        "outcome-drift",
        "A historical artifact verifies differently than recorded.",
        "Abort the upgrade: historical verification results must stay unchanged.",
    ),
    UpgradeCheck(
        "upgrade.E031",
        "artifact-unreadable",
        "A corpus file cannot be read.",
        "Fix the file's permissions or restore it; every historical artifact must be verified.",
    ),
    UpgradeCheck(
        "upgrade.E032",
        "artifact-missing",
        "A recorded artifact is no longer in the corpus.",
        "Restore the artifact: the corpus is history and must not shrink.",
    ),
    UpgradeCheck(
        "upgrade.E033",
        "artifact-changed",
        "A recorded artifact's bytes changed since the record.",
        "Restore the artifact: historical artifacts are never edited.",
    ),
    # rollback
    UpgradeCheck(
        "upgrade.E040",
        "rollback-unknown-revisions",
        "The rollback target has never seen the database head.",
        "Do not roll the app back; write a roll-forward corrective migration instead.",
    ),
    UpgradeCheck(
        "upgrade.E041",
        "rollback-heads-differ",
        "The rollback target knows the database head but its migrations end elsewhere.",
        "Pick the release whose EXPECTED_ALEMBIC_HEAD is the current database head.",
    ),
)

CHECKS: Final[dict[str, UpgradeCheck]] = {check.id: check for check in _CHECKS}
"""Every upgrade id, in catalogue order."""


def finding(check_id: str, key: str, value: str, message: str, hint: str | None = None) -> GuardFinding:
    """A finding of the guard's shape, with the catalogue's hint by default.

    Raises:
        KeyError: ``check_id`` is not catalogued (a bug, caught by the tests).
    """
    return GuardFinding(check_id, key, value, message, hint or CHECKS[check_id].hint)


def exit_status(findings: list[GuardFinding] | tuple[GuardFinding, ...]) -> int:
    """0 without findings, else the lowest exit status among the failed checks.

    Every finding is reported; the status only picks one abort condition for
    scripts, the first in catalogue order.
    """
    statuses = [CHECKS[f.id].exit_status for f in findings if f.blocking]
    return min(statuses) if statuses else 0
