"""Recognise a keyboard-wedge scanner by its burst of keystrokes, wherever focus is.

A scanner types a whole code within milliseconds and ends it with Enter;
people type far slower. Printable keys aimed at any field of the watched
window other than the scan field are held back for a moment: if they turn
out to be a burst ending in Enter, they become a scan and the field never
sees them; otherwise they are replayed to it unchanged.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

BURST_GAP_S = 0.05  # longest pause between two keys of one scan
MIN_SCAN_LENGTH = 8


class ScanCatcher(QObject):
    scanned = Signal(str)

    def __init__(self, window: QWidget, scan_field: QWidget):
        super().__init__(window)
        self._window = window
        self._scan_field = scan_field
        self._held: list[tuple[QWidget, QKeyEvent]] = []
        self._last_key_at = 0.0
        self._replaying = False
        self._flush_timer = QTimer(self, singleShot=True, interval=int(BURST_GAP_S * 1000))
        self._flush_timer.timeout.connect(self.release)

    def eventFilter(self, target, event) -> bool:
        if self._replaying or event.type() != QEvent.Type.KeyPress or not isinstance(target, QWidget):
            return False
        if target is self._scan_field or target.window() is not self._window:
            return False
        now = time.monotonic()
        in_burst = self._held and now - self._last_key_at <= BURST_GAP_S
        if not in_burst:
            self.release()
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            code = "".join(held.text() for _, held in self._held)
            if in_burst and len(code) >= MIN_SCAN_LENGTH:
                self._held.clear()
                self._flush_timer.stop()
                self.scanned.emit(code)
                return True
            self.release()
            return False
        if _printable(event):
            self._held.append((target, QKeyEvent(event.type(), key, event.modifiers(), event.text())))
            self._last_key_at = now
            self._flush_timer.start()
            return True
        self.release()
        return False

    def release(self) -> None:
        """Give held-back keys to the fields they were typed into."""
        self._flush_timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for target, event in held:
                QApplication.sendEvent(target, event)
        finally:
            self._replaying = False


def _printable(event: QKeyEvent) -> bool:
    allowed = Qt.KeyboardModifier.NoModifier | Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    return bool(event.text()) and event.text().isprintable() and not (event.modifiers() & ~allowed)
