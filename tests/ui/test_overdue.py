import datetime

from django.db import connections
from django.utils import timezone

from station_app import ledger, overdue
from station_app.custody.models import Party, Station
from station_app.custody.services import commit_handover
from tests.ui.conftest import SSCC
from tests.ui.helpers import record

DELIVERED = "006141411234567890"
MOVED_ON = "1Z999AA10123456784"
FRESH = "106141411234567897"


def old_and_new_handovers():
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    record(SSCC, "WH1", "DHX", occurred_at=three_days_ago)  # the courier has held it for three days
    record(DELIVERED, "WH1", "CUS", occurred_at=three_days_ago)  # a customer may keep a parcel
    record(MOVED_ON, "WH1", occurred_at=three_days_ago)
    commit_handover(scanned_code=MOVED_ON, to_party=Party.objects.get(code="PAK"),
                    from_party=Party.objects.get(code="WH1"), condition="intact",
                    station=Station.objects.get(code="ST1"), clerk="clerk")  # handed on just now
    record(FRESH, "WH1")
    connections.close_all()


def test_overdue_is_the_latest_handover_older_than_the_threshold_to_a_non_customer(demo_ledger):
    old_and_new_handovers()
    assert overdue.count(48) == 1
    page = overdue.browse(48)
    assert [(row.parcel_id, row.sequence, row.to_party) for row in page.rows] == [
        (SSCC, 2, "Express courier (DHX)")
    ]
    assert overdue.count(24 * 4) == 0
    assert overdue.count(0) == 3  # with no grace at all, every parcel not with a customer
    connections.close_all()


def test_the_overdue_list_takes_the_browser_filters(demo_ledger):
    old_and_new_handovers()
    three_days_ago = (timezone.now() - datetime.timedelta(days=3)).astimezone().date()
    elsewhere = Station.objects.create(code="ST2", name="Dock 2")

    def overdue_parcels(**criteria):
        return [row.parcel_id for row in overdue.browse(48, ledger.BrowseFilter(**criteria)).rows]

    assert overdue_parcels() == [SSCC]
    assert overdue_parcels(barcode=SSCC[-6:]) == [SSCC]
    assert overdue_parcels(barcode=MOVED_ON) == []
    assert overdue_parcels(party_pk=Party.objects.get(code="DHX").pk) == [SSCC]
    assert overdue_parcels(party_pk=Party.objects.get(code="PAK").pk) == []
    assert overdue_parcels(station_pk=Station.objects.get(code="ST1").pk, condition="intact") == [SSCC]
    assert overdue_parcels(station_pk=elsewhere.pk) == []
    assert overdue_parcels(condition="wet") == []
    assert overdue_parcels(since=three_days_ago, until=three_days_ago) == [SSCC]
    assert overdue_parcels(since=three_days_ago + datetime.timedelta(days=1)) == []
    assert overdue.count(48) == 1  # the banner counts them all
    connections.close_all()
