"""``/health`` and ``/ready``: the status code is the contract, the body is for people.

``/health`` (liveness) checks nothing external and waits on nothing: a failing
or silent database must not get a healthy process restarted. ``/ready``
(readiness) answers 200 only when the startup guards passed, the database
answers within the probe timeouts and its heads match; else 503. The JSON
body carries a status per check plus the release artifact, so a fleet can be
compared instance by instance; ``?verbose`` gives Kubernetes-style
``[+]name ok`` / ``[-]name failed: …`` lines and ``?exclude=name`` skips a
database check (never ``startup``: a refused process stays unready).
The HTTP side (parsing, rendering, routing) is ``classifier.guard.endpoints``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from classifier.guard.bounded import DatabaseRead, SharedRead
from classifier.guard.config import GuardConfig
from classifier.guard.database import DatabaseState, qualified_table
from classifier.guard.heads import compare_heads, load_scripts
from classifier.guard.startup import StartupReport, evaluate_startup, probe_timeouts, redactor_for

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine

UNEXCLUDABLE = frozenset({"startup"})
"""Checks ``?exclude=`` cannot skip: a refused startup must never read as ready."""


@dataclass(frozen=True, slots=True)
class ProbeCheck:
    """One named check of a probe.

    Attributes:
        name: ``startup``, ``database``, ``alembic_heads`` or ``ping``.
        ok: Whether it passed.
        output: Why it failed (empty when it passed).
    """

    name: str
    ok: bool
    output: str = ""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """A probe's answer.

    Attributes:
        probe: ``health`` or ``ready``.
        checks: The checks that ran, in order.
        release: The release artifact plus the database heads seen.
    """

    probe: str
    checks: tuple[ProbeCheck, ...]
    release: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def status_code(self) -> int:
        """200 when every check passed, else 503."""
        return 200 if self.ok else 503


class Readiness:
    """The probes of one application process.

    Build it once at startup, after ``enforce_startup`` (or instead of it, to
    keep serving ``/ready`` = 503 with the reasons while refusing traffic).

    Args:
        config: The application's guard configuration.
        environ: The environment the process started with.
        engine: The application's database, or ``None`` if it has none.
        startup: The startup guard outcome; evaluated here (without logging)
            when omitted.
    """

    def __init__(
        self,
        config: GuardConfig,
        environ: Mapping[str, str],
        engine: Engine | None = None,
        startup: StartupReport | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        # Re-run silently: the application's own check_startup/enforce_startup logged it already.
        self.startup = startup or evaluate_startup(config, environ, engine, log=False)
        self._redactor = redactor_for(config, environ, engine)
        self.timeouts = probe_timeouts(config, environ, self._redactor)
        self._table = qualified_table(config.version_table, config.version_table_schema)
        self._scripts, self._expected = self._target(self.startup)
        self._reads = SharedRead(self._start_read)

    def _target(self, startup: StartupReport) -> tuple[ScriptDirectory | None, frozenset[str] | None]:
        """The script directory and the heads the database must be at."""
        scripts = None
        if self.config.script_location:
            try:
                scripts = load_scripts(self.config.script_location)
                # Load every revision now, not on the first request (maybe on the event loop).
                code_heads = frozenset(scripts.get_heads())
            except Exception:  # already reported by the startup guards (release.E016)
                return None, startup.artifact.expected_heads or None
            if startup.artifact.expected_alembic_head is None:
                return scripts, code_heads
        if startup.artifact.expected_alembic_head is not None:
            return scripts, startup.artifact.expected_heads
        return scripts, None

    def _start_read(self) -> DatabaseRead:
        assert self.engine is not None  # only called when there is a database
        table, schema = self.config.version_table, self.config.version_table_schema
        return DatabaseRead(self.engine, table, schema, self.timeouts, self._redactor)

    def health(self) -> ProbeResult:
        """Liveness: the process answers. Nothing external is touched, nothing is waited on."""
        return ProbeResult("health", (ProbeCheck("ping", True),))

    def _reads_database(self, exclude: frozenset[str]) -> bool:
        return self.engine is not None and not {"database", "alembic_heads"} <= exclude

    def ready(self, exclude: frozenset[str] = frozenset()) -> ProbeResult:
        """Readiness: startup guards passed, the database answers in time, heads match.

        Blocks the calling thread for at most the probe timeouts.

        Args:
            exclude: Names of checks to skip; ``startup`` cannot be skipped.
        """
        database = self._reads.current().result() if self._reads_database(exclude) else None
        return self._ready_result(database, exclude)

    async def ready_async(self, exclude: frozenset[str] = frozenset()) -> ProbeResult:
        """``ready`` for an event loop: awaits the database without holding any thread.

        Args:
            exclude: Names of checks to skip; ``startup`` cannot be skipped.
        """
        database = await self._reads.current().result_async() if self._reads_database(exclude) else None
        return self._ready_result(database, exclude)

    def _ready_result(self, database: DatabaseState | None, exclude: frozenset[str]) -> ProbeResult:
        errors = self.startup.errors
        checks = [ProbeCheck("startup", not errors, ", ".join(f"{f.id} {f.key}" for f in errors))]
        release = dict(self.startup.release)
        if database is not None:
            # null: unknown (no answer, or a version table that holds no usable heads).
            known = database.reachable and not database.malformed
            release["database_heads"] = sorted(database.heads) if known else None
            checks.append(ProbeCheck("database", database.reachable, database.error or ""))
            if self._expected is not None:
                checks.append(self._heads_check(database, self._expected))
        skipped = exclude - UNEXCLUDABLE
        return ProbeResult("ready", tuple(c for c in checks if c.name not in skipped), release)

    def _heads_check(self, database: DatabaseState, expected: frozenset[str]) -> ProbeCheck:
        if not database.reachable:
            return ProbeCheck("alembic_heads", False, "database unreachable")
        findings = compare_heads(database, expected, self._scripts, "alembic_heads", self._table)
        output = "; ".join(f"{f.id} {self._redactor.scrub(f.message)}" for f in findings)
        return ProbeCheck("alembic_heads", not findings, output)
