"""Render the station's SVG icon into the formats each platform's packaging wants.

PNG for Linux desktops, ICO for the Windows executable, ICNS for the macOS
app; Qt's own image writers do it, so the build needs nothing beyond PySide6.

Usage: python packaging/icons.py OUTPUT.{png,ico,icns} [SIZE]
"""

import os
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parent.parent / "resources" / "icons" / "station.svg"


def render(output: Path, size: int = 256) -> Path:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841 (QPainter needs one)
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    output.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(output)):
        raise RuntimeError(f"Qt could not write {output}")
    return output


if __name__ == "__main__":
    render(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 256)
