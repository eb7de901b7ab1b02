"""The trail's evidence thumbnails, event details and exports, against a real ledger."""

import csv
import io
import json
import unicodedata

from django.db import connections
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication, QFileDialog

from station_app import ledger
from station_app.ui.trail import EXPORTS, NOT_CHECKED, THUMBNAIL_SIZE
from tests.ui.conftest import SSCC
from tests.ui.helpers import parcel_photo, record

PARTIES = ["Central warehouse (WH1)", "Express courier (DHX)", "Anna Müller (CUS)"]


def open_trail(window, qtbot, photo=None):
    """A three-handover trail, the last one damaged with a photo when given."""
    if photo is None:
        record(SSCC, "WH1", "DHX", "CUS")
    else:
        record(SSCC, "WH1", "DHX")
        record(SSCC, "CUS", giver_code="DHX", condition="damaged_packaging", photo=photo)
    connections.close_all()
    window.open_trail(SSCC)
    qtbot.waitUntil(lambda: window.trail.model.rowCount() == 3, timeout=15_000)
    return window.trail


def test_a_photo_shows_as_a_thumbnail_and_in_the_details(window, qtbot, qtmodeltester):
    photo = parcel_photo()
    trail = open_trail(window, qtbot, photo=photo)
    model = trail.model
    column = model.EVIDENCE_COLUMN
    thumbnails = [model.index(row, column).data(Qt.ItemDataRole.DecorationRole) for row in range(3)]
    assert thumbnails[:2] == [None, None]
    assert isinstance(thumbnails[2], QPixmap) and not thumbnails[2].isNull()
    assert max(thumbnails[2].width(), thumbnails[2].height()) == THUMBNAIL_SIZE
    assert "SHA-256" in model.index(2, column).data(Qt.ItemDataRole.ToolTipRole)
    qtmodeltester.check(model, force_py=True)

    trail.table.setFocus()
    trail.table.selectRow(2)
    qtbot.keyClick(trail.table, Qt.Key.Key_Return)
    dialog = trail.details_dialog
    assert dialog is not None and dialog.isVisible()
    committed = ledger.load_trail_details(SSCC)[2]
    connections.close_all()
    fields = {name: label.text() for name, label in dialog.fields.items()}
    assert fields["Event id"] == committed.event_id
    assert fields["Event hash"] == committed.row.event_hash
    assert fields["Previous hash"] == committed.previous_hash
    assert fields["Photo SHA-256"] == committed.photo_sha256 and len(committed.photo_sha256) == 64
    assert fields["Verification"].startswith(NOT_CHECKED)
    assert "Ctrl+V" in fields["Transaction"]
    # The photo is read again and shown larger than the thumbnail (it is 320 wide).
    qtbot.waitUntil(lambda: dialog.photo.pixmap() is not None and not dialog.photo.pixmap().isNull(), timeout=15_000)
    assert dialog.photo.pixmap().width() == 320
    dialog.close()


def test_details_after_verifying_name_the_transaction(window, qtbot):
    ledger.enroll_if_new()
    trail = open_trail(window, qtbot)
    trail.verify()
    column = trail.model.VERIFICATION_COLUMN
    qtbot.waitUntil(lambda: trail.model.index(0, column).data() == "verified", timeout=30_000)
    trail.table.doubleClicked.emit(trail.model.index(0, 0))
    fields = trail.details_dialog.fields
    tx_id = trail.model.verdict(1).tx_id
    assert isinstance(tx_id, int) and fields["Transaction"].text() == str(tx_id)
    assert fields["Verification"].text() == f"verified: Proven in immudb transaction {tx_id}."
    assert fields["Photo SHA-256"].text() == "no photo"
    trail.details_dialog.close()


def export(trail, qtbot, kind, path):
    trail.export(kind, path)
    qtbot.waitUntil(lambda: not trail.status.text().endswith("…"), timeout=30_000)
    assert trail.status.text() == f"{EXPORTS[kind].label} written to {path} (all 3 handovers verified)."


def test_exports_of_a_verified_trail(window, qtbot, tmp_path):
    ledger.enroll_if_new()
    trail = open_trail(window, qtbot, photo=parcel_photo())

    pdf = tmp_path / "certificate.pdf"
    export(trail, qtbot, "pdf", pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    reader = PdfReader(pdf)
    assert len(reader.pages) > 0
    # The extracted text has tabs between words and ligatures (ﬁ) that NFKC spells out.
    text = " ".join(unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in reader.pages)).split())
    assert "Chain-of-custody certificate" in text and SSCC in text and "SSCC" in text
    for party in PARTIES:
        assert party in text
    assert text.count("verified") >= 3
    assert "All 3 handovers verified" in text
    assert ledger.load_trail_details(SSCC)[2].photo_sha256 in text
    assert "Dock 1" in text  # the issuing station

    epcis = tmp_path / "trail.json"
    export(trail, qtbot, "epcis", epcis)
    document = json.loads(epcis.read_text(encoding="utf-8"))
    events = document["epcisBody"]["eventList"]
    assert document["type"] == "EPCISDocument" and len(events) == 3
    assert [e["hs:sequence"] for e in events] == [1, 2, 3]

    table = tmp_path / "trail.csv"
    export(trail, qtbot, "csv", table)
    rows = list(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["sequence", "event_id", "occurred_at"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    connections.close_all()


def test_export_shortcuts_ask_where_to_save(window, qtbot, monkeypatch):
    trail = open_trail(window, qtbot)
    asked = []

    def cancel(parent, caption, suggested, file_filter):
        asked.append((caption, suggested, file_filter))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", cancel)
    trail.table.setFocus()
    for key, modifiers in (
        (Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
    ):
        qtbot.keyClick(QApplication.focusWidget(), key, modifiers)
    assert [a[0] for a in asked] == ["Export PDF certificate", "Export EPCIS JSON", "Export CSV"]
    assert [a[1].rsplit(".", 1)[1] for a in asked] == ["pdf", "json", "csv"]
    assert SSCC in asked[0][1]
