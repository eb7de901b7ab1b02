"""``station-app --self-test``: prove that an installed station works, offscreen.

Run after installing (or building) the station. It loads Qt, the screens and
the resources, starts the embedded immudb server on a throwaway data
directory, migrates, commits demo handovers and verifies their trail, then
stops the server. The clerk's own ledger, connection settings and trusted
state are never touched. Each step prints a line; the exit code is 0 when
all pass, else 1 after naming the failing step.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from immudb_backend.server import ImmudbServer, random_password

from station_app import config as station_config
from station_app.embedded import EMBEDDED_VERSION

DEMO_PARCEL = "376130321109103420"  # an SSCC with a valid check digit


class SelfTest:
    def __init__(self, work_dir: Path):
        self.work_dir = work_dir
        self.server: ImmudbServer | None = None
        self.parcel = None
        self.app = None  # kept alive: PySide destroys a QApplication with its last reference

    def load_app(self) -> str:
        from PySide6.QtGui import QIcon, QImage
        from PySide6.QtWidgets import QApplication

        from station_app import bootstrap
        from station_app.resources import resource_path

        bootstrap.setup_django()
        from station_app.ui import feedback, main_window  # noqa: F401  (every screen loads)

        self.app = app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
        # The window icon goes through Qt's SVG icon engine, the feedback
        # line's <img> through its SVG image format: both plugins must ship.
        if QIcon(str(resource_path("icons", "station.svg"))).pixmap(64, 64).isNull():
            raise RuntimeError("Qt cannot render the SVG icons (the iconengines plugin is missing)")
        if QImage(str(resource_path("icons", "scan_ok.svg"))).isNull():
            raise RuntimeError("Qt cannot read SVG images (the imageformats plugin is missing)")
        for name in feedback.SOUNDS.values():
            if not resource_path("sounds", name).is_file():
                raise RuntimeError(f"The sound {name} is missing")
        sound = "available" if feedback.QSoundEffect is not None else "unavailable (no system audio libraries)"
        return f"Qt {app.platformName()}, sound {sound}"

    def start_server(self) -> str:
        self.server = ImmudbServer(
            version=EMBEDDED_VERSION, data_dir=self.work_dir / "immudb", admin_password=random_password()
        ).start()
        return f"immudb {EMBEDDED_VERSION} from {self.server.process.args[0]} on {self.server.address}"

    def migrate(self) -> str:
        from django.db import connections

        from station_app import bootstrap
        from station_app.custody.verification import enroll_station

        # The station's own settings, pointed at the throwaway server and trusted state.
        config = station_config.ConnectionConfig(
            mode="embedded", host=self.server.host, port=self.server.port,
            public_key_pem=self.server.public_key_pem.decode("ascii"),
        )
        database = station_config.database_settings(config)
        database["PASSWORD"] = self.server.admin_password
        database["OPTIONS"]["trusted_state_dir"] = str(self.work_dir / "trusted-state")
        connections.close_all()
        connections.settings["default"].update(database)
        bootstrap.migrate()
        enroll_station()  # as the app does for a server it started itself
        return "schema migrated, station enrolled"

    def commit(self) -> str:
        from station_app import bootstrap
        from station_app.custody import services
        from station_app.custody.models import Condition, Party, Station

        bootstrap.seed_demo()
        station = Station.objects.get(code=bootstrap.DEMO_STATION[0])
        warehouse, courier = Party.objects.get(code="WH1"), Party.objects.get(code="DHX")
        intake = services.commit_handover(
            scanned_code=DEMO_PARCEL, to_party=warehouse, condition=Condition.INTACT, station=station, clerk="clerk"
        )
        handover = services.commit_handover(
            scanned_code=DEMO_PARCEL, to_party=courier, condition=Condition.INTACT, station=station, clerk="clerk",
            from_party=warehouse, expected_sequence=intake.handover.sequence,
        )
        self.parcel = handover.handover.parcel
        return f"parcel {self.parcel.normalized_id}: intake in tx {intake.tx_id}, handover in tx {handover.tx_id}"

    def verify(self) -> str:
        from station_app.custody import services
        from station_app.custody.verification import Status, verify_trail

        reports = verify_trail(services.trail(self.parcel))
        failed = [f"event {r.handover.sequence}: {r.status.value}: {r.reason}" for r in reports if r.status != Status.VERIFIED]
        if failed or not reports:
            raise RuntimeError("; ".join(failed) or "the trail is empty")
        return f"{len(reports)} events verified"

    def stop_server(self) -> str:
        from django.db import connections

        connections.close_all()
        process = self.server.process
        self.server.stop()
        self.server = None
        if process.poll() is None:
            raise RuntimeError("the server is still running")
        return f"exit code {process.returncode}"


def run() -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="station-self-test-") as work_dir:
        test = SelfTest(Path(work_dir))
        steps = [
            ("load Qt, the screens and the resources", test.load_app),
            ("start the embedded immudb server", test.start_server),
            ("migrate", test.migrate),
            ("commit demo handovers", test.commit),
            ("verify their trail", test.verify),
            ("stop the server", test.stop_server),
        ]
        try:
            for number, (title, step) in enumerate(steps, 1):
                step_started = time.monotonic()
                try:
                    detail = step()
                except Exception as error:
                    print(f"[{number}/{len(steps)}] {title}: FAILED: {type(error).__name__}: {error}", flush=True)
                    return 1
                print(f"[{number}/{len(steps)}] {title}: ok ({time.monotonic() - step_started:.2f} s) {detail}", flush=True)
        finally:
            if test.server is not None:
                test.server.stop()
    print(f"Self-test passed in {time.monotonic() - started:.2f} s.", flush=True)
    return 0
