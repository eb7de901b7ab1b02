from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect
from PySide6.QtGui import QColor, QImage, QPainter

from station_app.custody.models import Party, Station
from station_app.custody.services import commit_handover


def record(code, *to_codes, condition="intact", photo=None, occurred_at=None, giver_code=None):
    """Hand a parcel along ``to_codes`` from ``giver_code`` or its first intake (all at ``occurred_at``, default now); returns the last Committed."""
    station = Station.objects.get(code="ST1")
    giver = Party.objects.get(code=giver_code) if giver_code else None
    for to_code in to_codes:
        to_party = Party.objects.get(code=to_code)
        committed = commit_handover(
            scanned_code=code, to_party=to_party, from_party=giver, condition=condition,
            station=station, clerk="clerk", photo=photo, occurred_at=occurred_at,
        )
        giver = to_party
    return committed


def parcel_photo(width=320, height=200) -> bytes:
    """A PNG of a taped cardboard box, as a handover's photo."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#d9d4c7"))
    painter = QPainter(image)
    box = QRect(width // 6, height // 6, width * 2 // 3, height * 2 // 3)
    painter.fillRect(box, QColor("#b5834a"))
    painter.fillRect(QRect(box.center().x() - width // 30, box.top(), width // 15, box.height()), QColor("#e8d9a0"))
    painter.setPen(QColor("#5a3b1a"))
    painter.drawRect(box)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)
