"""The station window: clerk screen, trail, browser, conflicts, and the connection and outbox in the status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget, QStatusBar

from station_app import bootstrap, ledger, local_pin, staff
from station_app import config as station_config
from station_app.ops import Op
from station_app.outbox import Counts, Outbox
from station_app.ui.admin import AdminScreen
from station_app.ui.browser import BrowserScreen
from station_app.ui.conflicts import ConflictsScreen
from station_app.ui.errors import sentence
from station_app.ui.handover import HandoverScreen
from station_app.ui.scanner import ScanCatcher
from station_app.ui.settings_dialog import SettingsDialog
from station_app.ui.settings_lock import FirstPinDialog, LocalPinDialog
from station_app.ui.sign_in import SignInScreen
from station_app.ui.trail import TrailScreen


SYNC_INTERVAL_MS = 10_000
# The weakest role that may use each screen; a clerk may open the trail of a parcel they scanned.
NEEDS_ROLE = {
    "handover": staff.CLERK, "trail": staff.CLERK, "browser": staff.SUPERVISOR,
    "conflicts": staff.SUPERVISOR, "settings": staff.ADMIN, "admin": staff.ADMIN,
}
SCREEN_NAMES = {"browser": "The trail browser", "conflicts": "Conflicts", "settings": "Settings", "admin": "The admin screen"}


class MainWindow(QMainWindow):
    def __init__(self, station_code: str, station_name: str, clerk: str | None,
                 config: station_config.ConnectionConfig, *, outbox: Outbox, role: str = staff.CLERK,
                 start_embedded: Callable[[station_config.ConnectionConfig], object] | None = None,
                 sync_interval_ms: int = SYNC_INTERVAL_MS):
        super().__init__()
        self.setWindowTitle(
            f"Handover station — {station_name}   (Ctrl+1 Handover · Ctrl+2 Trails · Ctrl+3 Conflicts · Ctrl+4 Admin · Ctrl+, Settings)"
        )
        self.config = config
        self.outbox = outbox
        self._start_embedded = start_embedded
        self.station_name = station_name
        self.clerk = clerk  # None until someone signs in
        self.role = role if clerk else None
        self.server_reachable = False
        self.sign_in = SignInScreen()
        self.handover = HandoverScreen(station_code, clerk or "", outbox)
        self.trail = TrailScreen()
        self.browser = BrowserScreen()
        self.conflicts = ConflictsScreen()
        self.admin = AdminScreen()
        self.stack = QStackedWidget()
        for screen in (self.sign_in, self.handover, self.trail, self.browser, self.conflicts, self.admin):
            self.stack.addWidget(screen)
        self.setCentralWidget(self.stack)
        self._build_status_bar()

        self.sign_in.signed_in.connect(self.signed_in_as)

        self.handover.committed.connect(self._show_last_tx)
        self.handover.journaled.connect(self.refresh_outbox)
        self.handover.trail_requested.connect(self.open_trail)
        self.browser.trail_requested.connect(self.open_trail)
        self.admin.registry_changed.connect(self.handover.load_parties)
        self.admin.registry_changed.connect(self.browser.load_choices)
        self.trail.back_requested.connect(self._back_from_trail)
        QShortcut(QKeySequence("Ctrl+1"), self, self.show_handover)
        QShortcut(QKeySequence("Ctrl+2"), self, self.show_browser)
        QShortcut(QKeySequence("Ctrl+3"), self, self.show_conflicts)
        QShortcut(QKeySequence("Ctrl+4"), self, self.show_admin)
        QShortcut(QKeySequence("Ctrl+,"), self, self.open_settings)
        QShortcut(QKeySequence("Ctrl+L"), self, self.sign_out)

        self.scan_catcher = ScanCatcher(self, self.handover.scan_field)
        self.scan_catcher.scanned.connect(self._scanned_elsewhere)
        QApplication.instance().installEventFilter(self.scan_catcher)
        self._previous_screen = self.handover
        self.settings_dialog: SettingsDialog | None = None
        self.pin_dialog: LocalPinDialog | None = None
        self.first_pin_dialog: FirstPinDialog | None = None
        # Handovers saved while the server was away go out on this beat.
        self._syncing = False
        self.sync_timer = QTimer(self, interval=sync_interval_ms)
        self.sync_timer.timeout.connect(self.sync_outbox)
        geometry = QSettings().value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _build_status_bar(self) -> None:
        bar = QStatusBar(objectName="statusBar")
        self.who_label = QLabel(objectName="whoLabel")
        self.connection_label = QLabel("Connecting…", objectName="connectionState")
        self.version_label = QLabel("", objectName="serverVersion")
        self.last_tx_label = QLabel("Last tx: —", objectName="lastTx")
        self.pending_label = QLabel("", objectName="pendingCount")
        bar.addWidget(self.who_label)
        bar.addWidget(self.connection_label, 1)
        for label in (self.version_label, self.last_tx_label, self.pending_label):
            bar.addPermanentWidget(label)
        bar.setSizeGripEnabled(False)
        self.setStatusBar(bar)

    # Start and connection -------------------------------------------------
    def start(self) -> None:
        """Load what the screens need and check the connection; the window is already shown."""
        self.handover.load_parties()
        self.browser.load_choices()
        self.check_connection()
        self.sync_outbox()  # what an earlier session left unsent
        self.sync_timer.start()
        if self.clerk is None:
            self.sign_out()
        else:
            self.signed_in_as(staff.SignedIn(self.clerk, self.role))

    def signed_in_as(self, user: staff.SignedIn) -> None:
        self.clerk = self.handover.clerk = user.username
        self.role = user.role
        self.who_label.setText(f"{self.station_name} · {user.username} ({user.role})   (Ctrl+L signs out)")
        self.show_handover()

    def may_use(self, screen: str) -> bool:
        """Whether the signed-in role may open ``screen``; if not, the status bar says so."""
        if self.clerk is None:
            return False
        needed = NEEDS_ROLE[screen]
        if staff.ROLES.index(self.role) >= staff.ROLES.index(needed):
            return True
        self.statusBar().showMessage(
            f"{SCREEN_NAMES[screen]} is for {needed}s and above; {self.clerk} is signed in as {self.role}.", 5000
        )
        return False

    def sign_out(self) -> None:
        self.clerk = self.role = None
        self.handover.clerk = ""
        self.who_label.setText(f"{self.station_name} · signed out")
        self.stack.setCurrentWidget(self.sign_in)
        self.sign_in.load_clerks()

    def check_connection(self) -> None:
        address = f"{self.config.host}:{self.config.port}/{self.config.database}"
        self.connection_label.setText(f"Connecting to {address}…")
        Op(ledger.server_version, parent=self).success(
            lambda version: self._connected(address, version)
        ).failure(self._disconnected).run()

    def _connected(self, address: str, version: str) -> None:
        self.server_reachable = True
        self.connection_label.setText(f"Connected ({self.config.mode}) to {address}")
        self.connection_label.setToolTip("")
        _set_state(self.connection_label, "ok")
        self.version_label.setText(f"immudb {version}")

    def _disconnected(self, error: Exception) -> None:
        self.server_reachable = False
        self.connection_label.setText("Not connected — see Settings (Ctrl+,)")
        self.connection_label.setToolTip(sentence(error))
        _set_state(self.connection_label, "error")
        self.version_label.setText("")

    def open_settings(self) -> None:
        """For a signed-in admin; while no server answers, nobody can sign in, so the local admin PIN unlocks it."""
        if self.role == staff.ADMIN:
            return self._show_settings()
        if self.server_reachable:
            if self.clerk is None:
                return self.statusBar().showMessage("Settings are for admins: sign in as an admin first.", 5000)
            self.may_use("settings")
            return
        if not local_pin.is_set():
            return self.statusBar().showMessage(
                "No server answers and this station has no local admin PIN: ask an administrator.", 5000
            )
        self.pin_dialog = LocalPinDialog(self)
        self.pin_dialog.accepted.connect(self._show_settings)
        self.pin_dialog.open()

    def ask_for_first_local_pin(self) -> None:
        """Until the station has a local admin PIN, ask for one at start; it may wait for another day."""
        if local_pin.is_set():
            return
        self.first_pin_dialog = FirstPinDialog(self)
        self.first_pin_dialog.open()

    def _show_settings(self) -> None:
        self.settings_dialog = SettingsDialog(self.config, self)
        self.settings_dialog.accepted.connect(lambda: self.apply_config(self.settings_dialog.saved_config))
        self.settings_dialog.open()

    def apply_config(self, config: station_config.ConnectionConfig) -> None:
        if config.mode == "embedded" and self._start_embedded is not None and config.port == 0:
            self.connection_label.setText("Starting the embedded ledger…")
            Op(lambda: self._start_embedded(config), parent=self, writes=True).success(
                lambda _server: self.apply_config(station_config.load())
            ).failure(self._disconnected).run()
            return
        self.config = config
        bootstrap.point_django_at(config)
        self.check_connection()
        self.handover.load_parties()
        self.browser.load_choices()

    # Screens --------------------------------------------------------------
    def show_handover(self) -> None:
        if not self.may_use("handover"):
            return
        self.stack.setCurrentWidget(self.handover)
        self.handover.scan_field.setFocus()

    def show_browser(self) -> None:
        if not self.may_use("browser"):
            return
        self.stack.setCurrentWidget(self.browser)
        self.browser.barcode_field.setFocus()
        self.browser.check_overdue()

    def open_trail(self, parcel_id: str) -> None:
        if not self.may_use("trail"):
            return
        if self.stack.currentWidget() is not self.trail:
            self._previous_screen = self.stack.currentWidget()
        self.stack.setCurrentWidget(self.trail)
        self.trail.show_parcel(parcel_id)

    def _back_from_trail(self) -> None:
        if self._previous_screen is self.browser:
            self.show_browser()
        else:
            self.show_handover()

    def _scanned_elsewhere(self, code: str) -> None:
        if self.clerk is None:
            self.sign_in.sign_in_with_badge(code)  # signed out, a scan can only be a badge
            return
        self.show_handover()
        self.handover.handle_scan(code)

    def _show_last_tx(self, tx_id: int) -> None:
        self.last_tx_label.setText(f"Last tx: {tx_id}")

    # Outbox ---------------------------------------------------------------
    def sync_outbox(self) -> None:
        # While the server is away a push can take its connect timeout; ticks
        # meanwhile are skipped rather than queued behind it.
        if self._syncing:
            return
        self._syncing = True
        outbox = self.outbox
        Op(lambda: ledger.sync(outbox), parent=self, writes=True).success(self._synced).failure(
            self._sync_failed
        ).run()

    def _synced(self, counts: Counts) -> None:
        self._syncing = False
        self._show_outbox(counts)

    def _sync_failed(self, error: Exception) -> None:
        self._syncing = False
        self.pending_label.setToolTip(f"Sending the outbox failed: {sentence(error)}")

    def refresh_outbox(self) -> None:
        Op(self.outbox.counts, parent=self).success(self._show_outbox).run()

    def _show_outbox(self, counts: Counts) -> None:
        self.pending_label.setText(counts.label)
        self.pending_label.setToolTip("")
        _set_state(self.pending_label, "error" if counts.conflict else "pending" if counts.pending else "ok")
        if counts.conflict != self.conflicts.model.rowCount():
            self.load_conflicts()

    def load_conflicts(self) -> None:
        Op(self.outbox.conflicts, parent=self).success(self.conflicts.show_entries).run()

    def show_conflicts(self) -> None:
        if not self.may_use("conflicts"):
            return
        self.stack.setCurrentWidget(self.conflicts)
        self.load_conflicts()
        self.conflicts.table.setFocus()

    def show_admin(self) -> None:
        if not self.may_use("admin"):
            return
        self.stack.setCurrentWidget(self.admin)
        self.admin.load()

    def closeEvent(self, event):
        self.sync_timer.stop()  # what is still unsent waits in the outbox for the next start
        QSettings().setValue("window/geometry", self.saveGeometry())
        QApplication.instance().removeEventFilter(self.scan_catcher)
        super().closeEvent(event)


def _set_state(label: QLabel, state: str) -> None:
    label.setProperty("state", state)
    label.style().unpolish(label)
    label.style().polish(label)
