"""The station's local admin PIN, which unlocks Settings while no server answers: set it, ask for it."""

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


class FirstPinDialog(QDialog):
    """On a station's first run: choose the local admin PIN, typed twice."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Set the local admin PIN")
        self.setMinimumWidth(480)
        self.message = QLabel(
            "Choose this station's local admin PIN, four digits or more. "
            "It unlocks Settings when no server answers, so nobody can sign in.",
            wordWrap=True,
        )
        self.problem = QLabel(objectName="firstPinProblem", wordWrap=True)
        self.problem.setProperty("state", "error")
        self.pin_field = QLineEdit(objectName="firstPinField", echoMode=QLineEdit.EchoMode.Password)
        self.pin_field.setPlaceholderText("PIN")
        self.repeat_field = QLineEdit(objectName="firstPinRepeat", echoMode=QLineEdit.EchoMode.Password)
        self.repeat_field.setPlaceholderText("the same PIN again")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Ask me next time")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.pin_field)
        layout.addWidget(self.repeat_field)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def save(self) -> None:
        pin = self.pin_field.text()
        problem = local_pin.problem(pin)
        if problem is None and pin != self.repeat_field.text():
            problem = "The two PINs differ. Type the same PIN twice."
        if problem:
            self.repeat_field.clear()
            self.problem.setText(problem)
            return
        local_pin.set_pin(pin)
        self.accept()
