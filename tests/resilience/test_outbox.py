"""The outbox against a real server: durable journal, ordered pushes, transient and permanent failures."""

import datetime
import sqlite3
import uuid

import pytest
from django.db import connections

from immudb_backend.server import free_port
from station_app.custody.barcodes import BarcodeError
from station_app.custody.models import Handover, Parcel, Party, Station
from station_app.custody.services import CustodyError, commit_handover
from station_app.outbox import COMMITTED, CONFLICT, PENDING, Outbox

PARCEL = "1Z999AA10123456784"
OTHER = "1Z999AA10123456785"


@pytest.fixture
def outbox(ledger_db, tmp_path):
    return Outbox(tmp_path / "outbox.sqlite3")


def intake(outbox, code=PARCEL, **extra):
    return outbox.record(scanned_code=code, to_party="WH1", condition="intact", station="ST1", clerk="anna", **extra)


def handover(outbox, code=PARCEL, giver="WH1", receiver="DHX", seen=1, **extra):
    return outbox.record(scanned_code=code, from_party=giver, to_party=receiver, expected_sequence=seen,
                         condition="intact", station="ST1", clerk="anna", **extra)


def test_record_is_durable_and_keeps_everything_commit_needs(outbox, tmp_path):
    when = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    event_id = outbox.record(
        scanned_code=f" {PARCEL}\r\n", to_party="WH1", condition="wet", station="ST1", clerk="anna",
        note="Box soaked \u202eright-to-left\u202c", photo=b"\x89PNG\x00photo", signature=b"sig", occurred_at=when,
    )
    entry = Outbox(tmp_path / "outbox.sqlite3").entry(event_id)  # a fresh handle, as after a restart
    assert (entry.state, entry.parcel_id, entry.scanned_code) == (PENDING, PARCEL, f" {PARCEL}\r\n")
    assert entry.photo == b"\x89PNG\x00photo" and entry.signature == b"sig"
    assert entry.occurred_at == when and entry.occurred_at.utcoffset() == datetime.timedelta(0)
    assert Handover.objects.count() == 0
    assert "saved on this station" in entry.clerk_message


def test_what_can_be_refused_offline_is_never_journaled(outbox):
    with pytest.raises(BarcodeError):
        intake(outbox, code="376130321109103421")
    with pytest.raises(CustodyError, match="needs a photo"):
        outbox.record(scanned_code=PARCEL, to_party="WH1", condition="wet", station="ST1", clerk="anna")
    with pytest.raises(CustodyError, match="already holds"):
        handover(outbox, receiver="WH1")
    assert outbox.entries() == []


def test_push_commits_in_journal_order(outbox):
    first, second, other = intake(outbox), handover(outbox), intake(outbox, code=OTHER)
    report = outbox.push_pending()
    assert [e.event_id for e in report.committed] == [first, second, other]
    assert report.conflicts == report.still_pending == []
    entries = {e.event_id: e for e in outbox.entries()}
    assert [entries[i].sequence for i in (first, second, other)] == [1, 2, 1]
    assert all(e.tx_id for e in entries.values())
    assert Handover.objects.get(event_id=second).sequence == 2
    assert outbox.counts().label == "All sent"
    assert f"in transaction {entries[second].tx_id}" in entries[second].clerk_message


def test_unreachable_server_leaves_handovers_pending_then_they_sync(outbox):
    real_port = connections.settings["default"]["PORT"]
    first, second = intake(outbox), handover(outbox)
    connections.close_all()
    connections.settings["default"]["PORT"] = free_port()  # nothing listens there
    try:
        report = outbox.push_pending()
    finally:
        connections.close_all()
        connections.settings["default"]["PORT"] = real_port
    assert [e.event_id for e in report.still_pending] == [first, second]
    tried, held = outbox.entry(first), outbox.entry(second)
    assert (tried.attempts, held.attempts) == (1, 0)  # the parcel's later event waits for the earlier one
    assert "unreachable" in tried.last_error
    assert outbox.counts().label == "2 waiting to send"
    assert Handover.objects.count() == 0

    report = outbox.push_pending()
    assert [e.event_id for e in report.committed] == [first, second]
    assert outbox.pending() == []


def test_event_committed_before_the_journal_heard_is_replayed_not_duplicated(outbox):
    # The state a crash between immudb's commit and the journal update leaves behind.
    event_id = intake(outbox)
    entry = outbox.entry(event_id)
    commit_handover(scanned_code=entry.scanned_code, to_party=Party.objects.get(code="WH1"), condition="intact",
                    station=Station.objects.get(code="ST1"), clerk="anna", event_id=event_id,
                    occurred_at=entry.occurred_at)
    report = outbox.push_pending()
    assert [(e.event_id, e.state, e.tx_id) for e in report.committed] == [(event_id, COMMITTED, None)]
    assert Handover.objects.filter(event_id=event_id).count() == 1
    assert "by an earlier attempt" in report.committed[0].clerk_message


def test_custody_conflict_is_kept_for_a_supervisor(outbox, tmp_path):
    intake(outbox)
    outbox.push_pending()
    rival = Outbox(tmp_path / "rival.sqlite3")  # another station moves the parcel first
    handover(rival, receiver="SUB")
    rival.push_pending()
    late = handover(outbox, receiver="DHX")
    report = outbox.push_pending()
    assert [e.event_id for e in report.conflicts] == [late]
    conflict = outbox.entry(late)
    assert conflict.state == CONFLICT and "changed hands meanwhile" in conflict.last_error
    assert "NOT recorded" in conflict.clerk_message and "supervisor" in conflict.clerk_message
    outbox.push_pending()
    assert [e.event_id for e in outbox.conflicts()] == [late]  # never dropped, never retried blindly
    assert outbox.counts().label == "All sent · 1 need a supervisor"
    assert not Handover.objects.filter(event_id=late).exists()


def test_unknown_party_is_a_conflict_with_its_name(outbox):
    event_id = outbox.record(scanned_code=PARCEL, to_party="NOPE", condition="intact", station="ST1", clerk="anna")
    outbox.push_pending()
    entry = outbox.entry(event_id)
    assert entry.state == CONFLICT and "no party with code NOPE" in entry.last_error
    assert Parcel.objects.count() == 0


def test_event_ids_are_idempotency_keys(outbox):
    event_id = uuid.uuid4()
    intake(outbox, event_id=event_id)
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        intake(outbox, event_id=event_id)
    assert len(outbox.entries()) == 1
