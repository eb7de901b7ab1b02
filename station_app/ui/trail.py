"""One parcel's chain of custody as a timeline, with its verification."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from station_app import ledger
from station_app.ops import Op
from station_app.resources import resource_path
from station_app.ui.errors import sentence
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


class TrailModel(EventTableModel):
    columns = [
        ("Seq", lambda model, row: str(row.sequence)),
        ("When", lambda model, row: local_time(row)),
        ("From → To", lambda model, row: f"{row.from_party or 'first intake'} → {row.to_party}"),
        ("Station", lambda model, row: row.station),
        ("Condition", lambda model, row: row.condition),
        ("Clerk", lambda model, row: row.clerk),
        ("Hash", lambda model, row: row.event_hash[:HASH_PREFIX]),
        ("Verification", lambda model, row: model.verdict(row.sequence).status),
    ]
    VERIFICATION_COLUMN = 7

    def __init__(self, parent=None):
        super().__init__(parent)
        self.verification: dict[int, ledger.Verdict] = {}
        self._icons = {status: QIcon(str(resource_path("icons", name))) for status, name in ICONS.items()}

    def verdict(self, sequence: int) -> ledger.Verdict:
        return self.verification.get(sequence, NOT_CHECKED_VERDICT)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() == self.VERIFICATION_COLUMN and 0 <= index.row() < self.rowCount():
            verdict = self.verdict(self.row(index.row()).sequence)
            if role == Qt.ItemDataRole.ToolTipRole:
                return verdict.reason
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons.get(verdict.status)
        return super().data(index, role)

    def set_rows(self, rows):
        self.verification = {}
        super().set_rows(rows)

    def set_verification(self, results: dict[int, ledger.Verdict]) -> None:
        self.verification = dict(results)
        last = self.index(self.rowCount() - 1, self.columnCount() - 1)
        self.dataChanged.emit(self.index(0, self.columnCount() - 1), last)


class TrailScreen(QWidget):
    back_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parcel_id = ""
        self.title = QLabel(objectName="trailTitle")
        self.status = QLabel(objectName="trailStatus", wordWrap=True)
        self.model = TrailModel(self)
        self.table = QTableView(objectName="trailTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.verify_button = QPushButton("Verify   Ctrl+V")
        self.verify_button.clicked.connect(self.verify)
        QShortcut(QKeySequence("Ctrl+V"), self, self.verify)
        back = QPushButton("Back   Esc")
        back.clicked.connect(self.back_requested)
        QShortcut(QKeySequence("Esc"), self, self.back_requested.emit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
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
        self.model.set_rows([])
        Op(lambda: ledger.load_trail(parcel_id), parent=self).success(
            lambda rows: self._loaded(rows) if parcel_id == self.parcel_id else None
        ).failure(self._failed).run()
        self.table.setFocus()

    def _loaded(self, rows) -> None:
        self.model.set_rows(rows)
        self.status.setText(f"{len(rows)} handovers. Ctrl+V checks them against the ledger's proofs.")

    def verify(self) -> None:
        if not self.parcel_id:
            return
        parcel_id = self.parcel_id
        self.status.setText("Verifying…")
        Op(lambda: ledger.verify(parcel_id), parent=self).success(
            lambda results: self._verified(results) if parcel_id == self.parcel_id else None
        ).failure(self._failed).run()

    def _verified(self, results: dict[int, ledger.Verdict]) -> None:
        self.model.set_verification(results)
        problems = [f"#{seq}: {v.reason}" for seq, v in sorted(results.items()) if v.status != "verified"]
        if problems:
            self.status.setText("Not verified. " + " ".join(problems))
        else:
            self.status.setText(f"All {len(results)} handovers verified against the ledger's signed proofs.")

    def _failed(self, error: Exception) -> None:
        self.status.setText(sentence(error))
