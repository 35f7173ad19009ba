"""Alembic head guards: does the database sit where this release expects?

SQLAlchemy and Alembic are imported inside the functions, so ``import
classifier.guard`` stays cheap for applications that only read the artifact.
Heads are compared as sets: a branched history has several.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from classifier.guard.bounded import read_database_bounded
from classifier.guard.config import GuardConfig
from classifier.guard.database import DatabaseState, describe_error, qualified_table
from classifier.guard.findings import GuardFinding, make_finding
from classifier.guard.redaction import Redactor
from classifier.guard.timeouts import ProbeTimeouts
from classifier.guard.window import WINDOW_ENV

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine

__all__ = ["DatabaseState", "check_heads", "compare_heads", "load_scripts", "read_database"]


def read_database(
    engine: Engine, config: GuardConfig, redactor: Redactor, timeouts: ProbeTimeouts | None = None
) -> DatabaseState:
    """Connect once and read the version table named by ``config``, within the probe timeouts.

    Never raises for database trouble: an unreachable, silent or slow
    database is a state, and so is a malformed version table.

    Args:
        engine: The application's database.
        config: Gives the version table and, unless ``timeouts`` is given, the timeouts.
        redactor: Hides secrets in driver errors.
        timeouts: The timeouts to use (already resolved against the environment).
    """
    limits = timeouts or ProbeTimeouts(config.connect_timeout, config.statement_timeout)
    return read_database_bounded(engine, config.version_table, config.version_table_schema, limits, redactor)


def load_scripts(script_location: str) -> ScriptDirectory:
    """Open an Alembic script directory, or the one an ``alembic.ini`` names.

    Raises:
        alembic.util.CommandError: The directory is not an Alembic script directory.
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    if Path(script_location).is_file():
        return ScriptDirectory.from_config(Config(script_location))
    return ScriptDirectory(script_location)


def _joined(heads: Iterable[str]) -> str:
    return ",".join(sorted(heads)) or "<none>"


def _ancestry(scripts: ScriptDirectory, heads: Iterable[str]) -> frozenset[str]:
    """``heads`` and every revision below them."""
    seen: set[str] = set()
    stack = list(heads)
    while stack:
        revision = stack.pop()
        if revision in seen:
            continue
        seen.add(revision)
        down: Any = scripts.get_revision(revision).down_revision
        stack.extend(() if down is None else (down,) if isinstance(down, str) else down)
    return frozenset(seen)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        scripts.get_revision(revision)
    except Exception:  # alembic raises several CommandError/ResolutionError flavours
        return False
    return True


def _overlap(scripts: ScriptDirectory, heads: frozenset[str]) -> str | None:
    """Why ``heads`` cannot all be heads at once (one lies below another), if so.

    Alembic keeps one row per branch head; a row for a revision below another
    row's is left over from a hand edit or a half-restored table.
    """
    known = sorted(revision for revision in heads if _known(scripts, revision))
    for head in known:
        below = _ancestry(scripts, (head,)) - {head}
        for other in known:
            if other in below:
                return f"it lists {other!r} and {head!r}, but {other!r} is an ancestor of {head!r}"
    return None


def compare_heads(
    database: DatabaseState,
    expected: frozenset[str],
    scripts: ScriptDirectory | None,
    source: str,
    version_table: str = "alembic_version",
) -> list[GuardFinding]:
    """Findings (E011 to E015, E018) when the database heads are not ``expected``.

    Args:
        database: What ``read_database`` saw (must be reachable).
        expected: The heads this release needs.
        scripts: The code's script directory, to tell behind from ahead.
        source: Where ``expected`` came from, for the key of the finding.
        version_table: The version table as findings name it (``schema.table``).
    """
    if not database.stamped:
        return [
            make_finding(
                "release.E011",
                source,
                _joined(expected),
                "The database has no Alembic version table, so its revision is unknown.",
            )
        ]
    problem = database.malformed or (_overlap(scripts, database.heads) if scripts is not None else None)
    if problem:
        return [
            make_finding(
                "release.E018",
                version_table,
                database.rows or "<not read>",
                f"The Alembic version table {version_table} is malformed: {problem}.",
            )
        ]
    have = database.heads
    if have == expected:
        return []
    said = f"database at {_joined(have)}, expected {_joined(expected)}"
    if len(have) > 1:
        return [make_finding("release.E014", source, _joined(expected), f"The database has several heads: {said}.")]
    if scripts is None:
        if not have:
            return [make_finding("release.E012", source, _joined(expected), f"No migration applied: {said}.")]
        return [make_finding("release.E015", source, _joined(expected), f"Heads differ: {said}.")]
    if not all(_known(scripts, revision) for revision in have):
        return [
            make_finding(
                "release.E013",
                source,
                _joined(expected),
                f"The database is at a revision this code does not know (newer release?): {said}.",
            )
        ]
    if have <= _ancestry(scripts, expected):
        return [make_finding("release.E012", source, _joined(expected), f"The database is behind: {said}.")]
    if expected <= _ancestry(scripts, have):
        return [make_finding("release.E013", source, _joined(expected), f"The database is ahead: {said}.")]
    return [make_finding("release.E015", source, _joined(expected), f"Heads diverged: {said}.")]


