"""The scan feedback line: a coloured state, an icon, a sentence and a sound."""

from __future__ import annotations

import html

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtWidgets import QLabel

from station_app.resources import resource_path

try:
    from PySide6.QtMultimedia import QSoundEffect
except ImportError:  # Qt Multimedia needs the system's audio libraries
    QSoundEffect = None

ICONS = {"ok": "scan_ok.svg", "error": "scan_error.svg", "idle": "pending.svg", "pending": "pending.svg"}
# A handover saved on the station for later is a success for the clerk, so it sounds like one.
SOUNDS = {"ok": "scan_ok.wav", "error": "scan_error.wav", "pending": "scan_ok.wav"}
MUTED_KEY = "feedback/muted"


class ScanFeedback(QLabel):
    def __init__(self, parent=None):
        super().__init__(parent, objectName="scanFeedback", wordWrap=True)
        self._sounds = {}
        if QSoundEffect is not None:
            for state, name in SOUNDS.items():
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resource_path("sounds", name))))
                self._sounds[state] = effect
        self.muted = QSettings().value(MUTED_KEY, False, type=bool)
        self.sentence = ""
        self.show_state("idle", "Scan a parcel.")

    @property
    def sound_available(self) -> bool:
        return bool(self._sounds)

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        QSettings().setValue(MUTED_KEY, muted)

    def show_state(self, state: str, sentence: str, sound: bool = False) -> None:
        self.sentence = sentence
        icon = resource_path("icons", ICONS[state]).as_uri()
        self.setText(
            f'<table><tr><td valign="middle"><img src="{icon}" width="36" height="36"></td>'
            f'<td valign="middle">&nbsp;{html.escape(sentence)}</td></tr></table>'
        )
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        effect = self._sounds.get(state)
        if sound and effect is not None and not self.muted:
            effect.play()
