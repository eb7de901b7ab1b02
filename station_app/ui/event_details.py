"""One trail event's evidence: its ids, hashes, proof and photo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from station_app import ledger
from station_app.ops import Op
from station_app.ui.errors import sentence

PHOTO_SIZE = 480


def scaled_photo(data: bytes | None, size: int) -> QImage | None:
    """The photo as an image at most ``size`` pixels on a side; None without a readable photo.

    Works on QImage, so ops may call it off the GUI thread.
    """
    if not data:
        return None
    image = QImage.fromData(data)
    if image.isNull():
        return None
    if image.width() <= size and image.height() <= size:
        return image  # small photos are not blown up
    return image.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class EventDetailsDialog(QDialog):
    def __init__(self, details: ledger.EventDetails, proof: ledger.Verdict, parent=None):
        super().__init__(parent)
        row = details.row
        self.setWindowTitle(f"Handover #{row.sequence} of parcel {row.parcel_id}")
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        for name, value in (
            ("Event id", details.event_id),
            ("Transaction", str(proof.tx_id) if proof.tx_id is not None else "not known until verified (Ctrl+V)"),
            ("Event hash", row.event_hash),
            ("Previous hash", details.previous_hash),
            ("Photo SHA-256", details.photo_sha256 or "no photo"),
            ("Verification", f"{proof.status}: {proof.reason}"),
        ):
            label = QLabel(value, wordWrap=True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = label
            form.addRow(name, label)
        self.photo = QLabel("Loading the photo…" if details.photo_sha256 else "", objectName="eventPhoto")
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.photo, 1)
        layout.addWidget(buttons)
        if details.photo_sha256:
            # The model keeps thumbnails only; the photo is read again at a readable size.
            Op(lambda: scaled_photo(ledger.event_photo(row.parcel_id, row.sequence), PHOTO_SIZE), parent=self).success(
                self._show_photo
            ).failure(lambda error: self.photo.setText(sentence(error))).run()

    def _show_photo(self, image: QImage | None) -> None:
        if image is None:
            self.photo.setText("The photo is not an image this station can show; its SHA-256 is above.")
        else:
            self.photo.setPixmap(QPixmap.fromImage(image))
