"""The list of receiving parties: recent first, searchable, picked by number keys."""

from __future__ import annotations

import json
from dataclasses import asdict

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QListView

from station_app.ledger import PartyRow

RECENT_KEY = "recipients/recent"
KNOWN_KEY = "recipients/known"  # the last list the server gave, for when it does not answer
RECENT_LIMIT = 9
PartyRole = Qt.ItemDataRole.UserRole
RecentRankRole = Qt.ItemDataRole.UserRole + 1


def recent_codes() -> list[str]:
    return list(QSettings().value(RECENT_KEY, [], type=list))


def remember_recent(code: str) -> None:
    codes = [code] + [c for c in recent_codes() if c != code]
    QSettings().setValue(RECENT_KEY, codes[:RECENT_LIMIT])


def remember_known(parties: list[PartyRow]) -> None:
    QSettings().setValue(KNOWN_KEY, json.dumps([asdict(p) for p in parties]))


def known_parties() -> list[PartyRow]:
    """The parties the server listed last; empty if it never did."""
    return [PartyRow(**fields) for fields in json.loads(QSettings().value(KNOWN_KEY, "[]"))]


class PartyListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._parties: list[PartyRow] = []
        self._recent: list[str] = []

    def set_parties(self, parties: list[PartyRow], recent: list[str]) -> None:
        self.beginResetModel()
        self._parties, self._recent = list(parties), list(recent)
        self.endResetModel()

    def parties(self) -> list[PartyRow]:
        return list(self._parties)

    def rowCount(self, parent=QModelIndex()):
        return 0 if parent.isValid() else len(self._parties)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._parties):
            return None
        party = self._parties[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return party.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return party.kind.capitalize()
        if role == PartyRole:
            return party
        if role == RecentRankRole:
            return self._recent.index(party.code) if party.code in self._recent else len(self._recent)
        return None


class RecentFirstProxy(QSortFilterProxyModel):
    """Recently used parties first, then by name; the first nine are numbered for the keys 1-9."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterRole(Qt.ItemDataRole.DisplayRole)
        self.setDynamicSortFilter(True)
        self.sort(0)

    def lessThan(self, left, right):
        left_key = (left.data(RecentRankRole), left.data(Qt.ItemDataRole.DisplayRole).casefold())
        right_key = (right.data(RecentRankRole), right.data(Qt.ItemDataRole.DisplayRole).casefold())
        return left_key < right_key

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        value = super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole and value is not None and index.row() < 9:
            return f"{index.row() + 1}   {value}"
        return value


class RecipientList(QListView):
    """Number keys 1-9 pick the party shown with that number."""

    picked = Signal()

    def keyPressEvent(self, event):
        text = event.text()
        if len(text) == 1 and "1" <= text <= "9" and self.model() is not None:
            row = int(text) - 1
            if row < self.model().rowCount():
                self.setCurrentIndex(self.model().index(row, 0))
                self.picked.emit()
            return
        super().keyPressEvent(event)

    def selected_party(self) -> PartyRow | None:
        index = self.currentIndex()
        return index.data(PartyRole) if index.isValid() else None
