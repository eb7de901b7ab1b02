"""A ledger on the restartable server (tests/conftest.py) that the crash tests may kill and restart."""

import pytest
from django.core.management import call_command
from django.db import connections

from station_app.custody.models import Party, Station
from station_app.custody.verification import enroll_station
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
    connections.close_all()
    connections.settings["default"].update(
        HOST=restartable_server.host, PORT=restartable_server.port, NAME="defaultdb",
        OPTIONS={"server_public_key": restartable_server.public_key_pem, "trusted_state_dir": str(tmp_path / "trusted")},
    )
    call_command("migrate", run_syncdb=True, verbosity=0)
    populate()
    yield restartable_server
    connections.close_all()


@pytest.fixture
def ledger_db(django_db):
    """A fresh database on the session's server, with parties and stations, enrolled."""
    populate()
    return django_db
