"""One parcel's chain of custody as a timeline, with its verification."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableView, QVBoxLayout, QWidget

from station_app import ledger
from station_app.ops import Op
from station_app.ui.errors import sentence
from station_app.ui.events_model import HASH_PREFIX, EventTableModel, local_time

NOT_CHECKED = "not checked"


class TrailModel(EventTableModel):
    columns = [
        ("Seq", lambda model, row: str(row.sequence)),
        ("When", lambda model, row: local_time(row)),
        ("From → To", lambda model, row: f"{row.from_party or 'first intake'} → {row.to_party}"),
        ("Station", lambda model, row: row.station),
        ("Condition", lambda model, row: row.condition),
        ("Clerk", lambda model, row: row.clerk),
        ("Hash", lambda model, row: row.event_hash[:HASH_PREFIX]),
        ("Verification", lambda model, row: model.verification.get(row.sequence, NOT_CHECKED)),
    ]

    def __init__(self, parent=None):
        super().__init__(parent)
        self.verification: dict[int, str] = {}

    def set_rows(self, rows):
        self.verification = {}
        super().set_rows(rows)

    def set_verification(self, results: dict[int, str]) -> None:
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
        Op(lambda: ledger.load_trail(parcel_id)).success(
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
        Op(lambda: ledger.verify(parcel_id)).success(
            lambda results: self._verified(results) if parcel_id == self.parcel_id else None
        ).failure(self._failed).run()

    def _verified(self, results: dict[int, str] | None) -> None:
        if results is None:
            self.status.setText("Trail verification is not available in this version; events are not checked.")
            return
        self.model.set_verification(results)
        self.status.setText("Verification finished.")

    def _failed(self, error: Exception) -> None:
        self.status.setText(sentence(error))
