"""The supervisor's list of handovers the server refused when this station sent them.

They stay in the station's outbox, never dropped; the supervisor settles each
one with the parties (often by scanning the parcel again and recording what
really happened).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from station_app.outbox import Entry


class ConflictModel(QAbstractTableModel):
    columns = [
        ("When", lambda entry: entry.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")),
        ("Parcel", lambda entry: entry.parcel_id),
        ("To", lambda entry: entry.to_party),
        ("Clerk", lambda entry: entry.clerk),
        ("Reason", lambda entry: entry.last_error),
    ]

    def __init__(self, parent=None):
        super().__init__(parent)
        self._entries: list[Entry] = []

    def set_entries(self, entries: list[Entry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> Entry:
        return self._entries[row]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](entry)
        if role == Qt.ItemDataRole.ToolTipRole:
            return entry.clerk_message
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section][0]
        return None


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
        self.model.set_entries(entries)
        self.table.resizeRowsToContents()
        if entries:
            self.status.setText(f"{len(entries)} handover(s) need a supervisor. Hover a row for the full message.")
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.status.setText("No conflicts on this station.")
