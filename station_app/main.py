"""Start the station: the ledger server, Django, then the window."""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from station_app import config as station_config
from station_app.embedded import start_embedded


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="station-app", description="Parcel handover station")
    parser.add_argument("--demo", action="store_true", help="seed demo parties, a station and a clerk into an empty ledger")
    parser.add_argument("--offscreen-screenshots", metavar="DIR", type=Path,
                        help="render every screen to PNG files in DIR, then exit")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation offscreen on a throwaway ledger, then exit")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.self_test:
        from station_app import self_test

        return self_test.run()
    if args.offscreen_screenshots:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication, QMessageBox

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("handover-station")
    app.setApplicationName("handover-station")
    app.setDesktopFileName("org.handoverstation.Station")  # the installed desktop entry, for its icon
    from station_app.resources import resource_path

    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))

    servers = []
    _quit_on_sigterm(app)

    def start_server(config):
        servers.append(start_embedded(config))
        return servers[-1]

    try:
        config = station_config.load()
        if config.mode == "embedded":
            start_server(config)
        return _run(app, args, config, start_server)
    except Exception as error:
        if not args.offscreen_screenshots:
            QMessageBox.critical(None, "Handover station cannot start", str(error))
        raise
    finally:
        from station_app import ops

        ops.wait_for_all()
        for server in servers:
            server.stop()


def _run(app, args, config, start_server) -> int:
    from station_app import bootstrap

    bootstrap.setup_django()
    from station_app import ledger

    bootstrap.migrate()
    if args.demo:
        bootstrap.seed_demo()
    if config.mode == "embedded":
        ledger.enroll_if_new()  # the station started this server itself, so it can trust its first state
    found = ledger.station()
    if found is None:
        raise RuntimeError(
            "This ledger has no active station. Start once with --demo, or ask an administrator to add one."
        )
    from django.db import connections

    connections.close_all()  # the GUI thread keeps no connection; ops open their own

    from station_app.outbox import Outbox
    from station_app.ui.main_window import MainWindow

    code, name = found
    # One journal for the whole app: every handover goes through it, and the sync timer empties it.
    window = MainWindow(code, name, None, config, outbox=Outbox(), start_embedded=start_server)
    window.show()
    window.start()
    if args.offscreen_screenshots:
        from station_app.ui.screenshots import save_screenshots

        save_screenshots(window, args.offscreen_screenshots)
        return 0
    window.ask_for_first_local_pin()
    return app.exec()


def _quit_on_sigterm(app) -> None:
    """Leave through the normal exit path, which stops the embedded server."""
    from PySide6.QtCore import QTimer

    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    # Python runs signal handlers only between bytecodes; wake it up now and then.
    timer = QTimer(app, interval=500)
    timer.timeout.connect(lambda: None)
    timer.start()


if __name__ == "__main__":
    sys.exit(main())
