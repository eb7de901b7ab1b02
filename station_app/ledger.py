"""What the screens ask of the ledger, run inside ops.

Every function returns plain rows, never ORM objects, so nothing lazy is
left for a widget to trigger on the GUI thread.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, replace

from django.db.models import Q

from immudb_backend.trusted_state import AlreadyEnrolled
from station_app.custody import services, verification
from station_app.custody.barcodes import parse_parcel_code
from station_app.custody.models import Condition, Handover, Parcel, Party, Station
from station_app.outbox import TRANSIENT_ERRORS, Counts, Entry, Outbox

PAGE_SIZE = 50
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartyRow:
    pk: int
    code: str
    name: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class CustodyView:
    """Who holds a parcel, as this station sees it before a handover."""

    parcel_id: str
    custodian_code: str | None
    custodian_label: str | None
    last_condition: str | None  # label
    # The trail length the next handover expects; None when unknown (the
    # server could not be asked), and the handover is then checked against
    # its giver alone when it is sent.
    sequence: int | None
    server_unreachable: bool = False
    from_unsent: bool = False  # the custodian is the receiver of this station's own unsent handover


@dataclass(frozen=True)
class HandoverRequest:
    scanned_code: str
    to_party_code: str
    condition: str
    station_code: str
    clerk: str
    from_party_code: str | None
    expected_sequence: int | None
    note: str = ""
    photo: bytes | None = None


@dataclass(frozen=True)
class EventRow:
    parcel_id: str
    sequence: int
    occurred_at: datetime.datetime
    from_party: str
    to_party: str
    station: str
    condition: str  # label
    clerk: str
    event_hash: str


@dataclass(frozen=True)
class StationRow:
    pk: int
    code: str
    name: str
    active: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.code})" + ("" if self.active else ", retired")


@dataclass(frozen=True)
class BrowseFilter:
    barcode: str = ""
    party_pk: int | None = None
    station_pk: int | None = None
    condition: str = ""
    since: datetime.date | None = None  # first day shown, on this computer's clock
    until: datetime.date | None = None  # last day shown

    def as_q(self) -> Q:
        """The filter as a condition on Handover."""
        q = Q()
        if self.barcode:
            q &= Q(parcel__normalized_id__icontains=self.barcode.strip())
        if self.party_pk:
            q &= Q(to_party_id=self.party_pk) | Q(from_party_id=self.party_pk)
        if self.station_pk:
            q &= Q(station_id=self.station_pk)
        if self.condition:
            q &= Q(condition=self.condition)
        if self.since:
            q &= Q(occurred_at__gte=_start_of(self.since))
        if self.until:
            q &= Q(occurred_at__lt=_start_of(self.until + datetime.timedelta(days=1)))
        return q


@dataclass(frozen=True)
class BrowsePage:
    rows: list[EventRow]
    offset: int
    has_more: bool


def _party_row(party: Party) -> PartyRow:
    return PartyRow(party.pk, party.code, party.name, party.kind)


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of ``day`` on this computer's clock, the time the screens show."""
    return datetime.datetime.combine(day, datetime.time.min).astimezone()


def active_parties() -> list[PartyRow]:
    return [_party_row(p) for p in Party.objects.filter(active=True).order_by("name")]


def all_stations() -> list[StationRow]:
    """Retired ones too: their handovers stay in the ledger."""
    return [StationRow(s.pk, s.code, s.name, s.active) for s in Station.objects.order_by("name")]


def station() -> tuple[str, str] | None:
    """(code, name) of this station: the first active one configured."""
    found = Station.objects.filter(active=True).order_by("code").first()
    return (found.code, found.name) if found else None


def look_up(scanned_code: str, outbox: Outbox) -> CustodyView:
    """The parcel's custodian: the server's trail, overlaid with this station's unsent handovers.

    An unsent handover of the parcel is newer than anything on the server, so
    its receiver holds the parcel. The journal is read before the server: a
    handover pushed in between is then in both, and the overlay stays right.
    If the server cannot be reached and nothing is journaled, the custodian is
    unknown (see README, "Working while the server is away").
    """
    parcel_id = parse_parcel_code(scanned_code).normalized_id
    unsent = [entry for entry in outbox.pending() if entry.parcel_id == parcel_id]
    try:
        custody = services.current_custody(scanned_code)
    except TRANSIENT_ERRORS:
        view = CustodyView(parcel_id, None, None, None, None, server_unreachable=True)
    else:
        holder = custody.custodian
        view = CustodyView(
            parcel_id=parcel_id,
            custodian_code=holder.code if holder else None,
            custodian_label=_party_row(holder).label if holder else None,
            last_condition=Condition(custody.last_condition).label if custody.last_condition else None,
            sequence=custody.sequence,
        )
    if not unsent:
        return view
    latest = unsent[-1]
    return replace(
        view,
        custodian_code=latest.to_party,
        custodian_label=None,  # the screen names it from its party list; the server may be away
        last_condition=Condition(latest.condition).label,
        sequence=None if latest.expected_sequence is None else latest.expected_sequence + 1,
        from_unsent=True,
    )


