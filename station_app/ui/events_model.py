"""Read-only tables of rows (handover events, outbox entries) shared by the trail, the browser and the conflicts screen."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from station_app.ledger import EventRow

HASH_PREFIX = 12


def local_time(row: EventRow) -> str:
    return row.occurred_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")


class EventTableModel(QAbstractTableModel):
    """A read-only table whose columns are (header, how to show a row); subclasses choose them."""

    columns: list[tuple[str, callable]] = []

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int):
        return self._rows[number]

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[index.column()][1](self, self._rows[index.row()])
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section][0]
        return None
