"""A bounded soak against one real server: throughput, latency and errors of outbox commits."""

import os
import statistics
import time

import pytest

from station_app.custody.models import Handover, Parcel
from station_app.custody.services import trail
from station_app.custody.verification import Status, verify_trail
from station_app.outbox import Outbox
from tests.resilience.station import PARTIES

COMMITS = int(os.environ.get("SOAK_COMMITS", "300"))
SECONDS = float(os.environ.get("SOAK_SECONDS", "60"))
PARCELS = 20


@pytest.mark.slow
def test_soak_commits_through_the_outbox(ledger_db, tmp_path):
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    latencies, errors = [], []
    started = time.perf_counter()
    sent = 0
    while sent < COMMITS and time.perf_counter() - started < SECONDS:
        parcel, round_ = f"SOAK{sent % PARCELS:08d}", sent // PARCELS
        began = time.perf_counter()
        event_id = outbox.record(
            scanned_code=parcel, to_party=PARTIES[round_ % 4], from_party=PARTIES[(round_ - 1) % 4] if round_ else None,
            expected_sequence=round_, condition="intact", station="ST1", clerk="soak",
        )
        outbox.push_pending()
        latencies.append(time.perf_counter() - began)
        entry = outbox.entry(event_id)
        if entry.state != "committed":
            errors.append(entry.last_error)
        sent += 1
    elapsed = time.perf_counter() - started

    verify_started = time.perf_counter()
    statuses = [r.status for p in Parcel.objects.all() for r in verify_trail(trail(p))]
    verify_seconds = time.perf_counter() - verify_started
    stored = Handover.objects.count()
    print(
        f"\nsoak: sent {sent}, committed {stored}, errors {len(errors)}, lost {sent - stored - len(errors)}, "
        f"duplicated {stored - len(set(Handover.objects.values_list('event_id', flat=True)))}; "
        f"{sent / elapsed:.1f} commits/s, latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1] * 1000:.0f} ms; "
        f"verified {statuses.count(Status.VERIFIED)}/{len(statuses)} in {verify_seconds:.1f} s"
    )
    assert errors == []
    assert stored == sent and statuses == [Status.VERIFIED] * sent
    assert outbox.counts().pending == 0
