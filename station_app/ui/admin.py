"""The admin screen: parties, stations and users, each a table with a form to add one."""

from __future__ import annotations

from dataclasses import fields

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from station_app import registry, staff
from station_app.custody.models import Party
from station_app.ops import Op
from station_app.ui.events_model import EventTableModel
from station_app.ui.errors import sentence


def _field_text(name: str):
    """How a RowsModel column shows one dataclass field."""

    def text(model, row) -> str:
        value = getattr(row, name)
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    return text


class RowsModel(EventTableModel):
    """A read-only table of dataclass rows, one column per field."""

    def __init__(self, row_type, parent=None):
        super().__init__(parent)
        self.columns = [(f.name.capitalize(), _field_text(f.name)) for f in fields(row_type)]


def _table(model: RowsModel, name: str) -> QTableView:
    table = QTableView(objectName=name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class AdminScreen(QWidget):
    registry_changed = Signal()  # parties or stations

    def __init__(self, parent=None):
        super().__init__(parent)
        self.parties = RowsModel(registry.PartyEntry, self)
        self.stations = RowsModel(registry.StationEntry, self)
        self.users = RowsModel(staff.UserRow, self)
        self.status = QLabel(objectName="adminStatus", wordWrap=True)
        self.tabs = QTabWidget(objectName="adminTabs")
        self.tabs.addTab(self._parties_tab(), "Parties")
        self.tabs.addTab(self._stations_tab(), "Stations")
        self.tabs.addTab(self._users_tab(), "Users")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)

    def _parties_tab(self) -> QWidget:
        self.party_table = _table(self.parties, "partyTable")
        self.party_code = QLineEdit(objectName="partyCode", placeholderText="Code")
        self.party_name = QLineEdit(objectName="partyName", placeholderText="Name")
        self.party_kind = QComboBox(objectName="partyKind")
        for value, label in Party.Kind.choices:
            self.party_kind.addItem(label, value)
        add = QPushButton("Add party", objectName="addParty")
        add.clicked.connect(self.add_party)
        self.party_name.returnPressed.connect(self.add_party)
        deactivate = QPushButton("Deactivate selected", objectName="deactivateParty")
        deactivate.clicked.connect(self.deactivate_party)
        return _tab(self.party_table, [self.party_code, self.party_name, self.party_kind, add, deactivate])

    def _stations_tab(self) -> QWidget:
        self.station_table = _table(self.stations, "stationTable")
        self.station_code = QLineEdit(objectName="stationCode", placeholderText="Code")
        self.station_name = QLineEdit(objectName="stationName", placeholderText="Name")
        self.station_location = QLineEdit(objectName="stationLocation", placeholderText="Location")
        add = QPushButton("Add station", objectName="addStation")
        add.clicked.connect(self.add_station)
        deactivate = QPushButton("Deactivate selected", objectName="deactivateStation")
        deactivate.clicked.connect(self.deactivate_station)
        return _tab(self.station_table, [self.station_code, self.station_name, self.station_location, add, deactivate])

    def _users_tab(self) -> QWidget:
        self.user_table = _table(self.users, "userTable")
        self.user_name = QLineEdit(objectName="userName", placeholderText="User name")
        self.user_role = QComboBox(objectName="userRole")
        self.user_role.addItems(staff.ROLES)
        self.user_pin = QLineEdit(objectName="userPin", placeholderText="PIN", echoMode=QLineEdit.EchoMode.Password)
        self.user_badge = QLineEdit(objectName="userBadge", placeholderText="Badge code (optional)")
        add = QPushButton("Add user", objectName="addUser")
        add.clicked.connect(self.add_user)
        return _tab(self.user_table, [self.user_name, self.user_role, self.user_pin, self.user_badge, add])

    # Data -----------------------------------------------------------------
    def load(self) -> None:
        Op(lambda: (registry.parties(), registry.stations(), staff.users()), parent=self).success(
            self._show
        ).failure(self._failed).run()

    def _show(self, lists) -> None:
        parties, stations, users = lists
        self.parties.set_rows(parties)
        self.stations.set_rows(stations)
        self.users.set_rows(users)

    def _change(self, work, done: str) -> None:
        self.status.setText("Saving…")

        def changed(_result):
            self.status.setText(done)
            self.load()
            self.registry_changed.emit()

        Op(work, parent=self, writes=True).success(changed).failure(self._failed).run()

    def add_party(self) -> None:
        code, name, kind = self.party_code.text(), self.party_name.text(), self.party_kind.currentData()
        self._change(lambda: registry.add_party(code, name, kind), f"Party {code.strip().upper()} added.")

    def deactivate_party(self) -> None:
        code = self._selected_code(self.party_table, self.parties, "party")
        if code:
            self._change(lambda: registry.deactivate_party(code), f"Party {code} deactivated.")

    def deactivate_station(self) -> None:
        code = self._selected_code(self.station_table, self.stations, "station")
        if code:
            self._change(
                lambda: registry.deactivate_station(code), f"Station {code} deactivated: it no longer starts."
            )

    def _selected_code(self, table: QTableView, model: RowsModel, what: str) -> str | None:
        index = table.currentIndex()
        if not index.isValid():
            self.status.setText(f"Select the {what} to deactivate.")
            return None
        return model.row(index.row()).code

    def add_station(self) -> None:
        code, name, location = self.station_code.text(), self.station_name.text(), self.station_location.text()
        self._change(lambda: registry.add_station(code, name, location), f"Station {code.strip().upper()} added.")

    def add_user(self) -> None:
        name, role = self.user_name.text(), self.user_role.currentText()
        pin, badge = self.user_pin.text(), self.user_badge.text()
        self.user_pin.clear()
        self._change(lambda: staff.add_user(name, role, pin, badge), f"User {name.strip()} added as {role}.")

    def _failed(self, error: Exception) -> None:
        known = isinstance(error, (registry.RegistryError, staff.StaffError))
        self.status.setText(str(error) if known else sentence(error))


def _tab(table: QTableView, form: list[QWidget]) -> QWidget:
    tab = QWidget()
    row = QHBoxLayout()
    for widget in form:
        row.addWidget(widget)
    layout = QVBoxLayout(tab)
    layout.addWidget(table, 1)
    layout.addLayout(row)
    return tab
