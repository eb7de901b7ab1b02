import datetime

from django.db import connections
from django.utils import timezone
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from immudb_backend.server import free_port
from station_app import local_pin, staff
from station_app.config import ConnectionConfig
from station_app.ui.screenshots import grab, settle
from tests.ui.conftest import SSCC
from tests.ui.helpers import record
from tests.ui.test_screenshots import SCREENSHOTS

CTRL = Qt.KeyboardModifier.ControlModifier


def test_admin_adds_a_party_that_the_handover_screen_then_offers(window, qtbot, qtmodeltester):
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4, CTRL)
    admin = window.admin
    qtbot.waitUntil(lambda: admin.parties.rowCount() == 5 and admin.users.rowCount() == 3, timeout=15_000)
    # Set, not typed: typed this fast, the keys would be taken for a scanner's burst.
    admin.party_code.setText("ups")
    admin.party_name.setText("Brown courier")
    admin.party_kind.setCurrentIndex(admin.party_kind.findData("courier"))
    qtbot.keyClick(admin.party_name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: admin.parties.rowCount() == 6, timeout=15_000)
    assert admin.status.text() == "Party UPS added."
    qtbot.waitUntil(lambda: "Brown courier (UPS)" in [p.label for p in window.handover.parties.parties()],
                    timeout=15_000)
    grab(window, SCREENSHOTS / "admin.png")

    admin.party_table.setCurrentIndex(admin.parties.index(0, 0))  # CUS, the first by code
    admin.deactivate_party()
    qtbot.waitUntil(lambda: admin.status.text() == "Party CUS deactivated.", timeout=15_000)
    qtbot.waitUntil(lambda: "CUS" not in [p.code for p in window.handover.parties.parties()], timeout=15_000)

    admin.tabs.setCurrentIndex(1)
    admin.deactivate_station()
    assert admin.status.text() == "Select the station to deactivate."
    admin.station_table.setCurrentIndex(admin.stations.index(0, 0))
    admin.deactivate_station()
    qtbot.waitUntil(lambda: admin.status.text() == "Station ST1 deactivated: it no longer starts.", timeout=15_000)
    qtbot.waitUntil(lambda: admin.stations.data(admin.stations.index(0, 3)) == "no", timeout=15_000)
    settle()
    for model in (admin.parties, admin.stations, admin.users):
        qtmodeltester.check(model, force_py=True)


def test_settings_unlock_with_the_local_pin_while_no_server_answers(window, qtbot):
    local_pin._file().unlink(missing_ok=True)  # the config dir is shared by the whole test session
    window.signed_in_as(staff.SignedIn("clerk", staff.CLERK))
    window.apply_config(ConnectionConfig(mode="remote", host="127.0.0.1", port=free_port(), database="defaultdb"))
    qtbot.waitUntil(lambda: window.connection_label.text().startswith("Not connected"), timeout=15_000)
    qtbot.waitUntil(lambda: not window.server_reachable)
    qtbot.keyClick(window.handover.scan_field, Qt.Key.Key_Comma, CTRL)
    assert window.statusBar().currentMessage().startswith("No server answers and this station has no local admin PIN")

    local_pin.set_pin("8642")
    pin_file = local_pin._file()
    assert "8642" not in pin_file.read_text() and oct(pin_file.stat().st_mode & 0o777) == "0o600"
    qtbot.keyClick(window.handover.scan_field, Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: window.pin_dialog is not None and window.pin_dialog.isVisible())
    dialog = window.pin_dialog
    qtbot.keyClicks(dialog.pin_field, "1111")
    qtbot.keyClick(dialog.pin_field, Qt.Key.Key_Return)
    assert dialog.message.text() == "Wrong local admin PIN. Try again." and window.settings_dialog is None
    qtbot.keyClicks(dialog.pin_field, "8642")
    qtbot.keyClick(dialog.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible())
    window.settings_dialog.reject()


def test_first_run_asks_for_the_local_admin_pin_until_one_is_set(window, qtbot):
    local_pin._file().unlink(missing_ok=True)  # the config dir is shared by the whole test session
    window.ask_for_first_local_pin()
    dialog = window.first_pin_dialog
    qtbot.waitUntil(dialog.isVisible)

    def enter(pin, repeat):
        dialog.pin_field.clear()
        qtbot.keyClicks(dialog.pin_field, pin)
        qtbot.keyClicks(dialog.repeat_field, repeat)
        qtbot.keyClick(dialog.repeat_field, Qt.Key.Key_Return)

    enter("12", "12")
    assert dialog.problem.text() == "The local admin PIN must be at least four digits." and not local_pin.is_set()
    enter("2468", "2469")
    assert dialog.problem.text() == "The two PINs differ. Type the same PIN twice." and not local_pin.is_set()
    enter("2468", "2468")
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert local_pin.check("2468") and not local_pin.check("2469")

    window.ask_for_first_local_pin()  # set now: the next start asks no more
    assert window.first_pin_dialog is dialog


def test_the_browser_warns_of_parcels_held_too_long(window, qtbot):
    record(SSCC, "WH1", "DHX", occurred_at=timezone.now() - datetime.timedelta(hours=50))
    record("006141411234567890", "WH1")
    connections.close_all()
    window.show_browser()
    browser = window.browser
    qtbot.waitUntil(browser.overdue_banner.isVisible, timeout=15_000)
    assert browser.overdue_banner.text() == (
        "⚠ 1 parcel held by one party (not a customer) for more than 48 h. Ctrl+O shows only those."
    )
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: not browser.searching and browser.model.rowCount() == 1, timeout=15_000)
    assert (browser.model.row(0).parcel_id, browser.model.row(0).to_party) == (SSCC, "Express courier (DHX)")
