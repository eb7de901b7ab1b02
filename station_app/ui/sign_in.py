"""Sign-in: pick your user name and type your PIN, or scan your badge."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from station_app import ledger, staff
from station_app.ops import Op
from station_app.ui.errors import sentence


class SignInScreen(QWidget):
    signed_in = Signal(object)  # staff.SignedIn

    def __init__(self, parent=None):
        super().__init__(parent)
        self.clerk_box = QComboBox(objectName="clerkBox")
        self.pin_field = QLineEdit(objectName="pinField", echoMode=QLineEdit.EchoMode.Password, placeholderText="PIN")
        self.pin_field.returnPressed.connect(self.sign_in)
        self.sign_in_button = QPushButton("Sign in   Enter", objectName="signInButton")
        self.sign_in_button.clicked.connect(self.sign_in)
        self.message = QLabel(objectName="signInMessage", wordWrap=True)
        title = QLabel("Sign in to the handover station", objectName="trailTitle")
        hint = QLabel("Or scan your badge.", objectName="signInHint")
        form = QFormLayout()
        form.addRow("User", self.clerk_box)
        form.addRow("PIN", self.pin_field)
        box = QWidget(maximumWidth=640)
        inner = QVBoxLayout(box)
        inner.addWidget(title)
        inner.addLayout(form)
        inner.addWidget(self.sign_in_button)
        inner.addWidget(hint)
        inner.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def load_clerks(self) -> None:
        Op(ledger.clerks, parent=self).success(self._show_clerks).failure(self._failed).run()

    def _show_clerks(self, usernames: list[str]) -> None:
        self.clerk_box.clear()
        self.clerk_box.addItems(usernames)
        if not usernames:
            self.message.setText("No users are set up yet; an administrator must add one.")
        self.pin_field.setFocus()

    def sign_in(self) -> None:
        username, pin = self.clerk_box.currentText(), self.pin_field.text()
        if not username or not pin:
            return self.message.setText("Pick your name and type your PIN.")
        self._check(lambda: staff.sign_in_with_pin(username, pin), f"Wrong PIN for {username}. Try again.")

    def sign_in_with_badge(self, code: str) -> None:
        self._check(lambda: staff.sign_in_with_badge(code), f"Badge {code} does not belong to an active user.")

    def _check(self, work, refusal: str) -> None:
        self.sign_in_button.setEnabled(False)
        self.message.setText("Checking…")
        Op(work, parent=self).success(lambda user: self._checked(user, refusal)).failure(self._failed).run()

    def _checked(self, user: staff.SignedIn | None, refusal: str) -> None:
        self.sign_in_button.setEnabled(True)
        self.pin_field.clear()
        if user is not None:
            self.message.setText("")
            self.signed_in.emit(user)
        else:
            self.message.setText(refusal)
            self.pin_field.setFocus()

    def _failed(self, error: Exception) -> None:
        self.sign_in_button.setEnabled(True)
        self.message.setText(sentence(error))
