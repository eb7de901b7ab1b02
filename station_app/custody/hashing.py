"""The app-level hash chain over a parcel's handovers.

Each event's hash covers its canonical fields, the SHA-256 of its evidence
and the previous event's hash, so a trail can be checked without trusting
the server, and any edit to an earlier event breaks every later link.
"""

import hashlib
import json
from datetime import timezone

GENESIS_HASH = "0" * 64


def sha256_hex(data: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""


def canonical_fields(
    *,
    event_id,
    parcel_id: str,
    sequence: int,
    from_party: str | None,
    to_party: str,
    condition: str,
    note: str,
    station: str,
    clerk: str,
    occurred_at,
    corrects,
    photo_sha256: str,
    signature_sha256: str,
    previous_hash: str,
) -> dict:
    return {
        "event_id": str(event_id),
        "parcel": parcel_id,
        "sequence": sequence,
        "from_party": from_party,
        "to_party": to_party,
        "condition": condition,
        "note": note,
        "station": station,
        "clerk": clerk,
        "occurred_at": occurred_at.astimezone(timezone.utc).isoformat(timespec="microseconds"),
        "corrects": str(corrects) if corrects else None,
        "photo_sha256": photo_sha256,
        "signature_sha256": signature_sha256,
        "previous_hash": previous_hash,
    }


def event_hash(fields: dict) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fields_of(handover) -> dict:
    """The canonical fields of a stored Handover."""
    return canonical_fields(
        event_id=handover.event_id,
        parcel_id=handover.parcel.normalized_id,
        sequence=handover.sequence,
        from_party=handover.from_party.code if handover.from_party_id else None,
        to_party=handover.to_party.code,
        condition=handover.condition,
        note=handover.note,
        station=handover.station.code,
        clerk=handover.clerk,
        occurred_at=handover.occurred_at,
        corrects=handover.corrects.event_id if handover.corrects_id else None,
        photo_sha256=handover.photo_sha256,
        signature_sha256=handover.signature_sha256,
        previous_hash=handover.previous_hash,
    )
