"""The clerk's screen: scan a parcel, pick who receives it and its condition, commit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from station_app import ledger
from station_app.custody.models import Condition
from station_app.custody.services import EVIDENCE_REQUIRED
from station_app.ops import Op
from station_app.outbox import COMMITTED, CONFLICT, PENDING, Entry, Outbox
from station_app.ui.errors import sentence
from station_app.ui.feedback import ScanFeedback
from station_app.ui.recipients import (
    PartyListModel,
    RecentFirstProxy,
    RecipientList,
    known_parties,
    recent_codes,
    remember_known,
    remember_recent,
)

CONDITION_KEYS = ["F1", "F2", "F3", "F4", "F5", "F6"]
MAX_PHOTO_BYTES = 10 * 1024 * 1024
SERVER_AWAY = "Server unreachable — this handover will be saved on this station and sent later."
KNOWN_PARTIES_SHOWN = "The recipients are those the server listed last; handovers wait on this station until it answers."


class HandoverScreen(QWidget):
    committed = Signal(int)  # tx id
    journaled = Signal()  # a handover went into the outbox, whatever became of it
    trail_requested = Signal(str)  # parcel id

    def __init__(self, station_code: str, clerk: str, outbox: Outbox, parent=None):
        super().__init__(parent)
        self.station_code, self.clerk = station_code, clerk
        self.outbox = outbox
        self.custody: ledger.CustodyView | None = None
        self._scanned_code = ""
        self.photo: bytes | None = None
        self._scans = 0
        self._build()
        self._reset_form()

    # Layout -------------------------------------------------------------
    def _build(self) -> None:
        self.scan_field = QLineEdit(objectName="scanField", placeholderText="Scan or type the parcel code, then Enter")
        self.scan_field.returnPressed.connect(lambda: self.handle_scan(self.scan_field.text()))
        self.feedback = ScanFeedback()
        self.mute_toggle = QCheckBox("Mute (Ctrl+M)", checked=self.feedback.muted)
        self.mute_toggle.setEnabled(self.feedback.sound_available)
        self.mute_toggle.toggled.connect(self.feedback.set_muted)
        QShortcut(QKeySequence("Ctrl+M"), self, self.mute_toggle.toggle)

        self.parcel_label = QLabel(objectName="parcelInfo", wordWrap=True)

        self.parties = PartyListModel(self)
        self.recipients_proxy = RecentFirstProxy(self)
        self.recipients_proxy.setSourceModel(self.parties)
        self.search_field = QLineEdit(placeholderText="Search parties (Ctrl+F)")
        self.search_field.textChanged.connect(self.recipients_proxy.setFilterFixedString)
        self.search_field.returnPressed.connect(self._pick_first_match)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search_field.setFocus)
        self.recipient_list = RecipientList(objectName="recipientList")
        self.recipient_list.setModel(self.recipients_proxy)
        self.recipient_list.picked.connect(self._recipient_picked)

        self.condition_group = QButtonGroup(self, exclusive=True)
        conditions = QGridLayout()
        for number, (condition, key) in enumerate(zip(Condition, CONDITION_KEYS)):
            button = QPushButton(f"{condition.label}\n{key}", checkable=True)
            button.setProperty("condition", True)
            button.setProperty("value", condition.value)
            self.condition_group.addButton(button)
            conditions.addWidget(button, number // 3, number % 3)
            QShortcut(QKeySequence(key), self, button.click)
        self.condition_group.buttonToggled.connect(lambda *_: self._update_photo_hint())

        self.note_field = QLineEdit(objectName="noteField", placeholderText="Note (optional)")
        self.photo_button = QPushButton("Attach photo… (Ctrl+P)")
        self.photo_button.clicked.connect(self._choose_photo)
        QShortcut(QKeySequence("Ctrl+P"), self, self._choose_photo)
        self.photo_label = QLabel(objectName="photoLabel")

        self.commit_button = QPushButton("Commit handover   Ctrl+Enter", objectName="commitButton")
        self.commit_button.clicked.connect(self.commit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.commit)
        QShortcut(QKeySequence("Ctrl+T"), self, self._open_trail)

        scan_row = QHBoxLayout()
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.mute_toggle)
        recipients = QVBoxLayout()
        recipients.addWidget(QLabel("Receiving party (1–9)"))
        recipients.addWidget(self.search_field)
        recipients.addWidget(self.recipient_list, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel("Condition (F1–F6)"))
        right.addLayout(conditions)
        right.addWidget(self.note_field)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.photo_button)
        photo_row.addWidget(self.photo_label, 1)
        right.addLayout(photo_row)
        right.addStretch(1)
        right.addWidget(self.commit_button)
        body = QHBoxLayout()
        body.addLayout(recipients, 2)
        body.addLayout(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(scan_row)
        layout.addWidget(self.feedback)
        layout.addWidget(self.parcel_label)
        layout.addLayout(body, 1)

    # Data ---------------------------------------------------------------
    def load_parties(self) -> None:
        Op(ledger.active_parties, parent=self).success(self._show_parties).failure(self._parties_unavailable).run()

    def _show_parties(self, parties: list[ledger.PartyRow]) -> None:
        remember_known(parties)
        self.parties.set_parties(parties, recent_codes())

    def _parties_unavailable(self, error: Exception) -> None:
        """Without its server the station still hands over, to the parties it saw last."""
        known = known_parties()
        if not known:
            return self._show_error(error)
        self.parties.set_parties(known, recent_codes())
        self.feedback.show_state("pending", f"{sentence(error)} {KNOWN_PARTIES_SHOWN}")

    # Scan ---------------------------------------------------------------
    def handle_scan(self, code: str) -> None:
        self._reset_form()
        self._scanned_code = code
        self._scans += 1
        scan = self._scans  # a newer scan replaces this one's result
        self.scan_field.setText(code)
        self.scan_field.selectAll()
        self.feedback.show_state("idle", "Looking up the parcel…")
        outbox = self.outbox
        Op(lambda: ledger.look_up(code, outbox), parent=self).success(
            lambda custody: self._show_custody(custody) if scan == self._scans else None
        ).failure(lambda error: self._scan_failed(error) if scan == self._scans else None).run()

    def _show_custody(self, custody: ledger.CustodyView) -> None:
        self.custody = custody
        if custody.custodian_code is not None:
            holder = f"Held by {self._party_label(custody)}; last condition: {custody.last_condition}."
            if custody.from_unsent:
                holder += " (From this station's handover that is not sent yet.)"
        elif custody.server_unreachable:
            holder = (
                "Holder unknown while the server is away: this is recorded as a first intake, and if the parcel "
                "already has a trail, a supervisor sees it under Conflicts (Ctrl+3)."
            )
        else:
            holder = "New parcel: first intake at this station."
        self.parcel_label.setText(f"Parcel {custody.parcel_id}. {holder}")
        if custody.server_unreachable:
            self.feedback.show_state("pending", SERVER_AWAY, sound=True)
        else:
            self.feedback.show_state("ok", f"Parcel {custody.parcel_id} scanned. Pick the receiving party.", sound=True)
        self.condition_group.buttons()[0].setChecked(True)
        self.recipient_list.setFocus()

    def _party_label(self, custody: ledger.CustodyView) -> str:
        if custody.custodian_label:
            return custody.custodian_label
        known = {party.code: party.label for party in self.parties.parties()}
        return known.get(custody.custodian_code, custody.custodian_code)

    def _open_trail(self) -> None:
        if self.custody is not None and self.custody.sequence:
            self.trail_requested.emit(self.custody.parcel_id)

    def _scan_failed(self, error: Exception) -> None:
        self.custody = None
        self.feedback.show_state("error", sentence(error), sound=True)
        self.scan_field.setFocus()
        self.scan_field.selectAll()

    # Form ---------------------------------------------------------------
    def _pick_first_match(self) -> None:
        if self.recipients_proxy.rowCount():
            self.recipient_list.setCurrentIndex(self.recipients_proxy.index(0, 0))
            self._recipient_picked()

    def _recipient_picked(self) -> None:
        party = self.recipient_list.selected_party()
        if party is not None:
            self.feedback.show_state("ok", f"To {party.label}. Pick the condition (F1–F6), then Ctrl+Enter.")

    def selected_condition(self) -> str | None:
        button = self.condition_group.checkedButton()
        return button.property("value") if button else None

    def _update_photo_hint(self) -> None:
        needed = self.selected_condition() in EVIDENCE_REQUIRED
        if self.photo:
            self.photo_label.setText(f"Photo attached ({len(self.photo) // 1024 or 1} KB)")
        else:
            self.photo_label.setText("Photo required for this condition" if needed else "")

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Attach photo", "", "Images (*.jpg *.jpeg *.png *.heic)")
        if path:
            self.attach_photo(Path(path))

    def attach_photo(self, path: Path) -> None:
        if path.stat().st_size > MAX_PHOTO_BYTES:
            self.feedback.show_state("error", f"The photo is larger than {MAX_PHOTO_BYTES // 1024 // 1024} MB; take a smaller one.")
            return
        self.photo = path.read_bytes()
        self._update_photo_hint()

    def _reset_form(self) -> None:
        self.custody = None
        self.photo = None
        self.note_field.clear()
        self.search_field.clear()
        self.parcel_label.setText("")
        self.recipient_list.clearSelection()
        self.recipient_list.setCurrentIndex(self.recipients_proxy.index(-1, -1))
        self.condition_group.setExclusive(False)
        for button in self.condition_group.buttons():
            button.setChecked(False)
        self.condition_group.setExclusive(True)
        self._update_photo_hint()

    # Commit -------------------------------------------------------------
    def commit(self) -> None:
        if not self.commit_button.isEnabled():
            return
        party = self.recipient_list.selected_party()
        condition = self.selected_condition()
        if self.custody is None:
            return self._refuse("Scan a parcel first.")
        if party is None:
            return self._refuse("Pick the receiving party (number keys 1–9).")
        if condition is None:
            return self._refuse("Pick the parcel's condition (F1–F6).")
        request = ledger.HandoverRequest(
            scanned_code=self._scanned_code,
            to_party_code=party.code,
            condition=condition,
            station_code=self.station_code,
            clerk=self.clerk,
            from_party_code=self.custody.custodian_code,
            expected_sequence=self.custody.sequence,
            note=self.note_field.text().strip(),
            photo=self.photo,
        )
        self.commit_button.setEnabled(False)
        self.feedback.show_state("idle", f"Recording the handover to {party.label}…")
        outbox = self.outbox
        Op(lambda: ledger.commit(request, outbox), parent=self, writes=True).success(
            lambda entry: self._journaled(entry, party)
        ).failure(self._commit_failed).run()

    def _refuse(self, message: str) -> None:
        self.feedback.show_state("error", message, sound=True)

    def _journaled(self, entry: Entry, party: ledger.PartyRow) -> None:
        """The handover is safe in the outbox; tell the clerk whether it also reached the server."""
        self.commit_button.setEnabled(True)
        remember_recent(party.code)
        self.parties.set_parties(self.parties.parties(), recent_codes())
        if entry.state == COMMITTED and entry.tx_id:
            self.feedback.show_state(
                "ok", f"Committed — tx {entry.tx_id}: parcel {entry.parcel_id} to {party.label}.", sound=True
            )
        else:
            state = {COMMITTED: "ok", PENDING: "pending", CONFLICT: "error"}[entry.state]
            self.feedback.show_state(state, entry.clerk_message, sound=True)
        self._scanned_code = ""
        self._reset_form()
        self.scan_field.clear()
        self.scan_field.setFocus()
        self.journaled.emit()
        if entry.tx_id:
            self.committed.emit(entry.tx_id)

    def _commit_failed(self, error: Exception) -> None:
        self.commit_button.setEnabled(True)
        self.feedback.show_state("error", sentence(error), sound=True)
        self.scan_field.setFocus()
        self.scan_field.selectAll()

    def _show_error(self, error: Exception) -> None:
        self.feedback.show_state("error", sentence(error), sound=True)
