"""The supervisor's trail browser: every handover, filtered and paged on the server."""

from __future__ import annotations

import datetime

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from station_app import ledger, overdue
from station_app.custody.models import Condition
from station_app.ops import Op
from station_app.ui.errors import sentence
from station_app.ui.events_model import EventTableModel, local_time
from station_app.ui.settings_dialog import overdue_hours


class BrowserModel(EventTableModel):
    columns = [
        ("Parcel", lambda model, row: row.parcel_id),
        ("Seq", lambda model, row: str(row.sequence)),
        ("When", lambda model, row: local_time(row)),
        ("From → To", lambda model, row: f"{row.from_party or 'first intake'} → {row.to_party}"),
        ("Condition", lambda model, row: row.condition),
        ("Station", lambda model, row: row.station),
    ]


class EventTable(QTableView):
    """Enter opens the selected row, like a double-click."""

    activated_row = Signal(int)

    def __init__(self, **properties):
        super().__init__(**properties)
        self.doubleClicked.connect(lambda index: self.activated_row.emit(index.row()))

    def keyPressEvent(self, event):
        if event.text() in ("\r", "\n") and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


# A day field showing its minimum date means "any day".
ANY_DAY = QDate(2000, 1, 1)


def _day_field(name: str, any_text: str) -> QDateEdit:
    field = QDateEdit(objectName=name, calendarPopup=True, displayFormat="yyyy-MM-dd")
    field.setMinimumDate(ANY_DAY)
    field.setSpecialValueText(any_text)
    field.setDate(ANY_DAY)
    return field


def _day(field: QDateEdit) -> datetime.date | None:
    return None if field.date() == ANY_DAY else field.date().toPython()


class BrowserScreen(QWidget):
    trail_requested = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.criteria = ledger.BrowseFilter()
        self.offset = 0
        self.has_more = False
        self._request = 0  # only the latest search may fill the table
        self.barcode_field = QLineEdit(objectName="browseBarcode", placeholderText="Parcel code contains…")
        self.party_box = QComboBox(objectName="browseParty")
        self.party_box.addItem("Any party", None)
        self.station_box = QComboBox(objectName="browseStation")
        self.station_box.addItem("Any station", None)
        self.since_field = _day_field("browseSince", "From any day")
        self.until_field = _day_field("browseUntil", "To any day")
        self.condition_box = QComboBox(objectName="browseCondition")
        self.condition_box.addItem("Any condition", "")
        for condition in Condition:
            self.condition_box.addItem(condition.label, condition.value)
        search = QPushButton("Search   Ctrl+S")
        search.clicked.connect(self.search)
        QShortcut(QKeySequence("Ctrl+S"), self, self.search)
        self.barcode_field.returnPressed.connect(self.search)
        self.overdue_banner = QLabel(objectName="overdueBanner", wordWrap=True, visible=False)
        self.overdue_banner.setProperty("state", "error")
        self.only_overdue = QCheckBox("Only overdue   Ctrl+O", objectName="onlyOverdue")
        self.only_overdue.toggled.connect(self.search)
        QShortcut(QKeySequence("Ctrl+O"), self, self.only_overdue.toggle)
        self.model = BrowserModel(self)
        self.table = EventTable(objectName="browseTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated_row.connect(lambda row: self.trail_requested.emit(self.model.row(row).parcel_id))
        self.previous_button = QPushButton("◀ Previous   PgUp")
        self.next_button = QPushButton("Next ▶   PgDown")
        self.previous_button.clicked.connect(lambda: self._load(max(0, self.offset - ledger.PAGE_SIZE)))
        self.next_button.clicked.connect(lambda: self._load(self.offset + ledger.PAGE_SIZE))
        QShortcut(QKeySequence("Ctrl+PgUp"), self, self.previous_button.click)
        QShortcut(QKeySequence("Ctrl+PgDown"), self, self.next_button.click)
        self.status = QLabel(objectName="browseStatus")

        filters = QHBoxLayout()
        filters.addWidget(self.barcode_field, 3)
        filters.addWidget(self.party_box, 2)
        filters.addWidget(self.station_box, 2)
        filters.addWidget(self.condition_box, 2)
        more_filters = QHBoxLayout()
        more_filters.addWidget(self.since_field)
        more_filters.addWidget(self.until_field)
        more_filters.addWidget(self.only_overdue)
        more_filters.addStretch(1)
        more_filters.addWidget(search)
        paging = QHBoxLayout()
        paging.addWidget(self.previous_button)
        paging.addWidget(self.status, 1)
        paging.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.overdue_banner)
        layout.addLayout(filters)
        layout.addLayout(more_filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(paging)
        self._update_paging()

    def load_choices(self) -> None:
        """The parties and stations to filter by."""
        Op(lambda: (ledger.active_parties(), ledger.all_stations()), parent=self).success(
            self._show_choices
        ).failure(self._failed).run()

    def _show_choices(self, choices) -> None:
        parties, stations = choices
        for box, rows in ((self.party_box, parties), (self.station_box, stations)):
            chosen = box.currentData()
            while box.count() > 1:  # keep "Any …"
                box.removeItem(1)
            for row in rows:
                box.addItem(row.label, row.pk)
            box.setCurrentIndex(max(0, box.findData(chosen)))

    def search(self) -> None:
        self.criteria = ledger.BrowseFilter(
            barcode=self.barcode_field.text().strip(),
            party_pk=self.party_box.currentData(),
            station_pk=self.station_box.currentData(),
            condition=self.condition_box.currentData(),
            since=_day(self.since_field),
            until=_day(self.until_field),
        )
        self._load(0)

    def check_overdue(self) -> None:
        hours = overdue_hours()
        Op(lambda: overdue.count(hours), parent=self).success(lambda n: self._show_overdue(n, hours)).run()

    def _show_overdue(self, count: int, hours: int) -> None:
        self.overdue_banner.setVisible(count > 0)
        self.overdue_banner.setText(
            f"⚠ {count} parcel{'s' if count != 1 else ''} held by one party (not a customer) "
            f"for more than {hours} h. Ctrl+O shows only those."
        )

    def _load(self, offset: int) -> None:
        criteria = self.criteria
        self._request += 1
        request = self._request
        self.status.setText("Searching…")
        if self.only_overdue.isChecked():
            hours = overdue_hours()
            work = lambda: overdue.browse(hours, criteria, offset)  # noqa: E731
        else:
            work = lambda: ledger.browse(criteria, offset)  # noqa: E731
        Op(work, parent=self).success(
            lambda page: self._show_page(page) if request == self._request else None
        ).failure(self._failed).run()

    @property
    def searching(self) -> bool:
        return self.status.text() == "Searching…"

    def _show_page(self, page: ledger.BrowsePage) -> None:
        self.model.set_rows(page.rows)
        self.offset, self.has_more = page.offset, page.has_more
        if page.rows:
            self.status.setText(f"Handovers {page.offset + 1}–{page.offset + len(page.rows)}. Enter opens a trail.")
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.status.setText("No handovers match.")
        self._update_paging()

    def _update_paging(self) -> None:
        self.previous_button.setEnabled(self.offset > 0)
        self.next_button.setEnabled(self.has_more)

    def _failed(self, error: Exception) -> None:
        self.status.setText(sentence(error))
