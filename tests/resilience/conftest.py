"""A ledger on the restartable server (tests/conftest.py) that the crash tests may kill and restart."""

import pytest
from django.db import connections

from station_app.custody.models import Party, Station
from station_app.custody.verification import enroll_station
from tests.databases import use_database
from tests.resilience.station import PARTIES

STATION_CODES = ("ST1", "ST2", "ST3", "ST4")


def populate():
    """Parties and stations the station programs use; the station enrolled in the server's state."""
    for code in PARTIES:
        Party.objects.create(code=code, name=f"Party {code}", kind=Party.Kind.COURIER)
    for code in STATION_CODES:
        Station.objects.create(code=code, name=f"Dock {code}")
    enroll_station()


@pytest.fixture
def crash_ledger(restartable_server, tmp_path):
    """The restartable server with a migrated, enrolled ledger on its defaultdb."""
    use_database(restartable_server, "defaultdb", tmp_path / "trusted")
    populate()
    yield restartable_server
    connections.close_all()


@pytest.fixture
def ledger_db(django_db):
    """A fresh database on the session's server, with parties and stations, enrolled."""
    populate()
    return django_db
