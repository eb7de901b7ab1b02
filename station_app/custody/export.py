"""A parcel's trail as EPCIS 2.0 JSON-LD and as CSV."""

import csv
import io

from .models import Condition, Handover

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
CBV = "https://ref.gs1.org/cbv"
PARTY_URN = "urn:handover-station:party:"
STATION_URN = "urn:handover-station:station:"
CSV_COLUMNS = [
    "sequence", "event_id", "occurred_at", "parcel", "from_party", "to_party", "condition",
    "station", "clerk", "note", "corrects", "photo_sha256", "signature_sha256", "previous_hash", "event_hash",
]

# Our conditions as CBV dispositions; the ones CBV lacks get our own URI.
DISPOSITIONS = {
    Condition.INTACT: f"{CBV}/Disp-in_transit",
    Condition.DAMAGED_PACKAGING: f"{CBV}/Disp-damaged",
    Condition.DAMAGED_CONTENTS: f"{CBV}/Disp-damaged",
    Condition.WET: f"{CBV}/Disp-damaged",
    Condition.OPENED: f"{CBV}/Disp-damaged",
    Condition.MISSING_ITEMS: f"{CBV}/Disp-partially_dispensed",
}


def epc_of(parcel) -> str:
    """The parcel as an EPC: an SSCC as a GS1 Digital Link, a tracking number as a URN."""
    if parcel.format == "sscc":
        return f"https://id.gs1.org/00/{parcel.normalized_id}"
    return f"urn:handover-station:tracking:{parcel.normalized_id}"


def epcis_document(events: list[Handover], created) -> dict:
    return {
        "@context": [EPCIS_CONTEXT, {"hs": "urn:handover-station:"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": created.isoformat(),
        "epcisBody": {"eventList": [_object_event(e) for e in events]},
    }


def _object_event(event: Handover) -> dict:
    occurred = event.occurred_at
    offset = occurred.strftime("%z")
    body = {
        "type": "ObjectEvent",
        "eventID": f"urn:uuid:{event.event_id}",
        "eventTime": occurred.isoformat(),
        "eventTimeZoneOffset": f"{offset[:3]}:{offset[3:]}" if offset else "+00:00",
        "epcList": [epc_of(event.parcel)],
        "action": "OBSERVE",
        "bizStep": f"{CBV}/BizStep-receiving" if event.from_party_id is None else f"{CBV}/BizStep-shipping",
        "disposition": DISPOSITIONS[event.condition],
        "readPoint": {"id": STATION_URN + event.station.code},
        "destinationList": [{"type": f"{CBV}/SDT-possessing_party", "destination": PARTY_URN + event.to_party.code}],
        "hs:condition": event.condition,
        "hs:sequence": event.sequence,
        "hs:clerk": event.clerk,
        "hs:note": event.note,
        "hs:previousHash": event.previous_hash,
        "hs:eventHash": event.event_hash,
    }
    if event.from_party_id is not None:
        body["sourceList"] = [{"type": f"{CBV}/SDT-possessing_party", "source": PARTY_URN + event.from_party.code}]
    if event.photo_sha256:
        body["hs:photoSha256"] = event.photo_sha256
    if event.signature_sha256:
        body["hs:signatureSha256"] = event.signature_sha256
    if event.corrects_id is not None:
        body["errorDeclaration"] = {
            "declarationTime": occurred.isoformat(),
            "correctiveEventIDs": [f"urn:uuid:{event.corrects.event_id}"],
        }
    return body


def csv_text(events: list[Handover]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([
            e.sequence, e.event_id, e.occurred_at.isoformat(), e.parcel.normalized_id,
            e.from_party.code if e.from_party_id else "", e.to_party.code, e.condition,
            e.station.code, e.clerk, e.note, e.corrects.event_id if e.corrects_id else "",
            e.photo_sha256, e.signature_sha256, e.previous_hash, e.event_hash,
        ])
    return out.getvalue()
