"""The one table of release guard ids.

Ids are a public contract (deploy scripts silence them, dashboards count them),
so an id is never reused for another meaning: retire it and mint the next one.
``E`` ids refuse startup; ``W`` ids are allowed but always logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class GuardRule:
    """One row of the catalogue.

    Attributes:
        id: Stable id such as ``release.E006``.
        name: Short kebab-case name.
        summary: What the guard refuses or reports, one line.
        hint: The default fix shown after ``HINT:``.
    """

    id: str
    name: str
    summary: str
    hint: str


_RULES: Final = (
    GuardRule(
        "release.E001",
        "artifact-field-missing",
        "A release artifact variable is not set.",
        "Set it in the deploy environment; every release artifact field must be explicit.",
    ),
    GuardRule(
        "release.E002",
        "artifact-field-malformed",
        "A release artifact variable is set but malformed or contradicts another one.",
        "Fix the value to the documented format (see docs/guard.md).",
    ),
    GuardRule(
        "release.E003",
        "signing-mode-invalid",
        "SIGNING_MODE is not one of required, optional, disabled.",
        "Set SIGNING_MODE=required (or optional/disabled, explicitly).",
    ),
    GuardRule(
        "release.E004",
        "signing-combination-inconsistent",
        "SIGNING_REQUIRED contradicts SIGNING_MODE.",
        "Use SIGNING_REQUIRED=true with SIGNING_MODE=required and false otherwise.",
    ),
    GuardRule(
        "release.E005",
        "api-version-not-served",
        "RELEASE_SUPPORTED_API_VERSIONS names a version this application does not serve.",
        "Remove the version from RELEASE_SUPPORTED_API_VERSIONS or deploy the code that serves it.",
    ),
    GuardRule(
        "release.E006",
        "prod-debug-logging",
        "ENV=prod with LOG_LEVEL=DEBUG.",
        "Set LOG_LEVEL=INFO (or higher) in production.",
    ),
    GuardRule(
        "release.E007",
        "prod-auto-create-schema",
        "ENV=prod with AUTO_CREATE_SCHEMA=true.",
        "Set AUTO_CREATE_SCHEMA=false and apply migrations with `alembic upgrade head`.",
    ),
    GuardRule(
        "release.E008",
        "prod-required-missing",
        "A required production secret or setting is missing or empty.",
        "Provide it through the deploy environment or secret store.",
    ),
    GuardRule(
        "release.E009",
        "prod-implicit-unsigned",
        "Unsigned operation in production without an explicit SIGNING_MODE=disabled.",
        "Set SIGNING_MODE=required and SIGNING_REQUIRED=true, or SIGNING_MODE=disabled explicitly.",
    ),
    GuardRule(
        "release.E010",
        "database-unreachable",
        "The database does not answer.",
        "Check the database URL, network and credentials.",
    ),
    GuardRule(
        "release.E011",
        "database-not-stamped",
        "The database has no Alembic version table.",
        "Run `alembic upgrade head`, or check version_table / version_table_schema.",
    ),
    GuardRule(
        "release.E012",
        "database-behind",
        "The database is behind the expected Alembic head.",
        "Run `alembic upgrade head` before starting this release.",
    ),
    GuardRule(
        "release.E013",
        "database-ahead",
        "The database is ahead of the expected Alembic head or at a revision this code does not know.",
        "Deploy the release that matches the database head; never downgrade blindly.",
    ),
    GuardRule(
        "release.E014",
        "database-multiple-heads",
        "The database is at several Alembic heads where the release expects otherwise.",
        "Deploy a release with a merge migration, then run `alembic upgrade head`.",
    ),
    GuardRule(
        "release.E015",
        "database-heads-differ",
        "The database heads differ from the expected heads (direction unknown or diverged).",
        "Compare `alembic current` with EXPECTED_ALEMBIC_HEAD; give script_location to see which.",
    ),
    GuardRule(
        "release.E016",
        "script-heads-differ",
        "The code's migration scripts cannot be read, or end at other heads than EXPECTED_ALEMBIC_HEAD.",
        "Build the release artifact from this code's `alembic heads`.",
    ),
    GuardRule(
        "release.E017",
        "head-not-checked",
        "EXPECTED_ALEMBIC_HEAD is set but no database was given to check it against.",
        "Pass the database engine (or --database-url) so the head can be enforced.",
    ),
    GuardRule(
        "release.E018",
        "version-table-malformed",
        "The Alembic version table exists but its rows are not a set of revision ids.",
        "Inspect it (`SELECT * FROM alembic_version`), compare with `alembic heads`, "
        "and repair it with `alembic stamp` once the schema is known to match.",
    ),
    GuardRule(
        "release.E019",
        "probe-timeout-invalid",
        "GUARD_CONNECT_TIMEOUT or GUARD_STATEMENT_TIMEOUT is not a usable number of seconds.",
        "Set it to a number of seconds greater than 0 and at most 3600 (e.g. 3), or unset it.",
    ),
    GuardRule(
        "release.E020",
        "additive-window-unusable",
        "ALEMBIC_ADDITIVE_WINDOW names a file that cannot be read or is not an additive window.",
        "Point it at the window file `classify migrations rollback-check --write-window` wrote, or unset it.",
    ),
    GuardRule(
        "release.W001",
        "signing-disabled",
        "SIGNING_MODE=disabled: requests are not signed (explicit, allowed).",
        "Intentional? Keep it explicit; use SIGNING_MODE=required as soon as keys are deployed.",
    ),
    GuardRule(
        "release.W002",
        "signing-optional",
        "SIGNING_MODE=optional: unsigned requests are accepted (allowed outside production).",
        "Use SIGNING_MODE=required before going to production.",
    ),
    GuardRule(
        "release.W003",
        "additive-window-in-use",
        "The database is ahead of EXPECTED_ALEMBIC_HEAD only by revisions a later release declared additive.",
        "Roll forward to the release that declared them once the incident is over, then unset ALEMBIC_ADDITIVE_WINDOW.",
    ),
)

RULES: Final[dict[str, GuardRule]] = {rule.id: rule for rule in _RULES}
"""Every guard id, in catalogue order."""
