"""Render each screen to a PNG, for documentation and for review without a display."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from station_app import ops


def settle() -> None:
    """Let every running op finish and deliver its result."""
    while ops.busy():
        ops.wait_for_all()
        QApplication.processEvents()
    QApplication.processEvents()


def grab(widget, path: Path) -> Path:
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(path))
    return path


def save_screenshots(window, directory: Path, trail_parcel: str | None = None) -> list[Path]:
    from station_app.ui.settings_dialog import SettingsDialog

    window.resize(1280, 800)
    saved = []
    if window.clerk is None:
        saved.append(grab(window, directory / "sign_in.png"))
        window.signed_in_as(window.sign_in.clerk_box.currentText())
    if window.stack.currentWidget() is not window.handover:
        window.show_handover()
    saved.append(grab(window, directory / "handover.png"))
    window.show_browser()
    window.browser.search()
    saved.append(grab(window, directory / "browser.png"))
    if trail_parcel:
        window.open_trail(trail_parcel)
        settle()
        window.trail.verify()
        saved.append(grab(window, directory / "trail.png"))
    window.show_conflicts()
    settle()  # the conflicts load in an op
    saved.append(grab(window, directory / "conflicts.png"))
    dialog = SettingsDialog(window.config, window)
    dialog.resize(760, 780)
    saved.append(grab(dialog, directory / "settings.png"))
    return saved
