import datetime
import threading

import pytest
from django.db import connections

from station_app.custody.barcodes import BarcodeError
from station_app.custody.hashing import GENESIS_HASH, event_hash, fields_of
from station_app.custody.models import AppendOnlyError, Condition, Handover
from station_app.custody.services import (
    CustodyError,
    ParcelChangedHands,
    commit_handover,
    current_custody,
    trail,
)
from tests.custody.conftest import SSCC


def hand(parties, station, to, giver=None, condition=Condition.INTACT, **kwargs):
    return commit_handover(
        scanned_code=kwargs.pop("code", SSCC),
        to_party=parties[to],
        from_party=parties[giver] if giver else None,
        condition=condition,
        station=station,
        clerk="clerk1",
        **kwargs,
    )


def test_first_intake_then_handover_builds_a_hash_chain(ledger):
    parties, station = ledger
    first = hand(parties, station, "WH1")
    second = hand(parties, station, "DHX", giver="WH1", note="Bay 4")
    assert first.tx_id and second.tx_id > first.tx_id
    events = trail(first.handover.parcel)
    assert [e.sequence for e in events] == [1, 2]
    assert events[0].previous_hash == GENESIS_HASH
    assert events[1].previous_hash == events[0].event_hash
    for event in events:
        assert event.event_hash == event_hash(fields_of(event))
    custody = current_custody(SSCC)
    assert custody.custodian.code == "DHX" and custody.sequence == 2


def test_giver_must_be_current_custodian(ledger):
    parties, station = ledger
    hand(parties, station, "WH1")
    with pytest.raises(CustodyError, match="held by Central warehouse"):
        hand(parties, station, "CUS", giver="DHX")
    assert Handover.objects.count() == 1


def test_damage_needs_evidence_and_hashes_it(ledger):
    parties, station = ledger
    with pytest.raises(CustodyError, match="needs a photo"):
        hand(parties, station, "WH1", condition=Condition.WET)
    committed = hand(parties, station, "WH1", condition=Condition.WET, photo=b"\x89PNG fake bytes")
    stored = Handover.objects.get(pk=committed.handover.pk)
    assert bytes(stored.photo) == b"\x89PNG fake bytes"
    assert len(stored.photo_sha256) == 64
    assert stored.event_hash == event_hash(fields_of(stored))


def test_unknown_condition_and_bad_barcode_are_refused(ledger):
    parties, station = ledger
    with pytest.raises(CustodyError, match="Unknown condition"):
        hand(parties, station, "WH1", condition="crushed")
    with pytest.raises(BarcodeError):
        hand(parties, station, "WH1", code="376130321109103421")
    assert Handover.objects.count() == 0


def test_events_are_append_only(ledger):
    parties, station = ledger
    event = hand(parties, station, "WH1").handover
    event.note = "edited"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_replaying_an_event_id_is_idempotent(ledger):
    parties, station = ledger
    first = hand(parties, station, "WH1")
    again = hand(parties, station, "WH1", event_id=first.handover.event_id)
    assert again.handover.pk == first.handover.pk
    assert Handover.objects.count() == 1


def test_expected_sequence_mismatch_is_reported(ledger):
    parties, station = ledger
    hand(parties, station, "WH1")
    with pytest.raises(ParcelChangedHands, match="changed hands meanwhile"):
        hand(parties, station, "DHX", giver="WH1", expected_sequence=0)


def test_correction_references_the_corrected_event(ledger):
    parties, station = ledger
    wrong = hand(parties, station, "WH1").handover
    fix = hand(parties, station, "DHX", giver="WH1", corrects=wrong, note="Was handed to courier").handover
    assert Handover.objects.get(pk=fix.pk).corrects_id == wrong.pk


def test_aware_times_are_stored_in_utc(ledger):
    parties, station = ledger
    when = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    event = hand(parties, station, "WH1", occurred_at=when).handover
    assert Handover.objects.get(pk=event.pk).occurred_at == when


def test_two_stations_racing_for_one_parcel_never_fork(ledger):
    parties, station = ledger
    hand(parties, station, "WH1")
    results, barrier = [], threading.Barrier(2)

    def station_commit(to):
        barrier.wait()
        try:
            results.append(hand(parties, station, to, giver="WH1", expected_sequence=1))
        except ParcelChangedHands as error:
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=station_commit, args=(to,)) for to in ("DHX", "SUB")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(type(r).__name__ for r in results) == ["Committed", "ParcelChangedHands"]
    assert [e.sequence for e in Handover.objects.order_by("sequence")] == [1, 2]
