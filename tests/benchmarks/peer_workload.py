"""The handover workload on one database engine, in a process of its own (Django settings are per process).

N handovers, four hops a parcel, each in one transaction: find the parcel and
its latest event, extend the app-level hash chain, insert into the
append-only table. Then read trails as the trail screen does. Prints JSON:
seconds for the handovers and milliseconds per trail read.

    python -m tests.benchmarks.peer_workload '<DATABASES["default"] as JSON>' N
"""

from __future__ import annotations

import json
import sys
import time

HOPS = 4
TRAIL_READS = 50


def configure(db_settings: dict) -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        USE_TZ=True,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "station_app.custody"],
        DATABASES={"default": db_settings},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()
    call_command("migrate", verbosity=0)


def append_handover(code: str, giver, taker, station) -> None:
    from django.db import transaction
    from django.utils import timezone

    from station_app.custody.hashing import GENESIS_HASH, canonical_fields, event_hash
    from station_app.custody.models import Condition, Handover, Parcel

    with transaction.atomic():
        parcel = Parcel.objects.filter(normalized_id=code).first()
        if parcel is None:
            parcel = Parcel.objects.create(normalized_id=code, scanned_code=code, format="sscc")
        last = Handover.objects.filter(parcel=parcel).order_by("-sequence").first()
        sequence = last.sequence + 1 if last else 1
        previous = last.event_hash if last else GENESIS_HASH
        event = Handover(
            parcel=parcel, sequence=sequence, from_party=giver, to_party=taker, condition=Condition.INTACT,
            station=station, clerk="clerk", occurred_at=timezone.now(), previous_hash=previous,
        )
        event.event_hash = event_hash(canonical_fields(
            event_id=event.event_id, parcel_id=code, sequence=sequence, from_party=giver.code if giver else None,
            to_party=taker.code, condition=event.condition, note="", station=station.code, clerk="clerk",
            occurred_at=event.occurred_at, corrects=None, photo_sha256="", signature_sha256="", previous_hash=previous,
        ))
        event.save()


def run(handovers: int) -> dict:
    from station_app.custody import services
    from station_app.custody.models import Parcel, Party, Station
    from tests.benchmarks.seed import PARTIES, parcel_code

    parties = [Party.objects.create(code=c, name=n, kind=k) for c, n, k in PARTIES]
    station = Station.objects.create(code="ST1", name="Dock 1")
    started = time.perf_counter()
    for k in range(handovers):
        hop = k % HOPS
        append_handover(parcel_code(k // HOPS), parties[hop - 1] if hop else None, parties[hop], station)
    handover_seconds = time.perf_counter() - started

    parcels = list(Parcel.objects.order_by("pk")[:TRAIL_READS])
    started = time.perf_counter()
    for parcel in parcels:
        if len(services.trail(parcel)) != HOPS:
            raise AssertionError(f"parcel {parcel} has a broken trail")
    trail_ms = (time.perf_counter() - started) * 1000 / len(parcels)
    return {"handover_seconds": handover_seconds, "trail_ms": trail_ms}


def main(argv: list[str]) -> int:
    db_settings, handovers = json.loads(argv[0]), int(argv[1])
    configure(db_settings)
    print(json.dumps(run(handovers)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