def check_heads(
    engine: Engine | None,
    config: GuardConfig,
    expected: frozenset[str] | None,
    redactor: Redactor,
    timeouts: ProbeTimeouts | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[GuardFinding]:
    """Every head guard (E010 to E018, E020, W003) for one database and one release.

    Args:
        engine: The application's database, or ``None`` when it has none.
        config: Gives the version table and the script location.
        expected: ``EXPECTED_ALEMBIC_HEAD`` as a set, or ``None`` when unset
            (then the code's script heads are expected, if a script location is given).
        redactor: Hides secrets in driver errors.
        timeouts: The probe timeouts (default: the configuration's).
        environ: Where ``ALEMBIC_ADDITIVE_WINDOW`` may name an additive window (never set: none is used).
    """
    findings: list[GuardFinding] = []
    scripts = None
    source = "EXPECTED_ALEMBIC_HEAD"
    if config.script_location:
        try:
            scripts = load_scripts(config.script_location)
            code_heads = frozenset(scripts.get_heads())
        except Exception as error:  # any failure to load scripts must refuse, not crash
            return [
                make_finding(
                    "release.E016",
                    "script_location",
                    config.script_location,
                    f"Cannot read the migration scripts: {describe_error(error, redactor)}.",
                    "Point script_location at this release's Alembic script directory.",
                )
            ]
        if expected is None:
            expected, source = code_heads, "script_location"
        elif code_heads != expected:
            findings.append(
                make_finding(
                    "release.E016",
                    "EXPECTED_ALEMBIC_HEAD",
                    _joined(expected),
                    f"The code's migrations end at {_joined(code_heads)}, "
                    f"not at EXPECTED_ALEMBIC_HEAD={_joined(expected)}.",
                )
            )
    if engine is None:
        if expected is not None and source == "EXPECTED_ALEMBIC_HEAD":
            findings.append(
                make_finding(
                    "release.E017",
                    "EXPECTED_ALEMBIC_HEAD",
                    _joined(expected),
                    "EXPECTED_ALEMBIC_HEAD is set but no database was given to check it.",
                )
            )
        return findings
    database = read_database(engine, config, redactor, timeouts)
    if not database.reachable:
        findings.append(
            make_finding(
                "release.E010",
                "database",
                redactor.scrub(engine.url.render_as_string()),
                f"The database does not answer: {database.error}.",
            )
        )
    elif expected is not None:
        table = qualified_table(config.version_table, config.version_table_schema)
        compared = compare_heads(database, expected, scripts, source, table)
        window = (environ or {}).get(WINDOW_ENV)
        if window and any(finding.id in _AHEAD for finding in compared):
            compared = through_window(compared, window, database.heads, expected)
        findings.extend(compared)
    return findings


# A database ahead of this release, or at revisions it does not know: what an additive window may explain.
_AHEAD = frozenset({"release.E013", "release.E015"})


def through_window(
    findings: list[GuardFinding], path: str, database: Iterable[str], expected: frozenset[str]
) -> list[GuardFinding]:
    """A database ahead only by revisions a later release declared additive is accepted, with a warning.

    The window is read only because ``ALEMBIC_ADDITIVE_WINDOW`` names it: an
    older release redeployed during a safe abort runs on the newer, expand-only
    schema. Anything else keeps the refusal, with the window's reason added.
    """
    from classifier.guard.window import WindowError, accepts, load_window

    try:
        document = load_window(path)
    except WindowError as error:
        return [*findings, make_finding("release.E020", WINDOW_ENV, path, f"{error}.")]
    reason = accepts(document, expected, database)
    if reason is None:
        declared = document.get("declared_by", {})
        revisions = ", ".join(item["revision"] for item in document["revisions"])
        message = (f"The database is ahead by {revisions}, declared additive by {declared.get('ref', '?')} "
                   f"({str(declared.get('commit', '?'))[:12]}); this release runs on it.")
        return [finding for finding in findings if finding.id not in _AHEAD] + [
            make_finding("release.W003", WINDOW_ENV, path, message)]
    return [
        finding if finding.id not in _AHEAD else replace(finding, message=f"{finding.message} (additive window "
                                                                             f"{path}: {reason})")
        for finding in findings
    ]
