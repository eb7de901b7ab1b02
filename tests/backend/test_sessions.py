"""immudb drops idle sessions after about two minutes; the backend copes."""

import pytest
from google.protobuf import empty_pb2

from immudb_backend import dbapi


@pytest.fixture
def conn(immudb_server, immudb_database):
    c = dbapi.connect(host=immudb_server.host, port=immudb_server.port, database=immudb_database)
    c.exec("CREATE TABLE t (id INTEGER AUTO_INCREMENT, x VARCHAR, PRIMARY KEY id)")
    yield c
    c.close()


def expire_session(conn):
    """End the session on the server, as its idle timeout would, and age the client's clock."""
    conn.client._stub.CloseSession(empty_pb2.Empty())
    conn._last_used -= dbapi.KEEPALIVE_AFTER + 1


def test_expired_session_is_reopened_between_transactions(conn):
    expire_session(conn)
    conn.exec("INSERT INTO t (x) VALUES ('after')")
    assert conn.query("SELECT x FROM t")[1] == [("after",)]


def test_session_lost_inside_a_transaction_is_reported_not_hidden(conn):
    conn.begin()
    conn.exec("INSERT INTO t (x) VALUES ('lost')")
    expire_session(conn)
    with pytest.raises(dbapi.OperationalError, match="expired during a transaction.*retry"):
        conn.exec("INSERT INTO t (x) VALUES ('more')")
    assert conn.transaction_id is None
    assert conn.query("SELECT x FROM t")[1] == []
