from pathlib import Path

from django.db import connections
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from station_app import ledger
from station_app.ui.screenshots import save_screenshots
from tests.ui.conftest import SSCC
from tests.ui.helpers import parcel_photo, record

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_screenshot_of_each_screen(window, qtbot):
    ledger.enroll_if_new()
    record(SSCC, "WH1", "DHX")
    record(SSCC, "CUS", giver_code="DHX", condition="damaged_packaging", photo=parcel_photo())
    record("006141411234567890", "WH1", condition="damaged_packaging", photo=b"photo")
    # A handover journaled while the server was away, taken as a first intake; the server refuses it.
    window.outbox.record(scanned_code=SSCC, to_party="PAK", condition="intact", station="ST1", clerk="clerk")
    window.outbox.push_pending()
    connections.close_all()
    window.refresh_outbox()
    screen = window.handover
    screen.scan_field.setFocus()
    qtbot.keyClicks(screen.scan_field, "1Z999AA10123456784")
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
    qtbot.keyClick(screen.recipient_list, "1")
    qtbot.waitUntil(lambda: screen.recipient_list.selected_party() is not None)
    screen.note_field.setText("Left at bay 4")

    saved = save_screenshots(window, SCREENSHOTS, trail_parcel=SSCC)
    assert [p.name for p in saved] == ["handover.png", "browser.png", "trail.png", "conflicts.png", "settings.png"]
    assert window.conflicts.model.rowCount() == 1
    for path in saved:
        image = QImage(str(path))
        assert image.width() >= 700 and image.height() >= 500
