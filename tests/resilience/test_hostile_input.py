"""Hostile input against a real server: each is stored exactly or refused clearly, never half-written."""

import time

import pytest
from django.db import DatabaseError, connections
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from immudb_backend import dbapi
from immudb_backend.server import free_port
from station_app.custody.barcodes import BarcodeError
from station_app.custody.hashing import event_hash, fields_of
from station_app.custody.models import Handover, Parcel, Party, Station
from station_app.custody.services import MAX_NOTE_LENGTH, CustodyError, commit_handover
from station_app.custody.verification import Status, verify_trail
from station_app.outbox import PENDING, Outbox

# Each example is a real commit; the fixture's database is shared by the examples.
against_server = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

NASTY = [
    "'; DROP TABLE custody_handover; --",
    '" OR 1=1; --',
    "Robert'); DELETE FROM custody_parcel WHERE ('1'='1",
    "%s %(p0)s @p0 @p1 ?",
    "\x00\x01\x07\x1b[31m\r\n\t\x7f",
    "\u202eevil\u202c \u200f\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
    "\U0001f4e6\ufe0f\u200d",
]
notes = st.one_of(st.sampled_from(NASTY), st.text(max_size=200))


def row_counts():
    return Handover.objects.count(), Parcel.objects.count(), Party.objects.count()


class Ledger:
    """Hands a fresh tracking number to each example."""

    def __init__(self):
        self.serial = 0

    def next_code(self):
        self.serial += 1
        return f"HOSTILE{self.serial:08d}"

    def intake(self, **extra):
        return commit_handover(
            scanned_code=extra.pop("scanned_code") if "scanned_code" in extra else self.next_code(),
            to_party=Party.objects.get(code="WH1"), condition="intact",
            station=Station.objects.get(code="ST1"), clerk=extra.pop("clerk", "anna"), **extra,
        )


@pytest.fixture
def ledger(ledger_db):
    return Ledger()


@against_server
@given(note=notes, clerk=notes.filter(lambda text: len(text) <= 150))
def test_notes_and_clerk_names_round_trip_exactly(ledger, note, clerk):
    committed = ledger.intake(note=note, clerk=clerk)
    stored = Handover.objects.select_related("parcel", "to_party", "station").get(pk=committed.handover.pk)
    assert (stored.note, stored.clerk) == (note, clerk)
    assert stored.event_hash == event_hash(fields_of(stored))


def test_a_one_megabyte_note_round_trips_and_a_longer_one_is_refused(ledger):
    note = "\u05d0" * MAX_NOTE_LENGTH  # 1,000,000 characters, 2 MB of UTF-8
    started = time.perf_counter()
    committed = ledger.intake(note=note)
    seconds = time.perf_counter() - started
    stored = Handover.objects.get(pk=committed.handover.pk)
    assert stored.note == note
    assert [r.status for r in verify_trail([stored])] == [Status.VERIFIED]
    before = row_counts()
    with pytest.raises(CustodyError, match="1,000,001 characters; at most 1,000,000"):
        ledger.intake(note=note + "x")
    assert row_counts() == before
    print(f"\n1 MB note: committed in {seconds:.2f} s and verified; 1,000,001 characters refused, rows unchanged")


def test_text_that_is_not_unicode_is_refused_without_a_write(ledger):
    before = row_counts()
    with pytest.raises(CustodyError, match="note.*U\\+D83D"):
        ledger.intake(note="half an emoji \ud83d")
    with pytest.raises(CustodyError, match="clerk.*U\\+DC00"):
        ledger.intake(clerk="\udc00")
    assert row_counts() == before


@against_server
@given(name=st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=300)))
@example(name="x" * 201)
def test_party_names_round_trip_or_are_refused_clearly(ledger, name):
    before = row_counts()
    code = ledger.next_code()[-12:]
    try:
        party = Party.objects.create(code=code, name=name, kind=Party.Kind.CUSTOMER)
    except DatabaseError as error:
        assert "custody_party" in str(error) or "name" in str(error), error
        assert row_counts() == before
        return
    assert Party.objects.get(pk=party.pk).name == name
    assert str(party) == f"{name} ({code})"


@against_server
@given(scan=st.one_of(
    st.text(max_size=60),
    st.text(alphabet="0123456789()]C1AZ \r\n\x1d", max_size=40),
    st.sampled_from(NASTY + ["]C100376130321109103420", "1Z999AA10123456784\r\n", "x" * 10_000]),
))
def test_any_scan_through_commit_handover_records_its_parcel_or_nothing(ledger, scan):
    before = row_counts()
    try:
        committed = ledger.intake(scanned_code=scan)
    except BarcodeError as error:
        assert str(error).strip()
        assert row_counts() == before
        return
    except CustodyError:
        # A valid code already taken in by an earlier example: refused, nothing written.
        assert row_counts() == before
        return
    assert committed.handover.parcel.scanned_code == scan


BAD_SETTINGS = {
    "bad host": (dict(host="no-such-host.invalid"), "no-such-host.invalid"),
    "port 0": (dict(port=0), "Port 0 is not a TCP port"),
    "port 70000": (dict(port=70000), "Port 70000 is not a TCP port"),
    "wrong password": (dict(password="wrong"), "refused the login"),
    "wrong database": (dict(database="nosuchdb"), "has no database 'nosuchdb'"),
    "unreachable": (dict(port="free"), "unreachable"),
}


@pytest.mark.parametrize("case", BAD_SETTINGS, ids=list(BAD_SETTINGS))
def test_bad_connection_settings_say_what_is_wrong_and_write_nothing(ledger, tmp_path, case):
    change, words = BAD_SETTINGS[case]
    good = connections.settings["default"]
    params = dict(host=good["HOST"], port=good["PORT"], user="immudb", password="immudb", database=good["NAME"],
                  timeout=3.0)
    params.update(change)
    if params["port"] == "free":
        params["port"] = free_port()

    started = time.perf_counter()
    with pytest.raises(dbapi.Error) as caught:
        dbapi.connect(**params).close()
    seconds = time.perf_counter() - started
    assert words in str(caught.value), str(caught.value)
    assert seconds < 10

    # The same settings in the station: its handover waits in the outbox, nothing reaches the server.
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    event_id = outbox.record(scanned_code=ledger.next_code(), to_party="WH1", condition="intact",
                             station="ST1", clerk="anna")
    before = row_counts()
    saved = dict(good)
    connections.close_all()
    good.update(HOST=params["host"], PORT=params["port"], PASSWORD=params["password"], NAME=params["database"],
                OPTIONS={**good["OPTIONS"], "timeout": 3.0})
    try:
        outbox.push_pending()
    finally:
        connections.close_all()
        good.clear()
        good.update(saved)
    entry = outbox.entry(event_id)
    assert entry.state == PENDING and entry.last_error
    assert row_counts() == before
    print(f"\n{case}: {type(caught.value).__name__} after {seconds:.2f} s: {caught.value}")
    assert outbox.push_pending().committed[0].event_id == event_id


def test_server_without_its_signing_key_is_reported_by_verification(crash_ledger):
    server = crash_ledger
    event = Ledger().intake().handover
    assert [r.status for r in verify_trail([event])] == [Status.VERIFIED]
    before = row_counts()
    server.stop()
    server.signing = False  # the same data, restarted without --signingKey
    server.start()
    connections.close_all()
    reports = verify_trail([Handover.objects.get(pk=event.pk)])
    assert [r.status for r in reports] == [Status.UNVERIFIABLE]
    assert "carries no signature" in reports[0].reason and "signing key" in reports[0].reason
    assert row_counts() == before
    print(f"\nunsigned server: {reports[0].reason}")
