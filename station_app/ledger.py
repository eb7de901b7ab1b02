"""What the screens ask of the ledger, run inside ops.

Every function returns plain rows, never ORM objects, so nothing lazy is
left for a widget to trigger on the GUI thread.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from immudb_backend.trusted_state import AlreadyEnrolled
from station_app.custody import services, verification
from station_app.custody.models import Condition, Handover, Parcel, Party, Station

PAGE_SIZE = 50


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
    parcel_id: str
    custodian: PartyRow | None
    last_condition: str | None  # label
    sequence: int


@dataclass(frozen=True)
class HandoverRequest:
    scanned_code: str
    to_party_pk: int
    condition: str
    station_code: str
    clerk: str
    from_party_pk: int | None
    expected_sequence: int
    note: str = ""
    photo: bytes | None = None


@dataclass(frozen=True)
class CommitResult:
    parcel_id: str
    sequence: int
    tx_id: int
    to_party: str
    to_party_code: str


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
class BrowseFilter:
    barcode: str = ""
    party_pk: int | None = None
    condition: str = ""


@dataclass(frozen=True)
class BrowsePage:
    rows: list[EventRow]
    offset: int
    has_more: bool


def _party_row(party: Party) -> PartyRow:
    return PartyRow(party.pk, party.code, party.name, party.kind)


def active_parties() -> list[PartyRow]:
    return [_party_row(p) for p in Party.objects.filter(active=True).order_by("name")]


def station(code: str | None = None) -> tuple[str, str] | None:
    """(code, name) of this station: the given one, else the first configured."""
    stations = Station.objects.order_by("code")
    found = stations.filter(code=code).first() if code else stations.first()
    return (found.code, found.name) if found else None


def look_up(scanned_code: str) -> CustodyView:
    custody = services.current_custody(scanned_code)
    parcel_id = services.parse_parcel_code(scanned_code).normalized_id
    return CustodyView(
        parcel_id=parcel_id,
        custodian=_party_row(custody.custodian) if custody.custodian else None,
        last_condition=Condition(custody.last_condition).label if custody.last_condition else None,
        sequence=custody.sequence,
    )


def commit(request: HandoverRequest) -> CommitResult:
    committed = services.commit_handover(
        scanned_code=request.scanned_code,
        to_party=Party.objects.get(pk=request.to_party_pk),
        condition=request.condition,
        station=Station.objects.get(code=request.station_code),
        clerk=request.clerk,
        from_party=Party.objects.get(pk=request.from_party_pk) if request.from_party_pk else None,
        expected_sequence=request.expected_sequence,
        note=request.note,
        photo=request.photo,
    )
    handover = committed.handover
    return CommitResult(
        handover.parcel.normalized_id, handover.sequence, committed.tx_id, str(handover.to_party), handover.to_party.code
    )


def _event_row(event: Handover) -> EventRow:
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


def load_trail(parcel_id: str) -> list[EventRow]:
    parcel = Parcel.objects.get(normalized_id=parcel_id)
    return [_event_row(event) for event in services.trail(parcel)]


def browse(criteria: BrowseFilter, offset: int = 0, limit: int = PAGE_SIZE) -> BrowsePage:
    events = Handover.objects.select_related("parcel", "from_party", "to_party", "station")
    if criteria.barcode:
        events = events.filter(parcel__normalized_id__icontains=criteria.barcode.strip())
    if criteria.party_pk:
        events = events.filter(Q(to_party_id=criteria.party_pk) | Q(from_party_id=criteria.party_pk))
    if criteria.condition:
        events = events.filter(condition=criteria.condition)
    # One row more than the page tells whether another page exists.
    found = list(events.order_by("-occurred_at", "-id")[offset : offset + limit + 1])
    return BrowsePage([_event_row(e) for e in found[:limit]], offset, len(found) > limit)


@dataclass(frozen=True)
class Verdict:
    status: str  # a verification.Status value: verified, tampered, missing link, unverifiable
    reason: str


def verify(parcel_id: str) -> dict[int, Verdict]:
    """Each event's verification, by sequence."""
    parcel = Parcel.objects.get(normalized_id=parcel_id)
    reports = verification.verify_trail(services.trail(parcel))
    return {r.handover.sequence: Verdict(r.status.value, r.reason) for r in reports}


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


def check_pin(username: str, pin: str) -> bool:
    from django.contrib.auth.models import User

    user = User.objects.filter(username=username, is_active=True).first()
    return user is not None and user.check_password(pin)