def commit(request: HandoverRequest, outbox: Outbox) -> Entry:
    """Journal the handover on this station, then send everything waiting; where the handover stands now.

    Raises BarcodeError or CustodyError, journaling nothing, for what the
    station can refuse on its own.
    """
    event_id = outbox.record(
        scanned_code=request.scanned_code,
        to_party=request.to_party_code,
        from_party=request.from_party_code,
        expected_sequence=request.expected_sequence,
        condition=request.condition,
        station=request.station_code,
        clerk=request.clerk,
        note=request.note,
        photo=request.photo,
    )
    try:
        outbox.push_pending()
    except Exception:  # noqa: BLE001 - the handover is journaled; the sync timer sends it later
        log.exception("Sending the outbox failed after handover %s was journaled", event_id)
    return outbox.entry(event_id)


def sync(outbox: Outbox) -> Counts:
    """Send every unsent handover; how many wait and how many need a supervisor."""
    outbox.push_pending()
    return outbox.counts()


def event_row(event: Handover) -> EventRow:
    return EventRow(
        parcel_id=event.parcel.normalized_id,
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        from_party=str(event.from_party) if event.from_party_id else "",
        to_party=str(event.to_party),
        station=event.station.name,
        condition=Condition(event.condition).label,
        clerk=event.clerk,
        event_hash=event.event_hash,
    )


def browse(criteria: BrowseFilter, offset: int = 0, limit: int = PAGE_SIZE) -> BrowsePage:
    events = Handover.objects.select_related("parcel", "from_party", "to_party", "station").filter(criteria.as_q())
    # One row more than the page tells whether another page exists.
    found = list(events.order_by("-occurred_at", "-id")[offset : offset + limit + 1])
    return BrowsePage([event_row(e) for e in found[:limit]], offset, len(found) > limit)


@dataclass(frozen=True)
class Verdict:
    status: str  # a verification.Status value: verified, tampered, missing link, unverifiable
    reason: str
    tx_id: int | None = None  # the immudb transaction that proved the row, when the server had one


def enroll_if_new() -> bool:
    """Trust the server's current state unless this station already does; True if it enrolled now.

    Only for the embedded server, which this station created itself.
    """
    try:
        verification.enroll_station()
    except AlreadyEnrolled:
        return False
    return True


def server_version() -> str:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.server_version_string


def clerks() -> list[str]:
    from django.contrib.auth.models import User

    return list(User.objects.filter(is_active=True).order_by("username").values_list("username", flat=True))


@dataclass(frozen=True)
class EventDetails:
    """An event's row plus what its details show; ``photo`` is only filled until the screen has made its thumbnail."""

    row: EventRow
    event_id: str
    previous_hash: str
    photo_sha256: str
    photo: bytes | None = None


def _details(event: Handover, with_photo: bool) -> EventDetails:
    return EventDetails(
        row=event_row(event),
        event_id=str(event.event_id),
        previous_hash=event.previous_hash,
        photo_sha256=event.photo_sha256,
        photo=bytes(event.photo) if with_photo and event.photo else None,
    )


def load_trail_details(parcel_id: str) -> list[EventDetails]:
    """The trail with each event's photo bytes, for thumbnails made in the same op."""
    parcel = Parcel.objects.get(normalized_id=parcel_id)
    return [_details(event, with_photo=True) for event in services.trail(parcel)]


def event_photo(parcel_id: str, sequence: int) -> bytes | None:
    event = Handover.objects.filter(parcel__normalized_id=parcel_id, sequence=sequence).only("photo").first()
    return bytes(event.photo) if event is not None and event.photo else None


def prove(parcel_id: str) -> dict[int, Verdict]:
    """Each event's verification with its transaction, by sequence."""
    parcel = Parcel.objects.get(normalized_id=parcel_id)
    reports = verification.verify_trail(services.trail(parcel))
    return {r.handover.sequence: Verdict(r.status.value, r.reason, r.tx_id) for r in reports}


@dataclass(frozen=True)
class ProvenEvent:
    details: EventDetails
    proof: Verdict


@dataclass(frozen=True)
class TrailExport:
    """A parcel's trail, verified just now, ready to be written out."""

    parcel_id: str
    parcel_format: str  # label
    events: list[ProvenEvent]
    key_fingerprint: str  # of the pinned server public key; empty when none is pinned
    created: datetime.datetime  # aware, UTC
    epcis: dict
    csv: str

    @property
    def unverified(self) -> list[ProvenEvent]:
        return [e for e in self.events if e.proof.status != verification.Status.VERIFIED.value]


def export_trail(parcel_id: str) -> TrailExport:
    """Read the trail, verify it, and render it as EPCIS and CSV; the certificate is drawn from the same data."""
    from django.db import connection

    from immudb_backend.trusted_state import key_fingerprint
    from station_app.custody import export
    from station_app.custody.barcodes import ParcelFormat

    parcel = Parcel.objects.get(normalized_id=parcel_id)
    events = services.trail(parcel)
    reports = verification.verify_trail(events)
    public_key = connection.settings_dict.get("OPTIONS", {}).get("server_public_key")
    if isinstance(public_key, str):
        public_key = public_key.encode()
    created = datetime.datetime.now(datetime.UTC)
    return TrailExport(
        parcel_id=parcel.normalized_id,
        parcel_format=ParcelFormat(parcel.format).label,
        events=[
            ProvenEvent(_details(r.handover, with_photo=False), Verdict(r.status.value, r.reason, r.tx_id))
            for r in reports
        ],
        key_fingerprint=key_fingerprint(public_key) if public_key else "",
        created=created,
        epcis=export.epcis_document(events, created),
        csv=export.csv_text(events),
    )
