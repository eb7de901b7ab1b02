"""Custody rules, in one place: the UI and the sync code both come here."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, connections, transaction
from django.utils import timezone

from immudb_backend.retry import is_conflict

from .barcodes import parse_parcel_code
from .hashing import GENESIS_HASH, canonical_fields, event_hash, sha256_hex
from .models import Condition, Handover, Parcel, Party, Station

EVIDENCE_REQUIRED = frozenset(Condition.values) - {Condition.INTACT}
ATTEMPTS = 6
CONFLICT_BACKOFF = 0.02  # seconds
# immudb takes at most 32 MiB (33,554,432 bytes) in one gRPC message, and the
# whole event row travels in one. These caps keep the largest allowed event
# (4 bytes per character of note, two evidence files) below that, so a big
# input is refused here with a sentence instead of failing at the server.
MAX_NOTE_LENGTH = 1_000_000
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class CustodyError(Exception):
    """A handover breaks a custody rule; the message says which and what to do."""


class ParcelChangedHands(CustodyError):
    """Another station recorded a handover of this parcel first."""


@dataclass(frozen=True)
class Custody:
    parcel: Parcel | None
    custodian: Party | None
    last_condition: str | None
    sequence: int  # of the latest event; 0 when the parcel has none


@dataclass(frozen=True)
class Committed:
    handover: Handover
    # None when the event had been committed before (an idempotent replay):
    # this call wrote nothing, and its transaction is found by verifying the row.
    tx_id: int | None


def current_custody(scanned_code: str, using: str = "default") -> Custody:
    """Who holds the parcel now, as the station sees it before a handover."""
    code = parse_parcel_code(scanned_code)
    parcel = Parcel.objects.using(using).filter(normalized_id=code.normalized_id).first()
    last = _last_event(parcel, using) if parcel else None
    if last is None:
        return Custody(parcel, None, None, 0)
    return Custody(parcel, last.to_party, last.condition, last.sequence)


def _last_event(parcel: Parcel, using: str) -> Handover | None:
    return (
        Handover.objects.using(using)
        .filter(parcel=parcel)
        .select_related("to_party")
        .order_by("-sequence")
        .first()
    )


def commit_handover(
    *,
    scanned_code: str,
    to_party: Party,
    condition: str,
    station: Station,
    clerk: str,
    from_party: Party | None = None,
    expected_sequence: int | None = None,
    note: str = "",
    photo: bytes | None = None,
    signature: bytes | None = None,
    corrects: Handover | None = None,
    event_id: uuid.UUID | None = None,
    occurred_at=None,
    using: str = "default",
) -> Committed:
    """Record that ``from_party`` handed the parcel to ``to_party``, in one immudb transaction.

    ``from_party`` is who the clerk saw holding the parcel (None for its
    first intake); ``expected_sequence`` is the trail length the clerk saw.
    If another station recorded a handover in between, this raises
    ParcelChangedHands and records nothing. ``event_id`` makes replays
    idempotent: committing the same event twice returns the first one.
    """
    code = parse_parcel_code(scanned_code)
    _check_request(to_party, condition, photo, from_party, note, signature, clerk)
    event_id = event_id or uuid.uuid4()
    occurred_at = occurred_at or timezone.now()
    if timezone.is_naive(occurred_at):
        raise CustodyError("The handover time must carry a time zone.")

    if from_party is None and not expected_sequence:
        _parcel_row(code, using)  # a first intake; any other handover needs a known parcel
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic(using=using):
                handover, inserted = _record(
                    code, to_party, condition, station, clerk, from_party, expected_sequence,
                    note, photo, signature, corrects, event_id, occurred_at, using,
                )
            break
        except (IntegrityError, OperationalError) as error:
            if not (is_conflict(error) or isinstance(error, IntegrityError)):
                raise
            # Another writer won the race. If it committed this very event (a
            # replay running alongside), that is success; if it was this
            # parcel, the custody check on the next attempt reports it.
            existing = Handover.objects.using(using).filter(event_id=event_id).first()
            if existing is not None:
                handover, inserted = existing, False
                break
            if attempt == ATTEMPTS:
                if is_conflict(error):
                    # Busy with other parcels: a change to this parcel would
                    # have failed the custody check above, so it is not one.
                    raise
                raise ParcelChangedHands(_changed_hands_message(code.normalized_id)) from error
            # Jittered, growing pauses, so stations that collided do not collide again.
            time.sleep(CONFLICT_BACKOFF * attempt * (1 + random.random()))
    tx_id = connections[using].connection.last_committed_tx_id if inserted else None
    return Committed(handover, tx_id)


def _parcel_row(code, using: str) -> Parcel:
    """The parcel's row, created on first sight in a transaction of its own.

    Not inside the handover's transaction: there immudb (1.9.6 and 1.11.1) may
    hand the new row a key that another station committed meanwhile, and the
    custody check would then read that other parcel's trail and refuse the
    handover. A committed row has its final key.
    """
    for attempt in range(1, ATTEMPTS + 1):
        parcel = Parcel.objects.using(using).filter(normalized_id=code.normalized_id).first()
        if parcel is not None:
            return parcel
        try:
            return Parcel.objects.using(using).create(
                normalized_id=code.normalized_id, scanned_code=code.raw, format=code.format
            )
        except (IntegrityError, OperationalError) as error:
            # Another station created it first, or took the same new key.
            if not (is_conflict(error) or isinstance(error, IntegrityError)) or attempt == ATTEMPTS:
                raise
            time.sleep(CONFLICT_BACKOFF * attempt * (1 + random.random()))


def check_request_offline(
    *, condition, photo=None, signature=None, note="", clerk="", to_party_code, from_party_code=None
):
    """The custody rules a station can check without its server; raises CustodyError."""
    for name, text in (("note", note), ("clerk", clerk)):
        _check_storable(name, text)
    if condition not in Condition.values:
        raise CustodyError(f"Unknown condition {condition!r}; choose one of: {', '.join(Condition.labels)}.")
    if condition in EVIDENCE_REQUIRED and not photo:
        label = Condition(condition).label
        raise CustodyError(f"A parcel handed over as '{label}' needs a photo as evidence.")
    if len(note) > MAX_NOTE_LENGTH:
        raise CustodyError(
            f"The note has {len(note):,} characters; at most {MAX_NOTE_LENGTH:,} fit in a handover. Shorten it."
        )
    for name, evidence in (("photo", photo), ("signature", signature)):
        if evidence and len(evidence) > MAX_EVIDENCE_BYTES:
            raise CustodyError(
                f"The {name} is {len(evidence) / 2**20:.1f} MiB; at most {MAX_EVIDENCE_BYTES // 2**20} MiB fit "
                "in a handover. Take it again at a lower resolution."
            )
    if from_party_code is not None and from_party_code == to_party_code:
        raise CustodyError(f"Party {to_party_code} already holds this parcel.")


def _check_storable(name: str, text: str) -> None:
    # A lone surrogate (from a broken paste or a bad decoder) cannot travel as
    # UTF-8; protobuf would fail mid-commit with a UnicodeEncodeError.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        bad = ord(text[error.start])
        raise CustodyError(
            f"The {name} contains a broken character (U+{bad:04X}) at position {error.start}; retype that part."
        ) from None


def _check_request(to_party, condition, photo, from_party, note, signature, clerk):
    check_request_offline(
        condition=condition, photo=photo, signature=signature, note=note, clerk=clerk,
        to_party_code=to_party.code, from_party_code=from_party.code if from_party else None,
    )
    if not to_party.active:
        raise CustodyError(f"{to_party} is not an active party; an admin can reactivate it.")


def _record(code, to_party, condition, station, clerk, from_party, expected_sequence,
            note, photo, signature, corrects, event_id, occurred_at, using) -> tuple[Handover, bool]:
    """The event, and whether this call inserted it (False for a replay of a committed event)."""
    existing = Handover.objects.using(using).filter(event_id=event_id).first()
    if existing is not None:
        return existing, False
    parcel = Parcel.objects.using(using).filter(normalized_id=code.normalized_id).first()
    last = _last_event(parcel, using) if parcel else None
    custodian = last.to_party if last else None
    sequence = last.sequence if last else 0
    if expected_sequence is not None and expected_sequence != sequence:
        raise ParcelChangedHands(_changed_hands_message(code.normalized_id))
    if (custodian.pk if custodian else None) != (from_party.pk if from_party else None):
        held_by = str(custodian) if custodian else "nobody yet"
        giver = str(from_party) if from_party else "nobody (first intake)"
        raise CustodyError(
            f"Parcel {code.normalized_id} is held by {held_by}, not by {giver}. Scan it again to see who holds it."
        )
    if custodian is not None and custodian.pk == to_party.pk:
        raise CustodyError(f"{to_party} already holds parcel {parcel.normalized_id}.")

    photo_sha256, signature_sha256 = sha256_hex(photo), sha256_hex(signature)
    previous_hash = last.event_hash if last else GENESIS_HASH
    fields = canonical_fields(
        event_id=event_id,
        parcel_id=parcel.normalized_id,
        sequence=sequence + 1,
        from_party=custodian.code if custodian else None,
        to_party=to_party.code,
        condition=condition,
        note=note,
        station=station.code,
        clerk=clerk,
        occurred_at=occurred_at,
        corrects=corrects.event_id if corrects else None,
        photo_sha256=photo_sha256,
        signature_sha256=signature_sha256,
        previous_hash=previous_hash,
    )
    handover = Handover(
        event_id=event_id,
        parcel=parcel,
        sequence=sequence + 1,
        from_party=custodian,
        to_party=to_party,
        condition=condition,
        note=note,
        station=station,
        clerk=clerk,
        occurred_at=occurred_at,
        corrects=corrects,
        photo=photo,
        photo_sha256=photo_sha256,
        signature=signature,
        signature_sha256=signature_sha256,
        previous_hash=previous_hash,
        event_hash=event_hash(fields),
    )
    handover.save(using=using)
    return handover, True


def _changed_hands_message(parcel_id: str) -> str:
    return (
        f"Parcel {parcel_id} changed hands meanwhile: another station recorded a handover first. "
        "Nothing was recorded here; scan the parcel again to see who holds it now."
    )


def trail(parcel: Parcel, using: str = "default") -> list[Handover]:
    return list(
        Handover.objects.using(using)
        .filter(parcel=parcel)
        .select_related("parcel", "from_party", "to_party", "station", "corrects")
        .order_by("sequence")
    )
