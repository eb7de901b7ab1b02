"""Verifying a parcel's trail: immudb's proofs plus the app-level hash chain.

Each event row is proven by immudb (its inclusion in its transaction and
that transaction's place in the history the station trusts, signed by the
pinned server key); the proven row is compared with what the station
shows; then the hash chain and the sequence are checked.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from django.conf import settings
from django.db import connections

from immudb_backend.trusted_state import TrustedStateStore, VerificationError
from immudb_backend.verification import ServerError, Verifier

from .hashing import GENESIS_HASH, event_hash, fields_of
from .models import Handover

# Columns compared between the proven row and the displayed event.
COMPARED = (
    "event_id", "parcel_id", "sequence", "from_party_id", "to_party_id", "condition", "note",
    "station_id", "clerk", "occurred_at", "corrects_id", "photo_sha256", "signature_sha256",
    "previous_hash", "event_hash",
)


class Status(enum.Enum):
    VERIFIED = "verified"
    TAMPERED = "tampered"
    MISSING_LINK = "missing link"
    UNVERIFIABLE = "unverifiable"


@dataclass(frozen=True)
class EventReport:
    handover: Handover
    status: Status
    reason: str
    tx_id: int | None = None


def trusted_state_store(using: str = "default") -> TrustedStateStore:
    options = settings.DATABASES[using].get("OPTIONS", {})
    directory = options.get("trusted_state_dir") or Path(platformdirs.user_data_dir("handover-station")) / "trusted-state"
    return TrustedStateStore(directory)


def station_verifier(using: str = "default") -> Verifier:
    """A verifier on the station's connection, pinned to the configured server key."""
    connection = connections[using]
    connection.ensure_connection()
    public_key = connection.settings_dict.get("OPTIONS", {}).get("server_public_key")
    if not public_key:
        raise VerificationError(
            "No server public key is pinned in the connection settings; an admin must add it before trails can be verified."
        )
    if isinstance(public_key, str):
        public_key = public_key.encode()
    return Verifier(connection.connection.client, connection.settings_dict["NAME"], trusted_state_store(using), public_key)


def enroll_station(using: str = "default", replace: bool = False):
    """Trust the server's current signed state: an admin's action on first setup."""
    return station_verifier(using).enroll(replace=replace)


def verify_trail(events: list[Handover], using: str = "default") -> list[EventReport]:
    """One report per event, in trail order; never raises for tampering."""
    try:
        verifier = station_verifier(using)
        verifier.verified_state()
        proven_rows = verifier.verify_rows(Handover._meta.db_table, [(e.pk,) for e in events])
    except (VerificationError, ServerError) as error:
        return [EventReport(e, Status.UNVERIFIABLE, str(error)) for e in events]

    reports, previous = [], None
    for event, proven in zip(events, proven_rows):
        reports.append(_report(event, proven, previous))
        previous = event
    return reports


def _report(event: Handover, proven, previous: Handover | None) -> EventReport:
    if proven is None:
        return EventReport(event, Status.TAMPERED, "The server has no provable row for this event: it was deleted.")
    differing = [c for c in COMPARED if getattr(event, c) != proven.values.get(c)]
    if differing:
        return EventReport(
            event, Status.TAMPERED,
            f"The proven row differs from what is shown in: {', '.join(differing)}.", proven.tx_id,
        )
    if event.event_hash != event_hash(fields_of(event)):
        return EventReport(event, Status.TAMPERED, "The event's fields no longer match its hash: it was changed.", proven.tx_id)
    expected_sequence = previous.sequence + 1 if previous else 1
    expected_previous = previous.event_hash if previous else GENESIS_HASH
    if event.sequence != expected_sequence:
        return EventReport(
            event, Status.MISSING_LINK,
            f"Event #{expected_sequence} is missing before this one (#{event.sequence}).", proven.tx_id,
        )
    if event.previous_hash != expected_previous:
        return EventReport(event, Status.MISSING_LINK, "Its link to the previous event's hash is broken.", proven.tx_id)
    return EventReport(event, Status.VERIFIED, f"Proven in immudb transaction {proven.tx_id}.", proven.tx_id)
