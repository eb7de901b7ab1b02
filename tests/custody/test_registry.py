"""Stations an admin retires no longer start; their handovers stay."""

from django.core.management import call_command
from django.db import connection

from station_app import ledger as station_ledger
from station_app import registry
from station_app.custody.models import Station


def test_a_retired_station_no_longer_starts(ledger):
    Station.objects.create(code="ST2", name="Dock 2")
    assert station_ledger.station() == ("ST1", "Dock 1")

    registry.deactivate_station("ST1")
    assert station_ledger.station() == ("ST2", "Dock 2")
    assert [(s.code, s.active) for s in registry.stations()] == [("ST1", False), ("ST2", True)]

    registry.deactivate_station("ST2")
    assert station_ledger.station() is None


def test_stations_from_before_retirement_existed_stay_active(django_db):
    call_command("migrate", "custody", "0004", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO custody_station (code, name, location) VALUES (%s, %s, %s)", ["OLD", "Old dock", ""])
    call_command("migrate", "custody", verbosity=0)
    assert Station.objects.get(code="OLD").active is True
