from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station_app.custody.models import Handover
from station_app.ui.screenshots import grab, settle
from tests.ui.conftest import SSCC
from tests.ui.test_screenshots import SCREENSHOTS

CTRL = Qt.KeyboardModifier.ControlModifier


def signed_out_window(qtbot, connection_config, outbox):
    from station_app.ui.main_window import MainWindow

    window = MainWindow("ST1", "Dock 1", None, connection_config, outbox=outbox)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.start()
    qtbot.waitUntil(lambda: window.sign_in.clerk_box.count() == 3, timeout=15_000)
    qtbot.waitUntil(lambda: window.server_reachable, timeout=15_000)
    return window


def sign_in(window, qtbot, username, pin):
    screen = window.sign_in
    screen.clerk_box.setFocus()
    qtbot.keyClicks(screen.clerk_box, username)  # a combo box picks by typed name
    qtbot.keyClick(screen.clerk_box, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), pin)
    qtbot.wait(100)  # typed at a person's pace, the PIN reaches its field
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def test_clerk_signs_in_with_pin_and_scans_wait_until_then(styled_app, demo_ledger, connection_config, outbox, qtbot):
    window = signed_out_window(qtbot, connection_config, outbox)
    screen = window.sign_in
    assert window.stack.currentWidget() is screen
    grab(window, SCREENSHOTS / "sign_in.png")

    qtbot.keyClicks(screen.pin_field, SSCC)  # a parcel scanned while signed out is no badge
    qtbot.keyClick(screen.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.message.text().startswith("Badge"), timeout=15_000)
    assert screen.message.text() == f"Badge {SSCC} does not belong to an active user."
    assert window.stack.currentWidget() is screen and window.handover.custody is None

    sign_in(window, qtbot, "clerk", "9999")
    qtbot.waitUntil(lambda: screen.message.text().startswith("Wrong PIN"), timeout=15_000)
    assert screen.message.text() == "Wrong PIN for clerk. Try again."

    sign_in(window, qtbot, "clerk", "1234")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.handover, timeout=15_000)
    assert (window.clerk, window.role, window.handover.clerk) == ("clerk", "clerk", "clerk")
    assert QApplication.focusWidget() is window.handover.scan_field

    for key, screen_name in ((Qt.Key.Key_2, "The trail browser"), (Qt.Key.Key_3, "Conflicts"),
                             (Qt.Key.Key_4, "The admin screen"), (Qt.Key.Key_Comma, "Settings")):
        qtbot.keyClick(QApplication.focusWidget(), key, CTRL)
        assert window.stack.currentWidget() is window.handover
        assert window.statusBar().currentMessage() == (
            f"{screen_name} is for {'supervisor' if key in (Qt.Key.Key_2, Qt.Key.Key_3) else 'admin'}s and above; "
            "clerk is signed in as clerk."
        )
    assert window.settings_dialog is None

    qtbot.keyClick(window.handover.scan_field, Qt.Key.Key_L, CTRL)
    assert window.stack.currentWidget() is screen and window.clerk is None
    assert Handover.objects.count() == 0
    settle()
    window.close()


def test_supervisor_and_admin_see_their_screens(styled_app, demo_ledger, connection_config, outbox, qtbot):
    window = signed_out_window(qtbot, connection_config, outbox)
    sign_in(window, qtbot, "supervisor", "2345")
    qtbot.waitUntil(lambda: window.role == "supervisor", timeout=15_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_2, CTRL)
    assert window.stack.currentWidget() is window.browser
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3, CTRL)
    assert window.stack.currentWidget() is window.conflicts
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4, CTRL)
    assert window.stack.currentWidget() is window.conflicts
    assert window.statusBar().currentMessage().startswith("The admin screen is for admins")

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_L, CTRL)
    sign_in(window, qtbot, "admin", "3456")
    qtbot.waitUntil(lambda: window.role == "admin", timeout=15_000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_4, CTRL)
    assert window.stack.currentWidget() is window.admin
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Comma, CTRL)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible())
    window.settings_dialog.reject()
    settle()
    window.close()


def test_a_badge_scan_signs_in(styled_app, demo_ledger, connection_config, outbox, qtbot):
    window = signed_out_window(qtbot, connection_config, outbox)
    window.sign_in.pin_field.setFocus()
    qtbot.keyClicks(window.sign_in.pin_field, "BADGE-0002")  # a scanner's burst
    qtbot.keyClick(window.sign_in.pin_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.clerk == "supervisor", timeout=15_000)
    assert window.role == "supervisor" and window.stack.currentWidget() is window.handover
    settle()
    window.close()
