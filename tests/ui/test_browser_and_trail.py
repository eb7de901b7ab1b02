import datetime

from django.db import connections
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from station_app import ledger
from station_app.custody.models import Party, Station
from station_app.ui.trail import NOT_CHECKED
from tests.ui.conftest import SSCC
from tests.ui.helpers import record

OTHER_SSCC = "006141411234567890"


def handovers(window, qtbot):
    record(SSCC, "WH1", "DHX", "CUS")
    record(OTHER_SSCC, "WH1", condition="wet", photo=b"photo")
    connections.close_all()
    window.show_browser()


def rows(model):
    return [model.row(n) for n in range(model.rowCount())]


def test_browser_filters_on_the_server(window, qtbot):
    handovers(window, qtbot)
    browser = window.browser
    qtbot.waitUntil(lambda: browser.party_box.count() > 1)
    browser.search()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 4, timeout=15_000)

    browser.barcode_field.setText("0061414")
    qtbot.keyClick(browser.barcode_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not browser.searching, timeout=15_000)
    assert [row.parcel_id for row in rows(browser.model)] == [OTHER_SSCC]

    browser.barcode_field.clear()
    browser.condition_box.setCurrentIndex(browser.condition_box.findData("wet"))
    browser.search()
    qtbot.waitUntil(lambda: not browser.searching, timeout=15_000)
    assert browser.model.rowCount() == 1
    assert rows(browser.model)[0].condition == "Wet"

    dhx = Party.objects.get(code="DHX").pk
    browser.condition_box.setCurrentIndex(0)
    browser.party_box.setCurrentIndex(browser.party_box.findData(dhx))
    browser.search()
    qtbot.waitUntil(lambda: not browser.searching, timeout=15_000)
    # Express courier received the parcel (seq 2) and handed it on (seq 3).
    assert sorted(row.sequence for row in rows(browser.model)) == [2, 3]
    assert browser.next_button.isEnabled() is False

    browser.party_box.setCurrentIndex(0)
    today = datetime.date.today()
    browser.since_field.setDate(QDate(today + datetime.timedelta(days=1)))
    browser.search()
    qtbot.waitUntil(lambda: not browser.searching, timeout=15_000)
    assert browser.model.rowCount() == 0 and browser.status.text() == "No handovers match."
    browser.since_field.setDate(QDate(today))
    browser.until_field.setDate(QDate(today))
    browser.search()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 4, timeout=15_000)

    Station.objects.create(code="ST2", name="Dock 2")
    connections.close_all()
    browser.load_choices()
    qtbot.waitUntil(lambda: browser.station_box.count() == 3)
    for code, expected in (("ST1", 4), ("ST2", 0)):
        station = Station.objects.get(code=code).pk
        browser.station_box.setCurrentIndex(browser.station_box.findData(station))
        browser.search()
        qtbot.waitUntil(lambda: not browser.searching, timeout=15_000)
        assert browser.model.rowCount() == expected, code
    connections.close_all()


def test_browser_pages_with_limit_and_offset(window, qtbot):
    record(SSCC, "WH1", "DHX", "CUS")
    connections.close_all()
    page = ledger.browse(ledger.BrowseFilter(), offset=0, limit=2)
    assert len(page.rows) == 2 and page.has_more
    second = ledger.browse(ledger.BrowseFilter(), offset=2, limit=2)
    assert len(second.rows) == 1 and not second.has_more
    assert {r.sequence for r in page.rows + second.rows} == {1, 2, 3}
    connections.close_all()


def test_enter_in_the_browser_opens_the_trail(window, qtbot):
    handovers(window, qtbot)
    browser = window.browser
    browser.barcode_field.setText(SSCC)
    browser.search()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 3, timeout=15_000)
    browser.table.setFocus()
    qtbot.keyClick(browser.table, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.trail
    trail = window.trail
    qtbot.waitUntil(lambda: trail.model.rowCount() == 3, timeout=15_000)
    model = trail.model
    cells = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(3)]
    assert [row[0] for row in cells] == ["1", "2", "3"]
    assert cells[0][2] == "first intake → Central warehouse (WH1)"
    assert cells[2][2] == "Express courier (DHX) → Anna Müller (CUS)"
    assert all(row[3] == "Dock 1" and row[4] == "Intact" and row[6] == "clerk" for row in cells)
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Evidence"
    assert all(len(row[7]) == 12 for row in cells)
    assert model.headerData(8, Qt.Orientation.Horizontal) == "Verification"
    assert all(row[8] == NOT_CHECKED for row in cells)

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is window.browser


def open_trail_of_two(window, qtbot):
    record(SSCC, "WH1", "DHX")
    connections.close_all()
    window.open_trail(SSCC)
    qtbot.waitUntil(lambda: window.trail.model.rowCount() == 2, timeout=15_000)
    return window.trail


def verification_cells(trail):
    column = trail.model.VERIFICATION_COLUMN
    return [trail.model.index(row, column).data() for row in range(trail.model.rowCount())]


def test_verify_proves_every_event_of_an_enrolled_station(window, qtbot):
    assert ledger.enroll_if_new()
    assert not ledger.enroll_if_new()
    trail = open_trail_of_two(window, qtbot)
    assert verification_cells(trail) == [NOT_CHECKED, NOT_CHECKED]
    qtbot.keyClick(trail.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: verification_cells(trail) != [NOT_CHECKED, NOT_CHECKED], timeout=30_000)
    assert verification_cells(trail) == ["verified", "verified"]
    assert trail.status.text() == "All 2 handovers verified against the ledger's signed proofs."
    index = trail.model.index(0, trail.model.VERIFICATION_COLUMN)
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("Proven in immudb transaction")
    assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()


def test_verify_without_enrolment_says_so(window, qtbot):
    trail = open_trail_of_two(window, qtbot)
    trail.verify()
    qtbot.waitUntil(lambda: verification_cells(trail) != [NOT_CHECKED, NOT_CHECKED], timeout=30_000)
    assert verification_cells(trail) == ["unverifiable", "unverifiable"]
    assert "not enrolled" in trail.status.text()


def test_models_pass_qt_model_tester(window, qtbot, qtmodeltester):
    record(SSCC, "WH1", "DHX")
    connections.close_all()
    window.browser.search()
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 2, timeout=15_000)
    window.open_trail(SSCC)
    qtbot.waitUntil(lambda: window.trail.model.rowCount() == 2, timeout=15_000)
    for model in (window.handover.parties, window.handover.recipients_proxy, window.browser.model, window.trail.model):
        qtmodeltester.check(model, force_py=True)
