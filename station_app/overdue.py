"""Parcels held too long: the latest handover is older than a threshold and its receiver is no customer.

One query on the server: a handover with no later handover of the same
parcel (a LEFT JOIN on a later sequence that finds nothing) is the parcel's
latest. The browser's other filters narrow it the way they narrow the list
of all handovers. Run inside ops.
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
    INNER JOIN custody_party AS receiver ON receiver.id = custody_handover.to_party_id
    LEFT JOIN custody_handover AS later
        ON ((later.parcel_id = custody_handover.parcel_id AND later."sequence" > custody_handover."sequence") OR FALSE)
    WHERE later.id IS NULL AND custody_handover.occurred_at < %s AND receiver.kind <> %s
"""


def _overdue_sql(hours: int, criteria: ledger.BrowseFilter) -> tuple[str, list]:
    """FROM and WHERE of the overdue handovers that match ``criteria``.

    The criteria compile through the ORM (the same lookups as the list of all
    handovers); the handover table keeps its own name, which the compiled
    conditions refer to.
    """
    query = Handover.objects.filter(criteria.as_q()).query
    query.get_initial_alias()  # the handover table is in FROM even when no criterion joins it
    compiler = query.get_compiler(connection=connection)
    where, where_params = compiler.compile(query.where) if query.where else ("", [])
    tables, table_params = compiler.get_from_clause()
    sql = " FROM " + " ".join(tables) + _LATEST_AND_OVERDUE + (f" AND ({where})" if where else "")
    params = table_params + [timezone.now() - datetime.timedelta(hours=hours), Party.Kind.CUSTOMER.value]
    return sql, params + where_params


def count(hours: int = DEFAULT_HOURS) -> int:
    """How many parcels are overdue, whatever the browser shows."""
    sql, params = _overdue_sql(hours, ledger.BrowseFilter())
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*)" + sql, params)
        return cursor.fetchone()[0]


def browse(
    hours: int, criteria: ledger.BrowseFilter = ledger.BrowseFilter(), offset: int = 0, limit: int = ledger.PAGE_SIZE
) -> ledger.BrowsePage:
    """The overdue parcels' latest handovers that match ``criteria``, longest held first."""
    sql, params = _overdue_sql(hours, criteria)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT custody_handover.id" + sql + " ORDER BY custody_handover.occurred_at, custody_handover.id"
            " LIMIT %s OFFSET %s",
            params + [limit + 1, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
    events = Handover.objects.select_related("parcel", "from_party", "to_party", "station").in_bulk(ids[:limit])
    rows = [ledger.event_row(events[pk]) for pk in ids[:limit]]
    return ledger.BrowsePage(rows, offset, len(ids) > limit)
