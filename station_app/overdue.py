"""Parcels held too long: the latest handover is older than a threshold and its receiver is no customer.

One query on the server: a handover with no later handover of the same
parcel (a LEFT JOIN on a later sequence that finds nothing) is the parcel's
latest. Run inside ops.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from station_app import ledger
from station_app.custody.models import Handover, Party

DEFAULT_HOURS = 48

# Raw SQL because immudb 1.11.1 answers the ORM's version of this join
# wrongly: looking the join up through the (parcel, sequence) index, it
# matches every handover of the parcel. "OR FALSE" around the whole ON
# condition makes it evaluate row by row, as 1.9.6 does anyway.
_LATEST_AND_OVERDUE = """
    FROM custody_handover AS h
    INNER JOIN custody_party AS receiver ON receiver.id = h.to_party_id
    LEFT JOIN custody_handover AS later
        ON ((later.parcel_id = h.parcel_id AND later."sequence" > h."sequence") OR FALSE)
    WHERE later.id IS NULL AND h.occurred_at < %s AND receiver.kind <> %s
"""


def _params(hours: int) -> list:
    return [timezone.now() - datetime.timedelta(hours=hours), Party.Kind.CUSTOMER.value]


def count(hours: int = DEFAULT_HOURS) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) " + _LATEST_AND_OVERDUE, _params(hours))
        return cursor.fetchone()[0]


def browse(hours: int, offset: int = 0, limit: int = ledger.PAGE_SIZE) -> ledger.BrowsePage:
    """The overdue parcels' latest handovers, longest held first."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT h.id " + _LATEST_AND_OVERDUE + " ORDER BY h.occurred_at, h.id LIMIT %s OFFSET %s",
            _params(hours) + [limit + 1, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    events = Handover.objects.select_related("parcel", "from_party", "to_party", "station").in_bulk(ids[:limit])
    rows = [ledger.event_row(events[pk]) for pk in ids[:limit]]
    return ledger.BrowsePage(rows, offset, len(ids) > limit)
