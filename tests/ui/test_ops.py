import threading
import time

from django.db import connections
from PySide6.QtWidgets import QWidget

from station_app import ops
from station_app.ops import Op
from station_app.ui.screenshots import settle


def test_writes_run_one_after_another_off_the_gui_thread(qapp, qtbot):
    done, threads = [], set()

    def write(number):
        threads.add(threading.get_ident())
        time.sleep(0.02 * (5 - number))  # later writes are quicker, yet must not overtake
        return number

    for number in range(5):
        Op(lambda number=number: write(number), writes=True).success(done.append).run()
    assert ops.tracker().pending_writes == 5
    qtbot.waitUntil(lambda: len(done) == 5)
    assert done == [0, 1, 2, 3, 4]
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert ops.tracker().pending_writes == 0


def test_a_failure_reaches_the_failure_callback_on_the_gui_thread(qapp, qtbot):
    failures = []

    def fail():
        raise ValueError("no such parcel")

    Op(fail).success(lambda _: failures.append("succeeded?")).failure(
        lambda error: failures.append((str(error), threading.current_thread() is threading.main_thread()))
    ).run()
    qtbot.waitUntil(lambda: bool(failures))
    assert failures == [("no such parcel", True)]


def test_the_worker_closes_its_database_connection(django_db, qapp, qtbot):
    used = []

    def query():
        connection = connections["default"]
        connection.ensure_connection()
        assert connection.connection is not None
        return connection

    Op(query).success(used.append).run()
    qtbot.waitUntil(lambda: bool(used))
    assert used[0] is not connections["default"]  # the worker's own, per-thread wrapper
    assert used[0].connection is None


def test_callbacks_of_a_closed_widget_are_skipped(qapp, qtbot):
    widget = QWidget()
    called = []
    Op(lambda: time.sleep(0.05), parent=widget).success(called.append).run()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not ops.busy())
    settle()
    assert called == []
