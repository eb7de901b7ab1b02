import json
import stat

from django.db import connections
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from immudb_backend.server import free_port
from station_app import config as station_config
from station_app.config import ConnectionConfig
from station_app.ui.settings_dialog import SettingsDialog


def fill(dialog, config, password):
    dialog.mode_box.setCurrentIndex(dialog.mode_box.findData("remote"))
    dialog.host_field.setText(config.host)
    dialog.port_field.setText(str(config.port))
    dialog.database_field.setText(config.database)
    dialog.user_field.setText(config.user)
    dialog.password_field.setText(password)


def test_test_connection_names_a_wrong_port(styled_app, qtbot, connection_config):
    dialog = SettingsDialog(connection_config)
    qtbot.addWidget(dialog)
    port = free_port()
    fill(dialog, ConnectionConfig(mode="remote", host="127.0.0.1", port=port, database="defaultdb"), "immudb")
    dialog.test_button.click()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=15_000)
    assert dialog.result_label.text() == (
        f"No immudb server answers at 127.0.0.1:{port}: check the host and port, and that the server is running."
    )
    assert dialog.result_label.property("state") == "error"


def test_a_port_that_is_not_a_number_is_refused_before_connecting(styled_app, qtbot, connection_config):
    dialog = SettingsDialog(connection_config)
    qtbot.addWidget(dialog)
    dialog.port_field.clear()
    qtbot.keyClicks(dialog.port_field, "99999")
    dialog.test_button.click()
    assert dialog.result_label.text() == "Enter the server's port, a number from 1 to 65535."
    assert dialog.result_label.property("state") == "error"


def test_test_connection_names_an_unknown_host(styled_app, qtbot, connection_config):
    dialog = SettingsDialog(connection_config)
    qtbot.addWidget(dialog)
    fill(dialog, ConnectionConfig(mode="remote", host="no-such-host.invalid", port=3322), "immudb")
    dialog.test_button.click()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=15_000)
    assert dialog.result_label.text().startswith("No immudb server answers at no-such-host.invalid:3322")
    assert dialog.result_label.property("state") == "error"


def test_test_connection_reports_a_wrong_password_and_the_server_version(styled_app, qtbot, connection_config):
    dialog = SettingsDialog(connection_config)
    qtbot.addWidget(dialog)
    fill(dialog, connection_config, "wrong-password")
    dialog.test_button.click()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=15_000)
    assert "refused user 'immudb': check the user name and password" in dialog.result_label.text()
    dialog.password_field.setText("immudb")
    dialog.test_button.click()
    qtbot.waitUntil(dialog.test_button.isEnabled, timeout=15_000)
    assert dialog.result_label.text().startswith("Connected: immudb 1.")
    assert dialog.result_label.property("state") == "ok"


def test_saving_good_settings_reconnects(window, qtbot, connection_config):
    window.apply_config(ConnectionConfig(mode="remote", host="127.0.0.1", port=free_port(), database="defaultdb"))
    qtbot.waitUntil(lambda: window.connection_label.text().startswith("Not connected"), timeout=15_000)
    assert "cannot be reached" in window.connection_label.toolTip()
    assert window.version_label.text() == ""

    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible())
    dialog = window.settings_dialog
    fill(dialog, connection_config, "immudb")
    dialog.save_button.click()

    qtbot.waitUntil(lambda: window.version_label.text().startswith("immudb 1."), timeout=15_000)
    assert window.connection_label.text().startswith("Connected (remote) to 127.0.0.1:")
    assert connections.settings["default"]["PORT"] == connection_config.port
    saved = json.loads((station_config.config_dir() / "connection.json").read_text())
    assert saved["port"] == connection_config.port and saved["database"] == connection_config.database
    assert "password" not in saved
    assert station_config.get_password(station_config.REMOTE_SECRET) == "immudb"
    secret_file = station_config.config_dir() / "remote.secret"
    if secret_file.exists():  # no usable OS keyring here
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
