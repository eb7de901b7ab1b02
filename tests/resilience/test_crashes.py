"""kill -9 the server or a station in the middle of bursts: nothing lost, nothing twice, no forks.

Sizes: ``RESILIENCE_STATIONS`` processes (default 4) each journaling
``RESILIENCE_HANDOVERS`` handovers (default 50; 250 for the heavy run).
"""

import os
import random
import time

import pytest
from django.db import connections

from station_app.outbox import Outbox
from tests.resilience.harness import audit, own_parcels, push_until_settled, stations, wait_for_all, wait_until

STATIONS = int(os.environ.get("RESILIENCE_STATIONS", "4"))
HANDOVERS = int(os.environ.get("RESILIENCE_HANDOVERS", "50"))
PARCELS = max(1, HANDOVERS // 5)  # five handovers per parcel, interleaved
ROUNDS = HANDOVERS // PARCELS
BURST_TIMEOUT = 60 + HANDOVERS * 2.0


def assert_nothing_lost(figures, expected_sent):
    assert figures.problems == []
    assert figures.sent == expected_sent
    assert figures.lost == 0
    assert figures.duplicated == 0
    assert figures.committed == expected_sent


@pytest.mark.slow
def test_server_killed_mid_burst_loses_nothing(crash_ledger, tmp_path):
    server = crash_ledger
    with stations(tmp_path, STATIONS) as programs:
        for index, station in enumerate(programs, 1):
            # At a clerk's pace, so the stations are still at work when the server returns.
            station.start(server, "plan", own_parcels(index, PARCELS), ROUNDS, pace=0.02)
        total = STATIONS * PARCELS * ROUNDS
        wait_until(lambda: sum(len(s.told()) for s in programs) >= total // 3, BURST_TIMEOUT, "a third of the burst")
        server.kill()
        killed_at = sum(len(s.told()) for s in programs)
        server.start()  # on the same data dir and port; the stations journal meanwhile
        restarted_at = sum(len(s.told()) for s in programs)
        wait_for_all(programs, BURST_TIMEOUT)

    connections.close_all()  # the test's own connection died with the server
    push_until_settled([s.journal for s in programs])
    figures = audit(programs)
    print(f"\n{figures.line(f'server killed after {killed_at} clerk messages, back after {restarted_at}')}")
    assert_nothing_lost(figures, total)
    assert figures.told_pending > 0, "the kill should have left some handovers pending"


@pytest.mark.slow
def test_station_killed_mid_commit_loses_nothing(crash_ledger, tmp_path):
    server = crash_ledger
    rng = random.Random(os.environ.get("RESILIENCE_SEED", "station-kill"))
    with stations(tmp_path, STATIONS) as programs:
        for index, station in enumerate(programs, 1):
            station.start(server, "plan", own_parcels(index, PARCELS), ROUNDS)
        # Kill each station at its own random point in its burst, then restart it on its journal.
        kill_points = {s.code: rng.randint(1, PARCELS * ROUNDS - 1) for s in programs}
        for station in programs:
            wait_until(
                lambda: len(station.told()) >= kill_points[station.code] or station.process.poll() is not None,
                BURST_TIMEOUT, f"{station.code} to tell {kill_points[station.code]} handovers",
            )
            time.sleep(rng.uniform(0, 0.03))  # somewhere inside the next commit
            station.kill()
        journaled = sum(len(Outbox(s.journal).entries()) for s in programs)
        for station in programs:
            station.start(server, "push")
        wait_for_all(programs, BURST_TIMEOUT)

    figures = audit(programs)
    print(f"\n{figures.line(f'stations killed at {sorted(kill_points.values())}')}")
    assert_nothing_lost(figures, journaled)


@pytest.mark.slow
def test_stations_racing_for_shared_parcels_never_fork(crash_ledger, tmp_path):
    server = crash_ledger
    shared = own_parcels(0, 3)
    rounds = max(1, HANDOVERS // 10)
    with stations(tmp_path, STATIONS) as programs:
        for station in programs:
            station.start(server, "race", shared, rounds)
        wait_for_all(programs, BURST_TIMEOUT)

    figures = audit(programs)
    print(f"\n{figures.line(f'{STATIONS} stations racing for {len(shared)} parcels')}")
    conflicts = [e for s in programs for e in Outbox(s.journal).conflicts()]
    assert figures.problems == []
    assert figures.lost == 0 and figures.duplicated == 0
    assert figures.committed + len(conflicts) == figures.sent
    assert all("changed hands meanwhile" in e.last_error for e in conflicts), {e.last_error for e in conflicts}
