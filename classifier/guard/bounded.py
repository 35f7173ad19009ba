"""Database reads that give up on time, whatever the driver does.

A driver's own timeouts are set by whoever built the engine and may be none:
a server that accepts a connection and never answers then blocks the caller
for good. So each read runs on its own daemon thread and the caller waits on
two deadlines, one for the connection and one for the queries. Past one, the
caller gets a timed-out state and moves on; the thread finishes (or not) on
its own, and while it hangs no second one is started for the same probe
(``SharedRead``), so a silent database costs one thread, not one per request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from classifier.guard.database import DatabaseState, connect_timed_out, read_now, statement_timed_out, unreachable
from classifier.guard.redaction import Redactor
from classifier.guard.timeouts import ProbeTimeouts

if TYPE_CHECKING:
    from concurrent.futures import Future

    from sqlalchemy.engine import Engine

STATEMENT_GRACE = 0.5
"""Seconds past the statement timeout before the caller gives up: a server that
enforces the timeout itself (PostgreSQL) gets to cancel the query first, which
leaves the connection clean for the pool."""


class DatabaseRead:
    """One read of the version table, started at once on a daemon thread.

    Args:
        engine: The application's database.
        table: The version table.
        schema: Its schema, ``None`` for the default one.
        timeouts: The two deadlines, counted from now and from the connection.
        redactor: Hides secrets in driver errors.
    """

    def __init__(
        self, engine: Engine, table: str, schema: str | None, timeouts: ProbeTimeouts, redactor: Redactor
    ) -> None:
        self.timeouts = timeouts
        self.started = time.monotonic()
        self._connected_at: float | None = None
        # Resolved when the connect phase ends, by a connection or by a failure.
        self._connected: Future[None] = _running_future()
        self._done: Future[DatabaseState] = _running_future()
        work = (engine, table, schema, timeouts, redactor)
        if _thread_bound(engine):
            # A per-thread pool (SQLite :memory:) holds a different database on every
            # thread, and a memory database has no network to hang on: read here.
            self._run(*work)
        else:
            threading.Thread(target=self._run, args=work, name="classifier-guard-probe", daemon=True).start()

    @property
    def finished(self) -> bool:
        """Whether the thread is done (in time or not)."""
        return self._done.done()

    def _run(self, engine: Engine, table: str, schema: str | None, timeouts: ProbeTimeouts, redactor: Redactor) -> None:
        try:
            state = read_now(engine, table, schema, timeouts, redactor, self._mark_connected)
        except Exception as error:  # a driver bug must fail the probe, not vanish with the thread
            state = unreachable(f"the probe failed: {type(error).__name__}: {redactor.scrub(str(error))}"[:500])
        self._mark_connected()
        self._done.set_result(state)

    def _mark_connected(self) -> None:
        if not self._connected.done():
            self._connected_at = time.monotonic()
            self._connected.set_result(None)

    def _connect_left(self) -> float:
        return max(0.0, self.started + self.timeouts.connect - time.monotonic())

    def _statement_left(self) -> float:
        connected = self._connected_at if self._connected_at is not None else self.started
        return max(0.0, connected + self.timeouts.statement + STATEMENT_GRACE - time.monotonic())

    def result(self) -> DatabaseState:
        """The state, waiting no longer than the deadlines allow (blocks the calling thread)."""
        from concurrent.futures import TimeoutError as FutureTimeout  # not the builtin before Python 3.11

        try:
            self._connected.result(timeout=self._connect_left())
        except FutureTimeout:
            return connect_timed_out(self.timeouts)
        try:
            return self._done.result(timeout=self._statement_left())
        except FutureTimeout:
            return statement_timed_out(self.timeouts)

    async def result_async(self) -> DatabaseState:
        """The state, awaited without holding any thread (for the event loop)."""
        import asyncio

        # A wrapped future resolves on a later loop turn: look first, or a zero wait would miss a done read.
        if not self._connected.done():
            try:
                await asyncio.wait_for(asyncio.wrap_future(self._connected), self._connect_left())
            except asyncio.TimeoutError:
                return connect_timed_out(self.timeouts)
        if not self._done.done():
            try:
                return await asyncio.wait_for(asyncio.wrap_future(self._done), self._statement_left())
            except asyncio.TimeoutError:
                return statement_timed_out(self.timeouts)
        return self._done.result()


def _running_future() -> Future[Any]:
    from concurrent.futures import Future  # imported here: its logging import costs every plain importer

    future: Future[Any] = Future()
    # Running futures cannot be cancelled: an awaiter that times out must not cancel the others' answer.
    future.set_running_or_notify_cancel()
    return future


def _thread_bound(engine: Engine) -> bool:
    from sqlalchemy.pool import SingletonThreadPool

    return isinstance(engine.pool, SingletonThreadPool)


def read_database_bounded(
    engine: Engine, table: str, schema: str | None, timeouts: ProbeTimeouts, redactor: Redactor
) -> DatabaseState:
    """Read the version table once, within the timeouts; never raises for database trouble."""
    return DatabaseRead(engine, table, schema, timeouts, redactor).result()


class SharedRead:
    """At most one read in flight per probe; concurrent requests share its answer.

    A request that arrives while a read is under way waits for that read (up
    to the read's own deadlines, not fresh ones); one that arrives after the
    read finished starts a new one. A read stuck past its deadlines keeps
    answering "timed out" at once until its thread ends.

    Args:
        start: Starts a new read.
    """

    def __init__(self, start: Callable[[], DatabaseRead]) -> None:
        self._start = start
        self._lock = threading.Lock()
        self._current: DatabaseRead | None = None

    def current(self) -> DatabaseRead:
        """The read in flight, or a new one."""
        with self._lock:
            if self._current is None or self._current.finished:
                self._current = self._start()
            return self._current
