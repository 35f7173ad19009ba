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
    UpgradeCheck(
        "upgrade.E007",
        "history-not-digested",
        "No append-only table was digested, so postflight could not prove history unchanged.",
        "Name the tables in [tool.classifier.upgrade] append_only_tables (or --append-only-table), "
        'or waive it: --waive history="reason".',
    ),
    UpgradeCheck(
        "upgrade.E008",
        "staging-not-confirmed",
        "Production preflight has no passed staging postflight for this code_sha.",
        "Pass --require-staging with the postflight record staging wrote for this release, after it passed.",
    ),
    UpgradeCheck(
        "upgrade.E009",
        "version-table-malformed",
        "The database's Alembic version table is malformed, so its revision is unknown.",
        "Repair the version table by hand (one row per branch head) before migrating or rolling back.",
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
    UpgradeCheck(
        "upgrade.E015",
        "gate-failed",
        "The test-suite gate failed.",
        "Abort: read the gate's output, fix the release and upgrade again.",
        15,
    ),
    UpgradeCheck(
        "upgrade.E016",
        "history-backfilled",
        "Rows were added to an append-only table behind its history (an older key or timestamp than preflight).",
        "Abort: history must never be backfilled; restore from the restore point and roll forward without it.",
        16,
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
    # downgrade-check: the approved procedure for a database rollback
    UpgradeCheck(
        "upgrade.E042",
        "downgrade-target-invalid",
        "The downgrade target is not below the current heads.",
        "Name a revision the current heads descend from (`alembic history`).",
    ),
    UpgradeCheck(
        "upgrade.E043",
        "downgrade-destroys-data",
        "A downgrade() drops or rewrites data.",
        "Do not downgrade: roll forward with a corrective migration instead.",
    ),
    UpgradeCheck(
        "upgrade.E044",
        "downgrade-touches-history",
        "A downgrade() touches an append-only or key-binding table.",
        "Do not downgrade: historical records and key bindings are never rewritten; roll forward instead.",
    ),
    UpgradeCheck(
        "upgrade.E045",
        "downgrade-missing",
        "A revision to undo is missing, or its downgrade() undoes nothing its upgrade() did.",
        "Do not downgrade: the schema would not return to the target; roll forward instead.",
    ),
    UpgradeCheck(
        "upgrade.E046",
        "downgrade-not-analysable",
        "A downgrade() holds a statement the static reader cannot judge.",
        "Write the downgrade with plain op.* calls and literal SQL, or roll forward instead.",
    ),
    UpgradeCheck(
        "upgrade.E047",
        "downgrade-baseline-unusable",
        "The outcomes baseline cannot prove the proof chain unchanged.",
        "Run `classify outcomes record` against the release now running until it passes, and pass it as --baseline.",
    ),
    # required checks that were neither run nor waived (postflight)
    UpgradeCheck(
        "upgrade.E050",
        "readiness-not-verified",
        "Readiness was not checked.",
        'Pass --ready-url URL/ready, or waive it: --waive readiness="reason".',
        17,
    ),
    UpgradeCheck(
        "upgrade.E051",
        "health-not-verified",
        "Liveness (/health) was not checked.",
        'Pass --health-url URL/health, or waive it: --waive health="reason".',
        17,
    ),
    UpgradeCheck(
        "upgrade.E052",
        "startup-event-not-verified",
        "The app.startup event was not checked.",
        'Pass --startup-event [TABLE], or waive it: --waive startup-event="reason".',
        17,
    ),
    UpgradeCheck(
        "upgrade.E053",
        "verification-not-verified",
        "The verification sample of existing proofs was not run.",
        'Pass --verify-command CMD (or verify_command in [tool.classifier.upgrade]), or waive it: --waive verification="reason".',
        17,
    ),
    UpgradeCheck(
        "upgrade.E054",
        "gate-not-verified",
        "The test-suite gate was not run (required in staging).",
        'Pass --gate-command CMD (or gate_command in [tool.classifier.upgrade]), or waive it: --waive gate="reason".',
        17,
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
