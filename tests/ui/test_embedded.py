import pytest

from immudb_backend import dbapi
from station_app import config as station_config
from station_app.embedded import PinnedKeyMismatch, start_embedded


def test_embedded_server_keeps_its_data_port_key_and_admin_password():
    config = station_config.ConnectionConfig()
    server = start_embedded(config)
    try:
        password = station_config.get_password(station_config.EMBEDDED_SECRET)
        assert password and password != "immudb"
        connection = dbapi.connect(host=config.host, port=config.port, password=password)
        connection.exec("CREATE TABLE IF NOT EXISTS kept (id INTEGER, PRIMARY KEY id)")
        connection.exec("INSERT INTO kept (id) VALUES (1)")
        connection.close()
        with pytest.raises(dbapi.OperationalError, match="refused the login"):
            dbapi.connect(host=config.host, port=config.port, password="immudb")
    finally:
        server.stop()

    saved = station_config.load()
    assert (saved.mode, saved.port, saved.public_key_pem) == ("embedded", config.port, config.public_key_pem)
    assert "BEGIN PUBLIC KEY" in saved.public_key_pem
    server = start_embedded(saved)
    try:
        connection = dbapi.connect(host=saved.host, port=saved.port, password=password)
        assert connection.query("SELECT id FROM kept")[1] == [(1,)]
        connection.close()
    finally:
        server.stop()


def test_a_different_signing_key_is_refused():
    config = station_config.load()
    config.public_key_pem = "-----BEGIN PUBLIC KEY-----\nnot this one\n-----END PUBLIC KEY-----"
    with pytest.raises(PinnedKeyMismatch):
        start_embedded(config)
