"""Run ledger work off the GUI thread and report back through Qt signals.

Shaped like Anki's CollectionOp/QueryOp::

    Op(lambda: ledger.load_trail_details(parcel_id), parent=self).success(show).failure(report).run()

Reads share Qt's global thread pool; writes go through one writer thread so
commits reach the server in the order the clerk made them. The work itself
must never touch widgets: it returns plain data, and the callbacks run on the
GUI thread. Each op closes its thread's Django connections when it finishes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from django.db import connections
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Outcome:
    # Results travel wrapped in a Python object: a bare bool sent through a
    # queued Signal(object) led to a refcount crash at interpreter exit.
    def __init__(self, ok: bool, value: Any):
        self.ok, self.value = ok, value


class _Relay(QObject):
    """Lives on the GUI thread, so signals emitted by a worker arrive queued there."""

    finished = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self._work, self._relay = work, relay

    def run(self):
        try:
            ok, outcome = True, self._work()
        except Exception as error:  # noqa: BLE001 - every failure goes back to the GUI
            ok, outcome = False, error
        finally:
            connections.close_all()
        self._relay.finished.emit(_Outcome(ok, outcome))


class _Tracker(QObject):
    def __init__(self):
        # Owned by the application, so Qt destroys it (and its writer thread)
        # with the app instead of at interpreter exit.
        super().__init__(QCoreApplication.instance())
        self.running: set[Op] = set()
        self.pending_writes = 0
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)


_tracker: _Tracker | None = None


def tracker() -> _Tracker:
    global _tracker
    if _tracker is None or not shiboken6.isValid(_tracker):
        _tracker = _Tracker()
    return _tracker


class Op:
    def __init__(self, work: Callable[[], Any], *, parent: QObject | None = None, writes: bool = False):
        self._work = work
        self._parent = parent  # callbacks are skipped once it is gone
        self._writes = writes
        self._on_success: Callable[[Any], None] = lambda _result: None
        self._on_failure: Callable[[Exception], None] | None = None

    def success(self, callback: Callable[[Any], None]) -> "Op":
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> "Op":
        self._on_failure = callback
        return self

    def run(self) -> None:
        state = tracker()
        relay = _Relay()
        relay.finished.connect(self._finish)
        self._relay = relay  # kept alive until the op reports back
        state.running.add(self)
        if self._writes:
            state.pending_writes += 1
            state.writer.start(_Job(self._work, relay))
        else:
            QThreadPool.globalInstance().start(_Job(self._work, relay))

    def _finish(self, outcome: _Outcome) -> None:
        callback = self._on_success if outcome.ok else (self._on_failure or _log_failure)
        state = tracker()
        state.running.discard(self)
        if self._writes:
            state.pending_writes -= 1
        if self._parent is None or shiboken6.isValid(self._parent):
            callback(outcome.value)


def _log_failure(error: Exception) -> None:
    log.error("A background operation failed", exc_info=error)


def wait_for_all(timeout_ms: int = 30_000) -> None:
    """Block until every started op's work is done (their callbacks still need the event loop)."""
    tracker().writer.waitForDone(timeout_ms)
    QThreadPool.globalInstance().waitForDone(timeout_ms)


def busy() -> bool:
    return bool(tracker().running)
