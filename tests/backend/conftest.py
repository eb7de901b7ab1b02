import pytest
from django.db import connection, connections


@pytest.fixture
def empty_db(immudb_server, immudb_database):
    """Django's default connection on a fresh database with no tables."""
    connections.close_all()
    connections.settings["default"].update(
        HOST=immudb_server.host, PORT=immudb_server.port, NAME=immudb_database, OPTIONS={}
    )
    yield connection
    connections.close_all()
