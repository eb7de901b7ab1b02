from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station_app.custody.models import Handover
from station_app.ui.screenshots import grab, settle
from tests.ui.conftest import SSCC
from tests.ui.test_screenshots import SCREENSHOTS


def test_clerk_signs_in_with_pin_and_scans_wait_until_then(styled_app, demo_ledger, connection_config, outbox, qtbot):
    from station_app.ui.main_window import MainWindow

    window = MainWindow("ST1", "Dock 1", None, connection_config, outbox=outbox)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    screen = window.sign_in
    qtbot.waitUntil(lambda: screen.clerk_box.count() == 1, timeout=15_000)
    assert window.stack.currentWidget() is screen
    grab(window, SCREENSHOTS / "sign_in.png")

    qtbot.keyClicks(screen.pin_field, SSCC)  # a scan while signed out
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is screen
    assert window.handover.custody is None

    qtbot.keyClicks(screen.pin_field, "9999")
    qtbot.wait(100)  # typed at a person's pace, the PIN reaches its field
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.message.text().startswith("Wrong PIN"), timeout=15_000)
    assert screen.message.text() == "Wrong PIN for clerk. Try again."

    qtbot.keyClicks(screen.pin_field, "1234")
    qtbot.wait(100)
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.handover, timeout=15_000)
    assert window.clerk == "clerk" and window.handover.clerk == "clerk"
    assert QApplication.focusWidget() is window.handover.scan_field

    qtbot.keyClick(window.handover.scan_field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is screen and window.clerk is None
    assert Handover.objects.count() == 0
    settle()
    window.close()
