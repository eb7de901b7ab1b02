"""The station's outbox: every handover is journaled on this machine before it is sent.

A handover the clerk confirms is first written to a local SQLite journal and
fsynced (``record``); only then is it pushed to immudb through
``services.commit_handover`` (``push_pending``). The event UUID is the
idempotency key: if the station or the server dies after immudb committed
but before the journal heard back, the next push replays the event and
services recognises it, so nothing is lost and nothing is recorded twice.

States of a journaled handover:

* ``pending``: not yet known to be in immudb; a server that cannot be reached
  leaves it here, with the error and the number of attempts;
* ``committed``: in immudb, with its transaction id (None when it turned out
  to be committed by an earlier, interrupted push);
* ``conflict``: immudb refused it for a custody reason found at sync time
  (another station moved the parcel first, an unknown party, ...). It is kept
  for a supervisor and never dropped.

Pushes go in journal order. A parcel's later events wait while an earlier one
is still pending, so its trail is written in the order the clerk made it.
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from immudb_backend import dbapi
from station_app.custody import services
from station_app.custody.barcodes import BarcodeError, parse_parcel_code
from station_app.custody.models import Handover, Party, Station

PENDING, COMMITTED, CONFLICT = "pending", "committed", "conflict"

# The session broke or the server is busy: try again later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, dbapi.OperationalError, dbapi.InterfaceError)
# immudb or the custody rules refused this event; sending it again cannot help.
REFUSALS = (services.CustodyError, BarcodeError, DatabaseError, dbapi.DatabaseError)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,  -- journal order
    event_id TEXT NOT NULL UNIQUE,
    parcel_id TEXT NOT NULL,
    scanned_code TEXT NOT NULL,
    to_party TEXT NOT NULL,
    from_party TEXT,
    expected_sequence INTEGER,
    condition TEXT NOT NULL,
    station TEXT NOT NULL,
    clerk TEXT NOT NULL,
    note TEXT NOT NULL,
    photo BLOB,
    signature BLOB,
    occurred_at TEXT NOT NULL,
    corrects TEXT,
    state TEXT NOT NULL CHECK (state IN ('pending', 'committed', 'conflict')),
    tx_id INTEGER,
    sequence INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, position);
"""


def default_path() -> Path:
    return Path(platformdirs.user_data_dir("handover-station")) / "outbox.sqlite3"


@dataclass(frozen=True)
class Entry:
    """One journaled handover and where it stands."""

    event_id: uuid.UUID
    parcel_id: str
    scanned_code: str
    to_party: str
    from_party: str | None
    expected_sequence: int | None
    condition: str
    station: str
    clerk: str
    note: str
    photo: bytes | None
    signature: bytes | None
    occurred_at: datetime.datetime
    corrects: uuid.UUID | None
    state: str
    tx_id: int | None
    sequence: int | None  # its place in the parcel's trail, once committed
    attempts: int
    last_error: str

    @property
    def clerk_message(self) -> str:
        """What to tell the clerk (or supervisor) about this handover."""
        if self.state == COMMITTED:
            where = f"in transaction {self.tx_id}" if self.tx_id else "by an earlier attempt"
            return f"Parcel {self.parcel_id} to {self.to_party}: recorded on the server {where}."
        if self.state == CONFLICT:
            return (
                f"Parcel {self.parcel_id} to {self.to_party} was NOT recorded: {self.last_error} "
                "It is kept on this station for a supervisor."
            )
        return (
            f"Parcel {self.parcel_id} to {self.to_party} is saved on this station and will be sent "
            "when the server can be reached. Nothing more to do."
        )


@dataclass(frozen=True)
class SyncReport:
    committed: list[Entry]
    conflicts: list[Entry]
    still_pending: list[Entry]


@dataclass(frozen=True)
class Counts:
    pending: int
    committed: int
    conflict: int

    @property
    def label(self) -> str:
        """A short text for the status bar."""
        parts = [f"{self.pending} waiting to send"] if self.pending else ["All sent"]
        if self.conflict:
            parts.append(f"{self.conflict} need a supervisor")
        return " · ".join(parts)


