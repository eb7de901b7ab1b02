import csv
import datetime
import io
import json

from django.utils import timezone

from station_app.custody.export import CSV_COLUMNS, csv_text, epcis_document
from station_app.custody.models import Condition
from station_app.custody.services import commit_handover, trail
from tests.custody.conftest import SSCC


def _trail(parties, station):
    first = commit_handover(scanned_code=SSCC, to_party=parties["WH1"], condition=Condition.INTACT,
                            station=station, clerk="clerk1").handover
    commit_handover(scanned_code=SSCC, to_party=parties["DHX"], from_party=parties["WH1"],
                    condition=Condition.WET, photo=b"photo", station=station, clerk="clerk1",
                    note='He said "careful", then; left', corrects=first)
    return trail(first.parcel)


def test_epcis_document_describes_each_handover(ledger):
    parties, station = ledger
    events = _trail(*ledger)
    doc = json.loads(json.dumps(epcis_document(events, timezone.now())))
    assert doc["type"] == "EPCISDocument" and doc["schemaVersion"] == "2.0"
    first, second = doc["epcisBody"]["eventList"]
    assert first["epcList"] == [f"https://id.gs1.org/00/{SSCC}"]
    assert "sourceList" not in first
    assert first["destinationList"][0]["destination"].endswith(":WH1")
    assert second["sourceList"][0]["type"].endswith("SDT-possessing_party")
    assert second["readPoint"]["id"].endswith(":ST1")
    assert second["disposition"].endswith("Disp-damaged")
    assert second["errorDeclaration"]["correctiveEventIDs"] == [f"urn:uuid:{events[0].event_id}"]
    assert second["hs:previousHash"] == events[0].event_hash
    assert datetime.datetime.fromisoformat(second["eventTime"]) == events[1].occurred_at


def test_csv_round_trips_notes_with_quotes(ledger):
    events = _trail(*ledger)
    rows = list(csv.DictReader(io.StringIO(csv_text(events))))
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert [r["to_party"] for r in rows] == ["WH1", "DHX"]
    assert rows[1]["note"] == 'He said "careful", then; left'
    assert rows[1]["event_hash"] == events[1].event_hash
