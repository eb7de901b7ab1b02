"""The station app in a fresh process, as ``station-app`` starts it, against a running server.

Prints ``ready`` once the scan field has focus; with ``--browse N`` it then
pages the trail browser N pages deep, searches with each filter, and prints
``rss <MB>``, the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time


def wait_until(app, condition, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the station did not get there in time")
        app.processEvents()
        time.sleep(0.002)


def start_window(app):
    from django.db import connections

    from station_app import bootstrap
    from station_app import config as station_config
    from station_app.resources import resource_path

    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    config = station_config.load()
    bootstrap.setup_django()
    from station_app import ledger
    from station_app.ui.main_window import MainWindow

    bootstrap.migrate()
    code, name = ledger.station()
    connections.close_all()
    from station_app.outbox import Outbox

    window = MainWindow(code, name, "clerk", config, outbox=Outbox(), role="supervisor")  # in the benchmark's own data dir
    window.show()
    window.start()
    return window


def browse(app, window, pages: int) -> None:
    browser = window.browser
    window.show_browser()

    def run(action):
        action()
        wait_until(app, lambda: not browser.searching)
        if not browser.model.rowCount():
            raise RuntimeError(f"the browser found nothing: {browser.status.text()}")

    wait_until(app, lambda: browser.party_box.count() > 1)
    run(browser.search)
    for _ in range(pages):
        run(browser.next_button.click)
    for box in (browser.condition_box, browser.party_box):
        box.setCurrentIndex(1)
        run(browser.search)
        box.setCurrentIndex(0)
    browser.barcode_field.setText("00000")
    run(browser.search)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--browse", type=int, metavar="PAGES")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("handover-station-bench")
    app.setApplicationName("handover-station-bench")
    window = start_window(app)
    wait_until(app, lambda: QApplication.focusWidget() is window.handover.scan_field)
    print("ready", flush=True)
    if args.browse is not None:
        browse(app, window, args.browse)
        print(f"rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}", flush=True)
    from station_app import ops

    window.close()
    ops.wait_for_all()
    # PySide6 can abort while garbage-collecting Qt objects at interpreter
    # exit; everything is measured and closed by now, so skip finalization.
    os._exit(0)


if __name__ == "__main__":
    main()
