"""The supervisor's list of handovers the server refused when this station sent them.

They stay in the station's outbox, never dropped; the supervisor settles each
one with the parties (often by scanning the parcel again and recording what
really happened).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from station_app.outbox import Entry
from station_app.ui.events_model import EventTableModel


class ConflictModel(EventTableModel):
    """Rows are outbox entries; hovering one shows the whole message for the clerk."""

    columns = [
        ("When", lambda model, entry: entry.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
        ("Parcel", lambda model, entry: entry.parcel_id),
        ("To", lambda model, entry: entry.to_party),
        ("Clerk", lambda model, entry: entry.clerk),
        ("Reason", lambda model, entry: entry.last_error),
    ]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and 0 <= index.row() < self.rowCount():
            return self.row(index.row()).clerk_message
        return super().data(index, role)


class ConflictsScreen(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        title = QLabel("Handovers the server refused — kept on this station for a supervisor", objectName="trailTitle",
                       wordWrap=True)
        self.model = ConflictModel(self)
        self.table = QTableView(objectName="conflictsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(objectName="conflictsStatus")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        self.show_entries([])

    def show_entries(self, entries: list[Entry]) -> None:
        self.model.set_rows(entries)
        self.table.resizeRowsToContents()
        if entries:
            self.status.setText(f"{len(entries)} handover(s) need a supervisor. Hover a row for the full message.")
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.status.setText("No conflicts on this station.")
