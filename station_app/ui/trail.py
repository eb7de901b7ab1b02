"""One parcel's chain of custody as a timeline, with its verification, details and exports."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget,
)

from station_app import ledger
from station_app.ops import Op
from station_app.resources import resource_path
from station_app.ui import certificate
from station_app.ui.browser import EventTable
from station_app.ui.errors import sentence
from station_app.ui.event_details import EventDetailsDialog, scaled_photo
from station_app.ui.events_model import HASH_PREFIX, EventTableModel, local_time

NOT_CHECKED = "not checked"
NOT_CHECKED_VERDICT = ledger.Verdict(NOT_CHECKED, "Press Verify (Ctrl+V) to check this event against the ledger's proofs.")
ICONS = {
    "verified": "verified.svg",
    "tampered": "tampered.svg",
    "missing link": "tampered.svg",
    "unverifiable": "unverifiable.svg",
    NOT_CHECKED: "pending.svg",
}
THUMBNAIL_SIZE = 64


@dataclass(frozen=True)
class TrailEntry:
    details: ledger.EventDetails  # without the photo bytes
    thumbnail: QImage | None


def load_entries(parcel_id: str) -> list[TrailEntry]:
    """The trail with thumbnails, made in the op; the full photos are dropped here."""
    return [
        TrailEntry(replace(d, photo=None), scaled_photo(d.photo, THUMBNAIL_SIZE))
        for d in ledger.load_trail_details(parcel_id)
    ]


@dataclass(frozen=True)
class ExportKind:
    label: str
    shortcut: str
    suffix: str
    file_filter: str


EXPORTS = {
    "pdf": ExportKind("PDF certificate", "Ctrl+E", ".pdf", "PDF (*.pdf)"),
    "epcis": ExportKind("EPCIS JSON", "Ctrl+J", ".json", "EPCIS JSON (*.json)"),
    "csv": ExportKind("CSV", "Ctrl+Shift+C", ".csv", "CSV (*.csv)"),
}


def write_export(kind: str, parcel_id: str, station: str, path: Path) -> ledger.TrailExport:
    """Read and verify the trail, then write it as ``kind``; runs in an op."""
    trail = ledger.export_trail(parcel_id)
    if kind == "pdf":
        certificate.write_pdf(trail, station, path)
    elif kind == "epcis":
        path.write_text(json.dumps(trail.epcis, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(trail.csv, encoding="utf-8", newline="")
    return trail


class TrailModel(EventTableModel):
    columns = [
        ("Seq", lambda model, row: str(row.sequence)),
        ("When", lambda model, row: local_time(row)),
        ("From → To", lambda model, row: f"{row.from_party or 'first intake'} → {row.to_party}"),
        ("Station", lambda model, row: row.station),
        ("Condition", lambda model, row: row.condition),
        ("Evidence", lambda model, row: ""),
        ("Clerk", lambda model, row: row.clerk),
        ("Hash", lambda model, row: row.event_hash[:HASH_PREFIX]),
        ("Verification", lambda model, row: model.verdict(row.sequence).status),
    ]
    EVIDENCE_COLUMN = 5
    VERIFICATION_COLUMN = 8

    def __init__(self, parent=None):
        super().__init__(parent)
        self.verification: dict[int, ledger.Verdict] = {}
        self._entries: list[TrailEntry] = []
        self._thumbnails: dict[int, QPixmap] = {}
        self._icons = {status: QIcon(str(resource_path("icons", name))) for status, name in ICONS.items()}

    def verdict(self, sequence: int) -> ledger.Verdict:
        return self.verification.get(sequence, NOT_CHECKED_VERDICT)

    def details(self, number: int) -> ledger.EventDetails:
        return self._entries[number].details

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and 0 <= index.row() < self.rowCount():
            sequence = self.row(index.row()).sequence
            if index.column() == self.VERIFICATION_COLUMN:
                if role == Qt.ItemDataRole.ToolTipRole:
                    return self.verdict(sequence).reason
                if role == Qt.ItemDataRole.DecorationRole:
                    return self._icons.get(self.verdict(sequence).status)
            if index.column() == self.EVIDENCE_COLUMN:
                photo_sha256 = self.details(index.row()).photo_sha256
                if role == Qt.ItemDataRole.DecorationRole:
                    return self._thumbnails.get(sequence)
                if role == Qt.ItemDataRole.ToolTipRole and photo_sha256:
                    return f"Photo, SHA-256 {photo_sha256}. Enter shows it."
        return super().data(index, role)

    def set_entries(self, entries: list[TrailEntry]) -> None:
        self.verification = {}
        self._entries = list(entries)
        # QPixmap belongs to the GUI thread, so the op's images become pixmaps here.
        self._thumbnails = {
            e.details.row.sequence: QPixmap.fromImage(e.thumbnail) for e in entries if e.thumbnail is not None
        }
        self.set_rows([e.details.row for e in entries])

    def set_verification(self, results: dict[int, ledger.Verdict]) -> None:
        self.verification = dict(results)
        column = self.VERIFICATION_COLUMN
        self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))


class TrailScreen(QWidget):
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parcel_id = ""
        self.title = QLabel(objectName="trailTitle")
        self.status = QLabel(objectName="trailStatus", wordWrap=True)
        self.model = TrailModel(self)
        self.table = EventTable(objectName="trailTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated_row.connect(self.show_details)
        self.details_dialog: EventDetailsDialog | None = None
        self.verify_button = QPushButton("Verify   Ctrl+V")
        self.verify_button.clicked.connect(self.verify)
        QShortcut(QKeySequence("Ctrl+V"), self, self.verify)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        for kind, export in EXPORTS.items():
            button = QPushButton(f"{export.label}   {export.shortcut}")
            button.clicked.connect(lambda _checked=False, kind=kind: self.export(kind))
            QShortcut(QKeySequence(export.shortcut), self, lambda kind=kind: self.export(kind))
            buttons.addWidget(button)
        back = QPushButton("Back   Esc")
        back.clicked.connect(self.back_requested)
        QShortcut(QKeySequence("Esc"), self, self.back_requested.emit)
        buttons.addWidget(back)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def show_parcel(self, parcel_id: str) -> None:
        self.parcel_id = parcel_id
        self.title.setText(f"Chain of custody of parcel {parcel_id}")
        self.status.setText("Loading…")
        self.model.set_entries([])
        Op(lambda: load_entries(parcel_id), parent=self).success(
            lambda entries: self._loaded(entries) if parcel_id == self.parcel_id else None
        ).failure(self._failed).run()
        self.table.setFocus()

    def _loaded(self, entries: list[TrailEntry]) -> None:
        self.model.set_entries(entries)
        self.status.setText(
            f"{len(entries)} handovers. Enter shows one's details; Ctrl+V checks them against the ledger's proofs."
        )

    def show_details(self, row: int) -> None:
        details = self.model.details(row)
        self.details_dialog = EventDetailsDialog(details, self.model.verdict(details.row.sequence), self)
        self.details_dialog.open()

    def verify(self) -> None:
        if not self.parcel_id:
            return
        parcel_id = self.parcel_id
        self.status.setText("Verifying…")
        Op(lambda: ledger.prove(parcel_id), parent=self).success(
            lambda results: self._verified(results) if parcel_id == self.parcel_id else None
        ).failure(self._failed).run()

    def _verified(self, results: dict[int, ledger.Verdict]) -> None:
        self.model.set_verification(results)
        problems = [f"#{seq}: {v.reason}" for seq, v in sorted(results.items()) if v.status != "verified"]
        if problems:
            self.status.setText("Not verified. " + " ".join(problems))
        else:
            self.status.setText(f"All {len(results)} handovers verified against the ledger's signed proofs.")

    def export(self, kind: str, path: Path | None = None) -> None:
        """Write the verified trail as ``kind``; asks where unless given ``path``."""
        if not self.parcel_id:
            return
        export = EXPORTS[kind]
        if path is None:
            suggested = str(Path.home() / f"custody-{self.parcel_id}{export.suffix}")
            chosen, _filter = QFileDialog.getSaveFileName(self, f"Export {export.label}", suggested, export.file_filter)
            if not chosen:
                return
            path = Path(chosen)
        parcel_id = self.parcel_id
        # The certificate names the station issuing it: the main window's.
        station = getattr(self.window(), "station_name", "")
        self.status.setText(f"Verifying and writing the {export.label}…")
        Op(lambda: write_export(kind, parcel_id, station, path), parent=self).success(
            lambda trail: self._exported(trail, export, path)
        ).failure(self._failed).run()

    def _exported(self, trail: ledger.TrailExport, export: ExportKind, path: Path) -> None:
        if trail.unverified:
            numbers = ", ".join(f"#{e.details.row.sequence}" for e in trail.unverified)
            verdict = f"not verified: {numbers}"
        else:
            verdict = f"all {len(trail.events)} handovers verified"
        self.status.setText(f"{export.label} written to {path} ({verdict}).")

    def _failed(self, error: Exception) -> None:
        self.status.setText(sentence(error))
