"""The server helper runs real immudb servers, and immudb-py talks to them."""

import subprocess

import pytest

from immudb_backend.server import ImmudbServer, find_binary
from tests.conftest import connect


def test_binary_reports_its_pinned_version(immudb_server):
    out = subprocess.run([str(find_binary(immudb_server.version)), "version"], capture_output=True, text=True)
    assert out.stdout.split() == ["immudb", immudb_server.version]


def test_sql_round_trip(immudb_server, immudb_database):
    client = connect(immudb_server, immudb_database)
    client.sqlExec("CREATE TABLE parcel (id INTEGER AUTO_INCREMENT, code VARCHAR[64], PRIMARY KEY id)")
    client.sqlExec("INSERT INTO parcel (code) VALUES (@code)", {"code": "00123456789012345675"})
    rows = client.sqlQuery("SELECT id, code FROM parcel")
    assert rows == [(1, "00123456789012345675")]


def test_stop_removes_throwaway_data_dir():
    server = ImmudbServer().start()
    data_dir, process = server.data_dir, server.process
    assert data_dir.exists()
    server.stop()
    assert process.poll() is not None
    assert not data_dir.exists()


def test_admin_password_replaces_the_default_and_stays_off_the_command_line():
    from immudb_backend import dbapi
    from immudb_backend.server import random_password

    password = random_password()
    with ImmudbServer(admin_password=password) as server:
        assert password not in " ".join(server.process.args)
        dbapi.connect(host=server.host, port=server.port, password=password).close()
        with pytest.raises(dbapi.OperationalError, match="refused the login"):
            dbapi.connect(host=server.host, port=server.port, password="immudb")
