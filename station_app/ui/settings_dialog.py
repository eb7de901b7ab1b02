"""Where the station's ledger lives: embedded on this computer, or a remote immudb server."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSettings
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from immudb_backend import dbapi
from station_app import config as station_config
from station_app import local_pin
from station_app.ops import Op

TEST_TIMEOUT_S = 5.0
OVERDUE_HOURS_KEY = "alerts/overdue_hours"


def probe(config: station_config.ConnectionConfig, password: str) -> str:
    """Log in to the server as ``config`` says; its version, or an error sentence as the exception."""
    try:
        connection = dbapi.connect(
            host=config.host, port=config.port, user=config.user, password=password,
            database=config.database, timeout=TEST_TIMEOUT_S,
        )
    except dbapi.Error as error:
        raise ConnectionProblem(describe(config, error)) from error
    try:
        return connection.server_version_string
    finally:
        connection.close()


class ConnectionProblem(Exception):
    pass


def describe(config: station_config.ConnectionConfig, error: Exception) -> str:
    address = f"{config.host}:{config.port}"
    if "refused the login" in str(error):
        return f"The immudb server at {address} refused user '{config.user}': check the user name and password."
    if "database does not exist" in str(error).lower():
        return f"The immudb server at {address} has no database '{config.database}'."
    if isinstance(error, dbapi.OperationalError):
        return f"No immudb server answers at {address}: check the host and port, and that the server is running."
    return f"The immudb server at {address} answered with an error: {error}"


class SettingsDialog(QDialog):
    def __init__(self, current: station_config.ConnectionConfig, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Connection settings")
        self.saved_config: station_config.ConnectionConfig | None = None
        self._current = current
        self.mode_box = QComboBox(objectName="modeBox")
        self.mode_box.addItem("Embedded (on this computer)", "embedded")
        self.mode_box.addItem("Remote server", "remote")
        self.host_field = QLineEdit(current.host, objectName="hostField")
        self.port_field = QLineEdit(str(current.port or 3322), objectName="portField")
        self.port_field.setValidator(QIntValidator(1, 65535, self.port_field))
        self.database_field = QLineEdit(current.database, objectName="databaseField")
        self.user_field = QLineEdit(current.user, objectName="userField")
        self.password_field = QLineEdit(objectName="passwordField", echoMode=QLineEdit.EchoMode.Password)
        self.password_field.setText(station_config.get_password(current.secret_name) or "")
        self.key_field = QPlainTextEdit(current.public_key_pem, objectName="publicKeyField")
        self.key_field.setPlaceholderText("-----BEGIN PUBLIC KEY----- … the server's signing key, to pin")
        self.key_field.setMinimumHeight(110)
        self.local_pin_field = QLineEdit(objectName="localPinField", echoMode=QLineEdit.EchoMode.Password)
        self.local_pin_field.setPlaceholderText(
            "set — type a new one to change it" if local_pin.is_set() else "not set yet — set one now"
        )
        self.overdue_hours = QSpinBox(objectName="overdueHours", minimum=1, maximum=24 * 30, suffix=" h")
        self.overdue_hours.setValue(overdue_hours())
        self.result_label = QLabel(objectName="testResult", wordWrap=True)
        self.test_button = QPushButton("Test connection", objectName="testButton")
        self.test_button.clicked.connect(self.test_connection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)

        form = QFormLayout()
        form.addRow("Ledger", self.mode_box)
        form.addRow("Host", self.host_field)
        form.addRow("Port", self.port_field)
        form.addRow("Database", self.database_field)
        form.addRow("User", self.user_field)
        form.addRow("Password", self.password_field)
        form.addRow("Server public key", self.key_field)
        form.addRow("Local admin PIN", self.local_pin_field)
        form.addRow("Held-too-long alert after", self.overdue_hours)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.mode_box.currentIndexChanged.connect(self._mode_changed)
        self.mode_box.setCurrentIndex(self.mode_box.findData(current.mode))
        self._mode_changed()

    def _mode_changed(self) -> None:
        remote = self.mode_box.currentData() == "remote"
        # The embedded server's address, account and key are managed by the station itself.
        for field in (self.host_field, self.port_field, self.database_field, self.user_field,
                      self.password_field, self.key_field):
            field.setEnabled(remote)

    def entered_config(self) -> station_config.ConnectionConfig:
        if self.mode_box.currentData() == "embedded":
            return replace(self._current, mode="embedded") if self._current.mode == "embedded" else (
                station_config.ConnectionConfig(mode="embedded")
            )
        return station_config.ConnectionConfig(
            mode="remote",
            host=self.host_field.text().strip(),
            port=int(self.port_field.text()) if self.port_field.hasAcceptableInput() else 0,
            database=self.database_field.text().strip(),
            user=self.user_field.text().strip(),
            public_key_pem=self.key_field.toPlainText().strip(),
        )

    def _problem(self, config: station_config.ConnectionConfig) -> str | None:
        if config.mode == "embedded":
            return None
        if not config.host:
            return "Enter the server's host name or IP address."
        if not config.port:
            return "Enter the server's port, a number from 1 to 65535."
        if not config.database or not config.user:
            return "Enter the database and the user name."
        if config.public_key_pem and "BEGIN PUBLIC KEY" not in config.public_key_pem:
            return "The public key must be a PEM block starting with -----BEGIN PUBLIC KEY-----."
        return None

    def _local_pin_problem(self) -> str | None:
        pin = self.local_pin_field.text()
        return local_pin.problem(pin) if pin else None

    def test_connection(self) -> None:
        config = self.entered_config()
        problem = self._problem(config)
        if problem:
            return self._show_result(problem, ok=False)
        if config.mode == "embedded" and not config.port:
            return self._show_result("The embedded ledger starts with the station.", ok=True)
        password = self._password_for(config)
        self.test_button.setEnabled(False)
        self._show_result(f"Connecting to {config.host}:{config.port}…", ok=True)
        Op(lambda: probe(config, password), parent=self).success(
            lambda version: self._tested(f"Connected: immudb {version} at {config.host}:{config.port}.", True)
        ).failure(lambda error: self._tested(str(error), False)).run()

    def _password_for(self, config) -> str:
        if config.mode == "embedded":
            return station_config.get_password(station_config.EMBEDDED_SECRET) or ""
        return self.password_field.text()

    def _tested(self, message: str, ok: bool) -> None:
        self.test_button.setEnabled(True)
        self._show_result(message, ok)

    def _show_result(self, message: str, ok: bool) -> None:
        self.result_label.setText(message)
        self.result_label.setProperty("state", "ok" if ok else "error")
        self.result_label.style().unpolish(self.result_label)
        self.result_label.style().polish(self.result_label)

    def save(self) -> None:
        config = self.entered_config()
        problem = self._problem(config) or self._local_pin_problem()
        if problem:
            return self._show_result(problem, ok=False)
        if self.local_pin_field.text():
            local_pin.set_pin(self.local_pin_field.text())
        QSettings().setValue(OVERDUE_HOURS_KEY, self.overdue_hours.value())
        if config.mode == "remote":
            station_config.set_password(station_config.REMOTE_SECRET, self.password_field.text())
        station_config.save(config)
        self.saved_config = config
        self.accept()


def overdue_hours() -> int:
    """After how long a parcel held by one party (not a customer) raises an alert."""
    from station_app.overdue import DEFAULT_HOURS

    return int(QSettings().value(OVERDUE_HOURS_KEY, DEFAULT_HOURS))