class Outbox:
    """The durable journal at ``path``; safe to share between threads of one process."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._push_lock = threading.Lock()
        with self._db() as db:
            # WAL survives a crash at any point; synchronous=FULL fsyncs every
            # commit, so a recorded handover is on disk before record() returns.
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA synchronous=FULL")
            db.row_factory = sqlite3.Row
            yield db

    def record(
        self,
        *,
        scanned_code: str,
        to_party: str,
        condition: str,
        station: str,
        clerk: str,
        from_party: str | None = None,
        expected_sequence: int | None = None,
        note: str = "",
        photo: bytes | None = None,
        signature: bytes | None = None,
        corrects: uuid.UUID | None = None,
        occurred_at: datetime.datetime | None = None,
        event_id: uuid.UUID | None = None,
    ) -> uuid.UUID:
        """Journal a handover (party and station by code); durable when this returns.

        Raises BarcodeError or CustodyError, journaling nothing, for what can
        be refused without the server.
        """
        code = parse_parcel_code(scanned_code)
        services.check_request_offline(
            condition=condition, photo=photo, signature=signature, note=note, clerk=clerk,
            to_party_code=to_party, from_party_code=from_party,
        )
        occurred_at = occurred_at or datetime.datetime.now(datetime.timezone.utc)
        if occurred_at.tzinfo is None:
            raise services.CustodyError("The handover time must carry a time zone.")
        event_id = event_id or uuid.uuid4()
        with self._db() as db:
            db.execute(
                "INSERT INTO outbox (event_id, parcel_id, scanned_code, to_party, from_party, expected_sequence,"
                " condition, station, clerk, note, photo, signature, occurred_at, corrects, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(event_id), code.normalized_id, scanned_code, to_party, from_party, expected_sequence,
                    condition, station, clerk, note, photo, signature,
                    occurred_at.astimezone(datetime.timezone.utc).isoformat(), str(corrects) if corrects else None,
                    PENDING,
                ),
            )
        return event_id

    def entry(self, event_id: uuid.UUID) -> Entry:
        with self._db() as db:
            row = db.execute("SELECT * FROM outbox WHERE event_id = ?", (str(event_id),)).fetchone()
        if row is None:
            raise KeyError(f"No handover {event_id} in the outbox at {self.path}.")
        return _entry(row)

    def entries(self) -> list[Entry]:
        """Every journaled handover, in journal order."""
        with self._db() as db:
            rows = db.execute("SELECT * FROM outbox ORDER BY position").fetchall()
        return [_entry(row) for row in rows]

    def pending(self) -> list[Entry]:
        return self._in_state(PENDING)

    def conflicts(self) -> list[Entry]:
        return self._in_state(CONFLICT)

    def _in_state(self, state: str) -> list[Entry]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM outbox WHERE state = ? ORDER BY position", (state,)).fetchall()
        return [_entry(row) for row in rows]

    def counts(self) -> Counts:
        with self._db() as db:
            found = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return Counts(found.get(PENDING, 0), found.get(COMMITTED, 0), found.get(CONFLICT, 0))

    def push_pending(self, using: str = "default") -> SyncReport:
        """Send every pending handover, in journal order; stop at the first that must wait (server away or busy)."""
        with self._push_lock:
            committed, conflicts, still_pending = [], [], []
            waiting_parcels: set[str] = set()  # parcels with an earlier event still pending
            must_wait = False
            for entry in self.pending():
                if must_wait or entry.parcel_id in waiting_parcels:
                    still_pending.append(entry)
                    waiting_parcels.add(entry.parcel_id)
                    continue
                pushed = self._push(entry, using)
                if pushed.state == COMMITTED:
                    committed.append(pushed)
                elif pushed.state == CONFLICT:
                    conflicts.append(pushed)
                else:
                    still_pending.append(pushed)
                    waiting_parcels.add(pushed.parcel_id)
                    must_wait = True
            return SyncReport(committed, conflicts, still_pending)

    def _push(self, entry: Entry, using: str) -> Entry:
        try:
            connections[using].ensure_connection()
        except (DatabaseError, InterfaceError, dbapi.Error) as error:
            # No session (server away, or wrong address, login or database):
            # the settings are at fault, not the handover, so it waits.
            _drop_connection(using)
            return self._update(entry, PENDING, error=_sentence(error))
        try:
            result = services.commit_handover(
                scanned_code=entry.scanned_code,
                to_party=_known(Party, using, code=entry.to_party),
                from_party=_known(Party, using, code=entry.from_party) if entry.from_party else None,
                expected_sequence=entry.expected_sequence,
                condition=entry.condition,
                station=_known(Station, using, code=entry.station),
                clerk=entry.clerk,
                note=entry.note,
                photo=entry.photo,
                signature=entry.signature,
                corrects=_known(Handover, using, event_id=entry.corrects) if entry.corrects else None,
                event_id=entry.event_id,
                occurred_at=entry.occurred_at,
                using=using,
            )
        except TRANSIENT_ERRORS as error:
            _drop_connection(using)
            return self._update(entry, PENDING, error=_sentence(error))
        except REFUSALS as error:
            return self._update(entry, CONFLICT, error=_sentence(error))
        return self._update(entry, COMMITTED, tx_id=result.tx_id, sequence=result.handover.sequence)

    def _update(self, entry: Entry, state: str, *, error: str = "", tx_id=None, sequence=None) -> Entry:
        with self._db() as db:
            db.execute(
                "UPDATE outbox SET state = ?, tx_id = ?, sequence = ?, attempts = attempts + 1, last_error = ?"
                " WHERE event_id = ?",
                (state, tx_id, sequence, error, str(entry.event_id)),
            )
        return self.entry(entry.event_id)


def _drop_connection(using: str) -> None:
    # A connection that lost its server cannot be reused; the next push opens a new one.
    try:
        connections[using].close()
    except DatabaseError:
        pass


def _known(model, using: str, **lookup):
    found = model.objects.using(using).filter(**lookup).first()
    if found is None:
        (field, value), = lookup.items()
        raise services.CustodyError(f"The server has no {model._meta.verbose_name} with {field} {value}.")
    return found


def _sentence(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if text.endswith(".") else text + "."


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        event_id=uuid.UUID(row["event_id"]),
        parcel_id=row["parcel_id"],
        scanned_code=row["scanned_code"],
        to_party=row["to_party"],
        from_party=row["from_party"],
        expected_sequence=row["expected_sequence"],
        condition=row["condition"],
        station=row["station"],
        clerk=row["clerk"],
        note=row["note"],
        photo=row["photo"],
        signature=row["signature"],
        occurred_at=datetime.datetime.fromisoformat(row["occurred_at"]),
        corrects=uuid.UUID(row["corrects"]) if row["corrects"] else None,
        state=row["state"],
        tx_id=row["tx_id"],
        sequence=row["sequence"],
        attempts=row["attempts"],
        last_error=row["last_error"],
    )
