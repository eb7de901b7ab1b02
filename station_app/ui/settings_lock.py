"""Asks for the station's local admin PIN, which unlocks Settings while no server answers."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from station_app import local_pin


class LocalPinDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Unlock settings")
        self.pin_field = QLineEdit(objectName="localPinEntry", echoMode=QLineEdit.EchoMode.Password)
        self.message = QLabel(
            "No server answers, so nobody can sign in. Type this station's local admin PIN.", wordWrap=True
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.pin_field)
        layout.addWidget(buttons)

    def check(self) -> None:
        # scrypt takes a moment on purpose; short enough to run here.
        if local_pin.check(self.pin_field.text()):
            self.accept()
        else:
            self.pin_field.clear()
            self.message.setText("Wrong local admin PIN. Try again.")
