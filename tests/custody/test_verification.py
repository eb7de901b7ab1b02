"""verify_trail against a real server: clean trails verify, every tamper is named."""

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
