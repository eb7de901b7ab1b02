"""The station's own work: commit with proof, trail verification and the trail browser."""

from __future__ import annotations

from station_app import ledger as station_ledger
from station_app.custody import services, verification
from station_app.custody.models import Condition, Handover, Parcel
from tests.benchmarks.seed import Ledger, parcel_code
from tests.benchmarks.stats import Figure, figure, percentile, timed

TRAIL_HOPS = 4  # handovers per parcel in the latency workload


def commit_latency(ledger: Ledger, runs: int, handovers: int, first_parcel: int) -> dict[str, Figure]:
    """commit_handover, then prove the new row against the trusted state; p50/p95/p99 per run."""
    verification.enroll_station(replace=True)
    verifier = verification.station_verifier()
    per_run: dict[str, list[float]] = {"p50": [], "p95": [], "p99": []}
    parcel_number = first_parcel
    for _ in range(runs):
        samples = []
        for k in range(handovers):
            hop = k % TRAIL_HOPS
            if hop == 0:
                parcel_number += 1
            code = parcel_code(parcel_number)

            def commit_and_prove():
                committed = services.commit_handover(
                    scanned_code=code, to_party=ledger.parties[hop + 1], condition=Condition.INTACT,
                    station=ledger.station, clerk="clerk", from_party=ledger.parties[hop] if hop else None,
                )
                proven = verifier.verify_row(Handover._meta.db_table, (committed.handover.pk,))
                if proven is None or proven.values["event_hash"] != committed.handover.event_hash:
                    raise AssertionError(f"handover {committed.handover.pk} did not prove")

            samples.append(timed(commit_and_prove)[0])
        for p in (50, 95, 99):
            per_run[f"p{p}"].append(percentile(samples, p))
    return {name: figure(values, "ms") for name, values in per_run.items()}


def verify_trails(code: str, lengths: list[int], runs: int) -> dict[int, Figure]:
    """verify_trail over the first n events of one parcel's trail, each event its own transaction."""
    verification.enroll_station(replace=True)
    events = services.trail(Parcel.objects.get(normalized_id=code))
    seconds: dict[int, list[float]] = {n: [] for n in lengths}
    for _ in range(runs):
        for n in lengths:
            elapsed, reports = timed(lambda: verification.verify_trail(events[:n]), scale=1.0)
            failed = [r for r in reports if r.status is not verification.Status.VERIFIED]
            if failed:
                raise AssertionError(f"trail verification failed: {failed[0].reason}")
            seconds[n].append(elapsed)
    return {n: figure(values, "s") for n, values in seconds.items()}


def browser_queries(runs: int) -> dict[str, Figure]:
    """The trail browser's first page, unfiltered and filtered by condition, as its op runs it."""
    queries = {
        "first page": station_ledger.BrowseFilter(),
        "filtered page (condition)": station_ledger.BrowseFilter(condition=Condition.WET.value),
    }
    samples: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(runs):
        for name, criteria in queries.items():
            elapsed, page = timed(lambda: station_ledger.browse(criteria))
            if len(page.rows) != station_ledger.PAGE_SIZE:
                raise AssertionError(f"the browser's {name} has {len(page.rows)} rows")
            samples[name].append(elapsed)
    return {name: figure(values, "ms") for name, values in samples.items()}
