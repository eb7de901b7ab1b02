"""verify_trail against a real server: clean trails verify, every tamper is named."""

import contextlib

import pytest
from django.db import connection

from station_app.custody.models import Condition, Handover
from station_app.custody.services import commit_handover, trail
from station_app.custody.verification import Status, enroll_station, trusted_state_store, verify_trail
from tests.custody.conftest import SSCC


@pytest.fixture
def three_events(ledger):
    parties, station = ledger
    enroll_station()
    chain = [("WH1", None), ("DHX", "WH1"), ("CUS", "DHX")]
    for to, giver in chain:
        commit_handover(scanned_code=SSCC, to_party=parties[to], from_party=parties[giver] if giver else None,
                        condition=Condition.INTACT, station=station, clerk="clerk1", note=f"to {to}")
    return Handover.objects.get(sequence=1).parcel


def statuses(parcel):
    return [(r.handover.sequence, r.status) for r in verify_trail(trail(parcel))]


def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_untouched_trail_verifies(three_events):
    reports = verify_trail(trail(three_events))
    assert [r.status for r in reports] == [Status.VERIFIED] * 3
    assert all(r.tx_id for r in reports)


def test_row_updated_behind_the_apps_back_is_tampered(three_events):
    raw('UPDATE "custody_handover" SET "note" = %s WHERE "sequence" = %s', ["nothing happened", 2])
    reports = dict(statuses(three_events))
    assert reports[2] == Status.TAMPERED
    assert reports[1] == Status.VERIFIED
    reason = next(r.reason for r in verify_trail(trail(three_events)) if r.handover.sequence == 2)
    assert "no longer match its hash" in reason


def test_row_deleted_behind_the_apps_back_leaves_a_missing_link(three_events):
    raw('DELETE FROM "custody_handover" WHERE "sequence" = %s', [2])
    assert statuses(three_events) == [(1, Status.VERIFIED), (3, Status.MISSING_LINK)]


def test_deleted_trusted_state_is_an_alarm_not_a_fresh_start(three_events):
    store = trusted_state_store()
    for path in store.registry_path.parent.glob("*@*.json"):
        path.unlink()
    reports = verify_trail(trail(three_events))
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "missing" in reports[0].reason.lower()


def test_unpinned_server_key_is_unverifiable(three_events):
    connection.settings_dict["OPTIONS"].pop("server_public_key")
    reports = verify_trail(trail(three_events))
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "public key" in reports[0].reason


def test_rolled_back_trusted_state_is_an_alarm(three_events, ledger):
    parties, station = ledger
    verify_trail(trail(three_events))
    store = trusted_state_store()
    (state_file,) = store.registry_path.parent.glob("*@*.json")
    old = state_file.read_bytes()
    commit_handover(scanned_code=SSCC, to_party=parties["SUB"], from_party=parties["CUS"],
                    condition=Condition.INTACT, station=station, clerk="clerk1")
    verify_trail(trail(three_events))
    state_file.write_bytes(old)
    reports = verify_trail(trail(three_events))
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "older" in reports[0].reason or "rolled back" in reports[0].reason.lower()


@contextlib.contextmanager
def serving(server, database):
    """Start ``server`` with an empty ``database`` and point the station's connection at it.

    The pinned key and the trusted state stay as they were: this is a server
    swapped in behind the station's back.
    """
    from django.db import connections

    from tests.conftest import connect

    server.start()
    settings = connections.settings["default"]
    saved = (settings["HOST"], settings["PORT"], settings["NAME"])
    try:
        admin = connect(server)
        admin.createDatabaseV2(database, settings=None, ifNotExists=False)
        admin.logout()
        connections.close_all()
        settings.update(HOST=server.host, PORT=server.port, NAME=database)
        yield
    finally:
        connections.close_all()
        settings.update(HOST=saved[0], PORT=saved[1], NAME=saved[2])
        server.stop()


def _server_with_key(immudb_server, tmp_path, key_pem=None):
    from immudb_backend.server import ImmudbServer

    data_dir = tmp_path / "impostor"
    data_dir.mkdir()
    if key_pem is not None:
        (data_dir / "signing-key.pem").write_bytes(key_pem)
    return ImmudbServer(version=immudb_server.version, data_dir=data_dir)


def _rewrite_history():
    """The same schema on another server, with a different history of handovers."""
    from django.core.management import call_command

    from station_app.custody.models import Party, Station

    call_command("migrate", run_syncdb=True, verbosity=0)
    station = Station.objects.create(code="ST1", name="Dock 1")
    warehouse = Party.objects.create(code="WH1", name="Mallory's warehouse", kind="warehouse")
    commit_handover(scanned_code=SSCC, to_party=warehouse, condition=Condition.INTACT, station=station, clerk="mallory")


def test_server_replaced_by_one_with_a_rewritten_history(three_events, immudb_server, immudb_database, tmp_path):
    events = trail(three_events)
    verify_trail(events)
    key = (immudb_server.data_dir / "signing-key.pem").read_bytes()
    with serving(_server_with_key(immudb_server, tmp_path, key_pem=key), immudb_database):
        _rewrite_history()
        reports = verify_trail(events)
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "proof" in reports[0].reason.lower() or "behind" in reports[0].reason.lower()


def test_state_signed_by_another_key_is_forged(three_events, immudb_server, immudb_database, tmp_path):
    events = trail(three_events)
    with serving(_server_with_key(immudb_server, tmp_path), immudb_database):
        reports = verify_trail(events)
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "not signed by the pinned key" in reports[0].reason


def test_server_without_signing_key_while_one_is_pinned(three_events, immudb_server, immudb_database):
    from immudb_backend.server import ImmudbServer

    events = trail(three_events)
    with serving(ImmudbServer(version=immudb_server.version, signing=False), immudb_database):
        reports = verify_trail(events)
    assert {r.status for r in reports} == {Status.UNVERIFIABLE}
    assert "sign" in reports[0].reason.lower()
