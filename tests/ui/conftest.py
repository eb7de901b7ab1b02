import pytest
from PySide6.QtCore import QSettings

from station_app import bootstrap, ops
from station_app.config import ConnectionConfig
from station_app.outbox import Outbox
from station_app.resources import resource_path
from station_app.ui.screenshots import settle

SSCC = "376130321109103420"  # a valid SSCC-18


@pytest.fixture
def styled_app(qapp):
    qapp.setOrganizationName("handover-station-tests")
    qapp.setApplicationName("handover-station-tests")
    QSettings().clear()
    qapp.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    return qapp


@pytest.fixture
def demo_ledger(django_db):
    """The demo parties, station and clerk on a fresh database."""
    assert bootstrap.seed_demo()
    from django.db import connections

    connections.close_all()
    return django_db


@pytest.fixture
def connection_config(immudb_server, immudb_database):
    return ConnectionConfig(mode="remote", host=immudb_server.host, port=immudb_server.port, database=immudb_database)


def open_window(qtbot, config, outbox, **options):
    """The station window, shown, started and ready to scan."""
    from station_app.ui.main_window import MainWindow

    # Every screen unlocked; test_roles.py covers what each role may open.
    options.setdefault("role", "admin")
    main = MainWindow("ST1", "Dock 1", "clerk", config, outbox=outbox, **options)
    qtbot.addWidget(main)
    main.resize(1280, 800)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    main.start()
    qtbot.waitUntil(lambda: main.version_label.text().startswith("immudb"), timeout=15_000)
    qtbot.waitUntil(lambda: main.handover.parties.rowCount() > 0)
    return main


def close_window(main):
    settle()
    main.close()
    ops.wait_for_all()


@pytest.fixture
def outbox(tmp_path):
    return Outbox(tmp_path / "outbox.sqlite3")


@pytest.fixture
def window(styled_app, demo_ledger, connection_config, outbox, qtbot):
    main = open_window(qtbot, connection_config, outbox)
    yield main
    close_window(main)
