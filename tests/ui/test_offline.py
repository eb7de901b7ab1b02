"""Offline-first handovers: the server stops mid-session, the clerk keeps working, nothing is lost."""

import pytest
from django.db import connections
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station_app import bootstrap
from station_app.config import ConnectionConfig
from station_app.custody.models import Handover
from station_app.ui.handover import KNOWN_PARTIES_SHOWN, SERVER_AWAY
from tests.databases import use_database
from tests.ui.conftest import SSCC, close_window, open_window
from tests.ui.test_handover_screen import scan, wait_for_state

NEW_PARCEL = "1Z999AA10123456784"


@pytest.fixture
def own_ledger(restartable_server, tmp_path):
    """The demo ledger on a server of this test's own, which it may stop and start again."""
    use_database(restartable_server, "defaultdb", tmp_path / "trusted")
    assert bootstrap.seed_demo()
    connections.close_all()
    yield restartable_server
    connections.close_all()


@pytest.fixture
def offline_window(styled_app, own_ledger, outbox, qtbot):
    config = ConnectionConfig(mode="remote", host=own_ledger.host, port=own_ledger.port, database="defaultdb")
    main = open_window(qtbot, config, outbox, sync_interval_ms=300)
    yield main
    close_window(main)


def hand_over(qtbot, screen, code, party_key):
    """Scan, pick the party by its number key, Intact, Ctrl+Enter; all from the keyboard."""
    scan(qtbot, code)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=30_000)
    qtbot.keyClick(screen.recipient_list, party_key)
    qtbot.waitUntil(lambda: screen.recipient_list.selected_party() is not None)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    sentence = screen.feedback.sentence
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: screen.feedback.sentence != sentence and screen.commit_button.isEnabled(),
                    timeout=30_000)


def test_handovers_while_the_server_is_away_are_kept_then_sent_and_conflicts_kept(
    offline_window, own_ledger, outbox, qtbot, qtmodeltester
):
    window, screen = offline_window, offline_window.handover
    qtbot.waitUntil(lambda: window.pending_label.text() == "All sent")
    # Online: the parcel's intake by Central warehouse (2 in the alphabetical list).
    hand_over(qtbot, screen, SSCC, "2")
    assert screen.feedback.sentence.startswith("Committed — tx")

    own_ledger.stop()

    # A new parcel: the server cannot be asked, so it is taken as a first intake.
    scan(qtbot, NEW_PARCEL)
    wait_for_state(qtbot, screen, "pending")
    assert screen.feedback.sentence == SERVER_AWAY
    assert "Holder unknown" in screen.parcel_label.text()
    hand_over(qtbot, screen, NEW_PARCEL, "1")  # Central warehouse, now first as the most recent
    assert screen.feedback.property("state") == "pending"
    assert "saved on this station" in screen.feedback.sentence
    assert QApplication.focusWidget() is screen.scan_field
    qtbot.waitUntil(lambda: window.pending_label.text() == "1 waiting to send")

    # The same parcel again: its holder is the receiver of the unsent handover.
    scan(qtbot, NEW_PARCEL)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=30_000)
    assert screen.custody.from_unsent and screen.custody.custodian_code == "WH1"
    assert "Held by Central warehouse (WH1)" in screen.parcel_label.text()
    hand_over(qtbot, screen, NEW_PARCEL, "3")  # Express courier
    assert screen.feedback.property("state") == "pending"

    # A parcel with a trail on the server: its holder is unknown here, so the
    # handover is journaled as a first intake and the server refuses it later.
    hand_over(qtbot, screen, SSCC, "1")  # Express courier, the most recent
    qtbot.waitUntil(lambda: window.pending_label.text() == "3 waiting to send")
    assert QApplication.focusWidget() is screen.scan_field

    own_ledger.start()  # same data dir and port
    qtbot.waitUntil(lambda: window.pending_label.text() == "All sent · 1 need a supervisor", timeout=60_000)

    connections.close_all()
    trail = Handover.objects.filter(parcel__normalized_id=NEW_PARCEL).select_related("from_party", "to_party")
    assert [(e.sequence, e.from_party and e.from_party.code, e.to_party.code, e.clerk) for e in
            trail.order_by("sequence")] == [(1, None, "WH1", "clerk"), (2, "WH1", "DHX", "clerk")]
    assert [e.to_party.code for e in Handover.objects.filter(parcel__normalized_id=SSCC)] == ["WH1"]
    assert [e.state for e in outbox.entries()] == ["committed", "committed", "committed", "conflict"]
    connections.close_all()

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.conflicts
    model = window.conflicts.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = {name: model.index(0, c).data() for c, name in enumerate(columns)}
    assert (row["Parcel"], row["To"], row["Clerk"]) == (SSCC, "DHX", "clerk")
    assert "held by Central warehouse (WH1), not by nobody" in row["Reason"]
    assert "NOT recorded" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model)


def test_without_its_server_the_station_offers_the_parties_it_listed_last(offline_window, own_ledger, qtbot):
    screen = offline_window.handover
    qtbot.waitUntil(lambda: len(screen.parties.parties()) == 5, timeout=30_000)
    listed = screen.parties.parties()

    own_ledger.stop()
    screen.parties.set_parties([], [])
    screen.load_parties()
    qtbot.waitUntil(lambda: screen.parties.parties() == listed, timeout=30_000)
    assert screen.feedback.property("state") == "pending"
    assert screen.feedback.sentence.endswith(KNOWN_PARTIES_SHOWN)

    hand_over(qtbot, screen, NEW_PARCEL, "2")  # Central warehouse, from the remembered list
    assert "saved on this station" in screen.feedback.sentence
    qtbot.waitUntil(lambda: offline_window.pending_label.text() == "1 waiting to send")
    own_ledger.start()
    qtbot.waitUntil(lambda: offline_window.pending_label.text() == "All sent", timeout=60_000)
