"""The rule catalogue: one row per rule, the project's stable public contract.

Ids never change meaning and are never reused: a retired rule stays here with
``status="removed"`` (and ``replaced_by`` where one exists). Names may be
renamed; the old name then goes into ``aliases`` so configuration keeps
working. ``classify rules``, SARIF ``tool.driver.rules``, the docs and the
catalogue tests all read this one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from classifier.model import Label, Severity

ID_PATTERN = re.compile(r"^(GEN|CLS|OAS|ERC|MIG|VER)\d{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
STATUSES = ("preview", "stable", "deprecated", "removed")


@dataclass(frozen=True, slots=True)
class Rule:
    """One catalogue row.

    ``kind`` is ``finding`` for a labelled change or ``violation`` for a policy
    failure that blocks whatever ``fail_on`` says. ``message`` is a
    ``str.format`` template over the fields the surface supplies plus ``path``.
    """

    id: str
    name: str
    surface: str
    label: Label
    severity: Severity
    summary: str
    message: str
    status: str = "stable"
    kind: str = "finding"
    aliases: tuple[str, ...] = ()
    replaced_by: str | None = None


_NB = Label.NON_BREAKING
_ADD = Label.ADDITIVE
_BRK = Label.BREAKING
_ERR = Severity.ERROR
_WARN = Severity.WARNING
_INFO = Severity.INFO

RULES: tuple[Rule, ...] = (
    # -- files: the generic surface, every changed file no contract surface claims
    Rule("GEN001", "documentation-changed", "files", _NB, _ERR,
         "A documentation file, or only comments and docstrings of a Python file, changed.",
         "documentation {status} ({detail})"),
    Rule("GEN002", "observability-changed", "files", _NB, _ERR,
         "Only logging, metrics or tracing calls of a Python file changed.",
         "observability only ({detail})"),
    Rule("GEN003", "internal-change", "files", _NB, _ERR,
         "Code or data outside every API contract changed.",
         "internal change: {detail}"),
    Rule("GEN004", "file-added", "files", _NB, _ERR,
         "A file outside every API contract was added.",
         "file added"),
    Rule("GEN005", "file-deleted", "files", _NB, _ERR,
         "A file outside every API contract was deleted.",
         "file deleted"),
    Rule("GEN006", "file-renamed", "files", _NB, _ERR,
         "A file outside every API contract was renamed or moved without other change.",
         "renamed from {old_path}, content unchanged"),
    Rule("GEN007", "binary-file-changed", "files", _NB, _ERR,
         "A binary file outside every API contract changed.",
         "binary file {status}"),
    # -- openapi: OAS1xx paths and operations, OAS2xx parameters, OAS3xx request bodies,
    #    OAS4xx responses, OAS5xx schemas, OAS6xx security, OAS7xx lifecycle, OAS8xx contract classes
    # -- error_codes: ERC1xx error tables, ERC2xx contract constants
    Rule("ERC101", "error-code-removed", "error_codes", _BRK, _ERR,
         "An error code present at base is missing from its table at head.",
         "error code {code} removed from {table}"),
    Rule("ERC102", "error-code-renamed", "error_codes", _BRK, _ERR,
         "An error code was replaced by a new name with the same status and message.",
         "error code {old_code} renamed to {code} (same status and message); clients matching {old_code} break"),
    Rule("ERC103", "error-code-status-changed", "error_codes", _BRK, _ERR,
         "An error code is answered with a different HTTP status.",
         "error code {code} HTTP status changed: {old} → {new}"),
    Rule("ERC104", "error-code-exception-changed", "error_codes", _BRK, _ERR,
         "An error code is mapped to a different exception class.",
         "error code {code} exception class changed: {old} → {new}"),
    Rule("ERC105", "error-code-value-changed", "error_codes", _BRK, _ERR,
         "The value of an error code's enum member changed.",
         "error code {code} value changed: {old} → {new}"),
    Rule("ERC106", "error-code-added", "error_codes", _ADD, _ERR,
         "A new error code was added to a table.",
         "error code {code} added to {table}"),
    Rule("ERC107", "error-code-message-changed", "error_codes", _NB, _ERR,
         "Only the wording of an error code's message or docstring changed.",
         "error code {code} {field} reworded: {old} → {new}"),
    Rule("ERC108", "error-code-duplicated", "error_codes", _BRK, _ERR,
         "A code appears twice in one table (or an enum member repeats another's value).",
         "duplicate in error table: {detail}"),
    Rule("ERC109", "error-code-not-static", "error_codes", _BRK, _ERR,
         "A code, status or message is computed or imported, so it cannot be compared statically.",
         "{detail}: cannot be compared without running code"),
    Rule("ERC110", "contract-file-unreadable", "error_codes", _BRK, _ERR,
         "A configured error table or constants file does not parse, match its schema or hold the table.",
         "error table cannot be read at {side}: {detail}"),
    Rule("ERC201", "idempotency-constant-changed", "error_codes", _BRK, _ERR,
         "A constant of the idempotency contract changed value, was removed or became computed.",
         "idempotency conflict semantics changed: {old} → {new} ({name})"),
    Rule("ERC202", "auth-constant-changed", "error_codes", _BRK, _ERR,
         "A constant of the auth/signature contract changed value, was removed or became computed.",
         "auth/signature contract changed: {old} → {new} ({name})"),
    Rule("ERC203", "pagination-constant-changed", "error_codes", _BRK, _ERR,
         "A constant of the pagination contract changed value, was removed or became computed.",
         "pagination contract changed: {old} → {new} ({name})"),
    Rule("ERC204", "envelope-constant-changed", "error_codes", _BRK, _ERR,
         "A constant of the response envelope contract changed value, was removed or became computed.",
         "response envelope contract changed: {old} → {new} ({name})"),
    Rule("ERC205", "contract-constant-changed", "error_codes", _BRK, _ERR,
         "A configured contract constant changed value, was removed or became computed.",
         "contract constant changed: {old} → {new} ({name})"),
    # -- migrations: MIG1xx applied migrations, MIG2xx graph, MIG3xx new operations,
    #    MIG4xx rerun safety, MIG5xx trust preservation
    Rule("MIG101", "applied-migration-edited", "migrations", _BRK, _ERR,
         "A revision present at the base changed what it does (operation, argument, SQL or graph field).",
         "applied revision {revision} edited: {summary}", kind="violation"),
    Rule("MIG102", "applied-migration-reformatted", "migrations", _NB, _ERR,
         "A revision present at the base was reformatted or moved; its operations are unchanged.",
         "applied revision {revision} {detail}"),
    Rule("MIG103", "applied-migration-deleted", "migrations", _BRK, _ERR,
         "A revision present at the base was deleted.",
         "applied revision {revision} deleted", kind="violation"),
    Rule("MIG104", "applied-migration-renamed", "migrations", _BRK, _ERR,
         "A revision present at the base now declares another revision id.",
         "applied revision {revision} renamed to {new_revision}", kind="violation"),
    Rule("MIG105", "applied-migration-lock-mismatch", "migrations", _BRK, _ERR,
         "A revision no longer matches its structural hash in the migrations lock file.",
         "revision {revision} does not match {lock}: {detail}", kind="violation"),
    Rule("MIG201", "revision-graph-forked", "migrations", _BRK, _ERR,
         "The migration graph has more than one head.",
         "{count} heads ({heads}); add a merge revision or rebase onto the other head", kind="violation"),
    Rule("MIG202", "revision-graph-cyclic", "migrations", _BRK, _ERR,
         "The migration graph has a cycle.",
         "revision cycle {cycle}", kind="violation"),
    Rule("MIG203", "revision-parent-missing", "migrations", _BRK, _ERR,
         "A revision names a parent revision that does not exist.",
         "revision {revision} names parent {parent}, which does not exist", kind="violation"),
    Rule("MIG204", "revision-id-reused", "migrations", _BRK, _ERR,
         "Two revision files declare the same revision id.",
         "revision id {revision} is declared by {count} files: {paths}", kind="violation"),
    Rule("MIG205", "revision-history-rewritten", "migrations", _BRK, _ERR,
         "The base head is no longer an ancestor of the head's heads.",
         "base head {revision} is no longer an ancestor of the head ({heads})", kind="violation"),
    Rule("MIG206", "revision-attached-off-head", "migrations", _BRK, _ERR,
         "A new revision is attached somewhere other than the base head.",
         "new revision {revision} attached to {parent}, not to the base head {heads}", kind="violation"),
    Rule("MIG301", "schema-object-added", "migrations", _ADD, _ERR,
         "A new revision adds a table, a nullable or defaulted column, an index, an enum value or rows.",
         "additive: {operation} on {table} ({detail})"),
    Rule("MIG302", "table-dropped", "migrations", _BRK, _ERR,
         "A new revision drops a table.",
         "drops table {table} ({operation})"),
    Rule("MIG303", "column-dropped", "migrations", _BRK, _ERR,
         "A new revision drops a column.",
         "drops a column of {table}: {detail}"),
    Rule("MIG304", "table-renamed", "migrations", _BRK, _ERR,
         "A new revision renames a table.",
         "renames table {table}: {detail}"),
    Rule("MIG305", "column-renamed", "migrations", _BRK, _ERR,
         "A new revision renames a column.",
         "renames a column of {table}: {detail}"),
    Rule("MIG306", "column-type-changed", "migrations", _BRK, _ERR,
         "A new revision changes a column type in a way that is not a known safe widening.",
         "changes a column type of {table}: {detail}"),
    Rule("MIG307", "column-altered-compatibly", "migrations", _NB, _ERR,
         "A new revision widens a column type or changes only its default or comment.",
         "compatible column change on {table}: {detail}"),
    Rule("MIG308", "column-made-not-null", "migrations", _BRK, _ERR,
         "A new revision makes an existing column NOT NULL.",
         "makes a column of {table} NOT NULL: {detail}"),
    Rule("MIG309", "required-column-added", "migrations", _BRK, _ERR,
         "A new revision adds a NOT NULL column without a server default to an existing table.",
         "adds a required column to {table}: {detail}"),
    Rule("MIG310", "constraint-added-to-existing-table", "migrations", _BRK, _ERR,
         "A new revision adds a unique, foreign-key, check or primary-key constraint to existing rows.",
         "adds a constraint on existing rows of {table}: {detail}"),
    Rule("MIG311", "constraint-dropped", "migrations", _BRK, _ERR,
         "A new revision drops an index or a constraint.",
         "drops an index or constraint of {table}: {detail}"),
    Rule("MIG312", "index-created-with-lock", "migrations", _NB, _WARN,
         "A new revision builds an index without CONCURRENTLY on PostgreSQL (writes blocked meanwhile).",
         "locks {table} while building an index: {detail}"),
    Rule("MIG313", "table-rewrite-locked", "migrations", _NB, _WARN,
         "A new revision rewrites a whole table under an exclusive lock.",
         "rewrites {table} under lock: {detail}"),
    Rule("MIG314", "migration-operation-unrecognised", "migrations", _BRK, _ERR,
         "A statement of a new revision is not understood; it is reported, never guessed.",
         "not understood, review by hand: {detail}"),
    Rule("MIG315", "column-made-nullable", "migrations", _BRK, _ERR,
         "A new revision drops NOT NULL from a column that readers may assume is set.",
         "makes a column of {table} nullable: {detail}"),
    Rule("MIG401", "raw-ddl-not-rerunnable", "migrations", _BRK, _ERR,
         "Raw SQL DDL without IF [NOT] EXISTS fails when the migration is run again.",
         "raw DDL fails on rerun (no IF [NOT] EXISTS): {detail}"),
    Rule("MIG402", "raw-data-change-unguarded", "migrations", _BRK, _ERR,
         "Raw SQL UPDATE, DELETE or TRUNCATE without a WHERE guard.",
         "data change without a WHERE guard: {detail}"),
    Rule("MIG403", "op-create-not-rerunnable", "migrations", _NB, _WARN,
         "op.create_table or op.create_index without if_not_exists=True (Alembic 1.13 and later).",
         "not rerunnable: {detail}"),
    Rule("MIG501", "append-only-table-rewritten", "migrations", _BRK, _ERR,
         "A migration updates, deletes, drops, renames or alters an append-only table.",
         "rewrites append-only table {table}: {detail}", kind="violation"),
    Rule("MIG502", "key-binding-changed", "migrations", _BRK, _ERR,
         "A migration updates, deletes, drops, renames or alters a key-binding table.",
         "changes key-binding table {table}: {detail}", kind="violation"),
    Rule("MIG503", "trust-table-downgrade-destructive", "migrations", _BRK, _ERR,
         "A revision that touches a trust table has a downgrade() that destroys data.",
         "downgrade of a revision touching trust table {table} is destructive: {detail}"),
    Rule("MIG504", "expected-head-mismatch", "migrations", _BRK, _ERR,
         "The pinned expected Alembic head differs from the head of the migration graph.",
         "{file} pins {expected}, but the migration head is {actual}", kind="violation"),
)


def rules_by_id() -> dict[str, Rule]:
    return {rule.id: rule for rule in RULES}


def resolve(key: str) -> Rule | None:
    """Find a rule by id, name or alias (configuration may use any of them)."""
    wanted = key.strip()
    for rule in RULES:
        if wanted.upper() == rule.id or wanted == rule.name or wanted in rule.aliases:
            return rule
    return None
