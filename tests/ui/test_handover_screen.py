from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station_app.custody.models import Handover
from tests.ui.conftest import SSCC


def scan(qtbot, code):
    """What a keyboard-wedge scanner does: type into whatever has focus, then Enter."""
    target = QApplication.focusWidget()
    qtbot.keyClicks(target, code)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)


def wait_for_state(qtbot, screen, state):
    qtbot.waitUntil(lambda: screen.feedback.property("state") == state, timeout=15_000)


def test_whole_handover_by_keyboard(window, qtbot):
    screen = window.handover
    assert QApplication.focusWidget() is screen.scan_field
    scan(qtbot, SSCC)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
    assert "first intake" in screen.parcel_label.text()
    assert QApplication.focusWidget() is screen.recipient_list

    qtbot.keyClick(screen.recipient_list, "2")  # the second party, alphabetically: Central warehouse
    qtbot.waitUntil(lambda: screen.recipient_list.selected_party() is not None)
    assert screen.recipient_list.selected_party().code == "WH1"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    assert screen.selected_condition() == "intact"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    qtbot.waitUntil(lambda: screen.feedback.sentence.startswith("Committed"), timeout=15_000)
    event = Handover.objects.select_related("to_party", "parcel").get()
    assert (event.parcel.normalized_id, event.to_party.code, event.condition) == (SSCC, "WH1", "intact")
    assert event.clerk == "clerk" and event.sequence == 1
    tx = window.last_tx_label.text().removeprefix("Last tx: ")
    assert screen.feedback.sentence.startswith(f"Committed — tx {tx}: parcel {SSCC}")
    assert int(tx) > 0
    assert screen.feedback.property("state") == "ok"
    assert QApplication.focusWidget() is screen.scan_field
    qtbot.waitUntil(lambda: window.pending_label.text() == "All sent")
    assert window.outbox.entry(event.event_id).state == "committed"


def test_second_handover_knows_the_custodian_and_puts_recent_party_first(window, qtbot):
    screen = window.handover
    for number in ("2", "3"):  # intake by Central warehouse, then to Express courier
        scan(qtbot, SSCC)
        qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
        qtbot.keyClick(screen.recipient_list, number)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: screen.feedback.sentence.startswith("Committed"), timeout=15_000)
    # After the intake, Central warehouse is listed first, so 3 is Express courier.
    assert [e.to_party.code for e in Handover.objects.order_by("sequence")] == ["WH1", "DHX"]
    scan(qtbot, SSCC)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
    assert screen.custody.sequence == 2
    assert "Held by" in screen.parcel_label.text()
    first = screen.recipients_proxy.index(0, 0).data()
    assert first.startswith("1   ") and Handover.objects.get(sequence=2).to_party.name in first


def test_scan_typed_into_the_note_field_goes_to_the_scan_handler(window, qtbot):
    screen = window.handover
    screen.note_field.setFocus()
    assert QApplication.focusWidget() is screen.note_field
    scan(qtbot, SSCC)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
    assert screen.note_field.text() == ""
    assert screen.scan_field.text() == SSCC
    assert screen.custody.parcel_id == SSCC


def test_slow_typing_in_the_note_field_stays_there(window, qtbot):
    screen = window.handover
    screen.note_field.setFocus()
    for char in "Bay 4":
        qtbot.keyClick(screen.note_field, char)
        qtbot.wait(80)  # slower than any scanner
    qtbot.waitUntil(lambda: screen.note_field.text() == "Bay 4")
    assert screen.custody is None


def test_bad_barcode_shows_the_error_and_writes_nothing(window, qtbot):
    screen = window.handover
    scan(qtbot, "376130321109103421")  # wrong check digit
    wait_for_state(qtbot, screen, "error")
    assert "Wrong check digit" in screen.feedback.sentence
    assert screen.custody is None
    qtbot.keyClick(screen.scan_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.feedback.property("state") == "error"
    assert Handover.objects.count() == 0


def test_damage_needs_a_photo_then_commits_with_it(window, qtbot, tmp_path):
    screen = window.handover
    scan(qtbot, SSCC)
    qtbot.waitUntil(lambda: screen.custody is not None, timeout=15_000)
    qtbot.keyClick(screen.recipient_list, "2")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F4)  # Wet
    assert screen.photo_label.text() == "Photo required for this condition"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_for_state(qtbot, screen, "error")
    assert "needs a photo" in screen.feedback.sentence
    assert Handover.objects.count() == 0

    photo = tmp_path / "wet.png"
    photo.write_bytes(b"\x89PNG wet parcel")
    screen.attach_photo(photo)
    screen.commit()
    qtbot.waitUntil(lambda: screen.feedback.sentence.startswith("Committed"), timeout=15_000)
    assert bytes(Handover.objects.get().photo) == b"\x89PNG wet parcel"
