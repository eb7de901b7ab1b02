"""Bulk seeding: multi-row INSERTs through the backend, about 500 rows a statement."""

from __future__ import annotations

import datetime
import time
import uuid
from dataclasses import dataclass

from django.db import connection

from station_app.custody.hashing import GENESIS_HASH, canonical_fields, event_hash
from station_app.custody.models import Condition, Handover, Parcel, Party, Station

BATCH = 500
PARTIES = [
    ("WH1", "Central warehouse", "warehouse"),
    ("DHX", "Express courier", "courier"),
    ("PAK", "Parcel courier", "courier"),
    ("SUB", "Last-mile subcontractor", "subcontractor"),
    ("CUS", "Anna Müller", "customer"),
]
EVENT_COLUMNS = (
    "event_id", "parcel_id", "sequence", "from_party_id", "to_party_id", "condition", "note", "station_id",
    "clerk", "occurred_at", "photo_sha256", "signature_sha256", "previous_hash", "event_hash",
)
START = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


@dataclass(frozen=True)
class Ledger:
    parties: list[Party]
    station: Station


@dataclass(frozen=True)
class Seeded:
    events: int
    seconds: float


def base_ledger() -> Ledger:
    parties = [Party.objects.create(code=c, name=n, kind=k) for c, n, k in PARTIES]
    return Ledger(parties, Station.objects.create(code="ST1", name="Dock 1", location="Hamburg"))


def parcel_code(number: int) -> str:
    """A valid SSCC-18: 17 digits and the GS1 check digit."""
    body = f"{37613032100000000 + number:017d}"
    weighted = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str(-weighted % 10)


def _insert_rows(table: str, columns: tuple[str, ...], rows: list[tuple], batch: int = BATCH) -> None:
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    quoted = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            sql = f'INSERT INTO "{table}" ({quoted}) VALUES ' + ", ".join([placeholders] * len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def _chain(ledger: Ledger, code: str, parcel_pk: int, first_minute: int, length: int) -> list[tuple]:
    """The rows of one parcel's trail, hash-chained as commit_handover chains them."""
    rows, previous = [], GENESIS_HASH
    parties = ledger.parties
    for sequence in range(1, length + 1):
        giver = parties[(sequence - 2) % len(parties)] if sequence > 1 else None
        taker = parties[(sequence - 1) % len(parties)]
        condition = Condition.WET if (first_minute + sequence) % 7 == 0 else Condition.INTACT
        occurred_at = START + datetime.timedelta(minutes=first_minute + sequence)
        event_id = uuid.uuid4()
        fields = canonical_fields(
            event_id=event_id, parcel_id=code, sequence=sequence, from_party=giver.code if giver else None,
            to_party=taker.code, condition=condition, note="", station=ledger.station.code, clerk="clerk",
            occurred_at=occurred_at, corrects=None, photo_sha256="", signature_sha256="", previous_hash=previous,
        )
        digest = event_hash(fields)
        rows.append((
            event_id, parcel_pk, sequence, giver.pk if giver else None, taker.pk, condition, "",
            ledger.station.pk, "clerk", occurred_at, "", "", previous, digest,
        ))
        previous = digest
    return rows


def _new_parcels(count: int) -> list[tuple[str, int]]:
    """(code, pk) of ``count`` new parcels, inserted in bulk."""
    last_pk = Parcel.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    codes = [parcel_code(last_pk + n) for n in range(count)]
    _insert_rows(Parcel._meta.db_table, ("normalized_id", "scanned_code", "format"), [(c, c, "sscc") for c in codes])
    found: list[tuple[str, int]] = []
    while len(found) < count:  # immudb returns at most 2,500 rows a query
        after = found[-1][1] if found else last_pk
        found += Parcel.objects.filter(pk__gt=after).order_by("pk").values_list("normalized_id", "pk")[:2000]
    return found


def seed_events(ledger: Ledger, total: int, per_parcel: int = 5) -> Seeded:
    """``total`` hash-chained handovers, ``per_parcel`` to a parcel, one a minute, in bulk."""
    started = time.perf_counter()
    rows = []
    for number, (code, pk) in enumerate(_new_parcels(total // per_parcel)):
        rows += _chain(ledger, code, pk, number * per_parcel, per_parcel)
    _insert_rows(Handover._meta.db_table, EVENT_COLUMNS, rows)
    return Seeded(len(rows), time.perf_counter() - started)


def seed_trail(ledger: Ledger, length: int) -> str:
    """One parcel with a ``length``-event trail, one transaction per event as a station writes it; its code."""
    [(code, pk)] = _new_parcels(1)
    _insert_rows(Handover._meta.db_table, EVENT_COLUMNS, _chain(ledger, code, pk, 0, length), batch=1)
    return code
