"""A DB-API 2.0 style driver over immudb-py's gRPC stubs.

immudb-py 1.5.0's own SQL helpers cannot send float, UUID, Decimal or date
parameters and crash when reading FLOAT columns, so this module encodes and
decodes ``SQLValue`` itself and calls the gRPC stub directly. Sessions carry
interactive transactions (``NewTx``/``Commit``/``Rollback``).

Savepoints are kept here, not on the server. immudb ends a transaction when
one of its writes fails (both 1.9 and 1.11 answer "no transaction found"
afterwards), 1.9 has no SAVEPOINT, and 1.11 accepts ``ROLLBACK TO SAVEPOINT``
without undoing anything. So the connection logs each statement of the open
transaction; rolling back to a savepoint rolls the server transaction back,
opens a new one and replays the statements logged before the savepoint. A
replayed query must return what it returned the first time (compared by
digest), else the data changed under the transaction and ``TxReadConflict``
asks for a retry, as a conflict at commit would.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import re
import time
import uuid
from collections.abc import Mapping

import grpc
from google.protobuf import empty_pb2, struct_pb2
from immudb import ImmudbClient
from immudb.grpc import schema_pb2

from . import dialect, names

apilevel = "2.0"
threadsafety = 1
paramstyle = "pyformat"
Binary = bytes

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
# immudb drops sessions idle for about two minutes; refresh well before.
KEEPALIVE_AFTER = 30.0


class Warning(Exception):  # noqa: A001 - the DB-API name
    pass


class Error(Exception):
    pass


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class TxReadConflict(OperationalError):
    """Another transaction changed data this one read; retry the whole transaction."""


def encode_value(value) -> schema_pb2.SQLValue:
    if value is None:
        return schema_pb2.SQLValue(null=struct_pb2.NULL_VALUE)
    if isinstance(value, bool):
        return schema_pb2.SQLValue(b=value)
    if isinstance(value, int):
        return schema_pb2.SQLValue(n=value)
    if isinstance(value, float):
        return schema_pb2.SQLValue(f=value)
    if isinstance(value, str):
        return schema_pb2.SQLValue(s=value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return schema_pb2.SQLValue(bs=bytes(value))
    if isinstance(value, datetime.datetime):
        # A naive datetime is wall-clock time stored as UTC, never local time.
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        return schema_pb2.SQLValue(ts=(value - EPOCH) // datetime.timedelta(microseconds=1))
    if isinstance(value, (datetime.date, datetime.time)):
        return schema_pb2.SQLValue(s=value.isoformat())
    if isinstance(value, (uuid.UUID, decimal.Decimal)):
        return schema_pb2.SQLValue(s=str(value))
    raise NotSupportedError(f"immudb cannot store a {type(value).__name__} parameter: {value!r}")


def decode_value(value: schema_pb2.SQLValue):
    kind = value.WhichOneof("value")
    if kind is None or kind == "null":
        return None
    if kind == "ts":
        # Naive UTC, as Django expects of a database without time zone
        # support; its converters make the value aware when USE_TZ is on.
        return (EPOCH + datetime.timedelta(microseconds=value.ts)).replace(tzinfo=None)
    return getattr(value, kind)


def translate_rpc_error(error: grpc.RpcError, address: str, sql: str = "") -> Error:
    """A DB-API exception for a gRPC failure, naming the server and statement."""
    code = error.code() if hasattr(error, "code") else None
    detail = error.details() if hasattr(error, "details") else str(error)
    where = f" (server {address}" + (f"; statement: {sql[:300]}" if sql else "") + ")"
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return OperationalError(f"immudb server {address} is unreachable: {detail}")
    lowered = (detail or "").lower()
    if "tx read conflict" in lowered:
        return TxReadConflict(f"{detail}: another transaction changed the same data; retry{where}")
    if "check constraint violation" in lowered:
        return IntegrityError(detail + where)
    if "already exists" in lowered or "duplicate" in lowered:
        return IntegrityError(detail + where)
    if "not null" in lowered or "can not be null" in lowered or "is null" in lowered:
        return IntegrityError(detail + where)
    if "invalid user name or password" in lowered or code == grpc.StatusCode.UNAUTHENTICATED:
        return OperationalError(f"immudb server {address} refused the login: {detail}")
    if "session" in lowered and ("not found" in lowered or "expired" in lowered):
        return OperationalError(f"immudb session ended: {detail}{where}")
    if "must be greater than current one" in lowered:
        return IntegrityError(
            "immudb hands out AUTO_INCREMENT keys in increasing order: an explicit key must be greater than any "
            f"key the table has had ({detail}){where}"
        )
    if "non-transient key to transient" in lowered:
        return NotSupportedError(
            "immudb cannot change a row written earlier in the same transaction; commit the first write, "
            f"then change it{where}"
        )
    if "larger than max" in lowered:
        return DataError(f"The statement is larger than immudb accepts in one message: {detail}{where}")
    if "exceed" in lowered or "invalid value" in lowered or "max length" in lowered:
        return DataError(detail + where)
    if "not supported" in lowered or "unsupported" in lowered:
        return NotSupportedError(detail + where)
    return ProgrammingError(detail + where)


class Connection:
    """One immudb session on one database; autocommit unless a transaction is open."""

    def __init__(self, host, port, user, password, database, timeout=30.0):
        if not isinstance(port, int) or not 0 < port < 65536:
            # gRPC would silently wrap e.g. 70000 to another port.
            raise InterfaceError(f"Port {port!r} is not a TCP port; use a number from 1 to 65535.")
        self.address = f"{host}:{port}"
        self.database = database
        self.timeout = timeout
        self.client = ImmudbClient(self.address)
        self._credentials = (user, password, database)
        self.transaction_id: str | None = None
        # The open transaction's statements, (sql, params, is query, digest of
        # the rows it returned), and savepoints as positions in that log.
        self._tx_log: list[tuple] = []
        self._savepoints: dict[str, int] = {}
        # Why the server ended the open transaction, once a statement failed.
        self._aborted: str | None = None
        # With autocommit off, the next statement opens a transaction (DB-API).
        self.autocommit = True
        # The immudb transaction id of the latest commit on this connection.
        self.last_committed_tx_id: int | None = None
        self._last_used = 0.0
        self.closed = False
        self._open_session()
        # Health, not ServerInfo: on 1.9 ServerInfo sums up every database on
        # the server and fails ("already closed", "error walking dir") while
        # another session unloads or drops one.
        health = self._call("Health", empty_pb2.Empty())
        self.server_version_string = health.version.rstrip("-")
        self.server_version = tuple(int(p) for p in re.findall(r"\d+", self.server_version_string)[:3])

    def _open_session(self):
        user, password, database = self._credentials
        try:
            self.client.openSession(user, password, database.encode())
        except grpc.RpcError as e:
            if "database does not exist" in (e.details() or ""):
                raise OperationalError(
                    f"immudb server {self.address} has no database {database!r}; check the database name."
                ) from e
            raise translate_rpc_error(e, self.address) from e
        self._last_used = time.monotonic()

    def _metadata(self):
        return [("transactionid", self.transaction_id)] if self.transaction_id else None

    def _call(self, method_name, request, sql="", stream=False):
        """Call the immudb gRPC method ``method_name`` in this session (and transaction)."""
        if self.closed:
            raise InterfaceError(f"The connection to immudb server {self.address} is closed.")
        self._keep_alive()
        try:
            return self._send(method_name, request, stream)
        except grpc.RpcError as e:
            if not _session_lost(e):
                raise translate_rpc_error(e, self.address, sql) from e
            if self.transaction_id:
                self._end()
                raise OperationalError(
                    f"The immudb session on {self.address} expired during a transaction, "
                    "which was rolled back; retry it."
                ) from e
        # The server dropped the idle session: open a new one and send again.
        self._reopen_session()
        try:
            return self._send(method_name, request, stream)
        except grpc.RpcError as e:
            raise translate_rpc_error(e, self.address, sql) from e

    def _send(self, method_name, request, stream):
        method = getattr(self.client._stub, method_name)
        response = method(request, metadata=self._metadata(), timeout=self.timeout)
        if stream:
            response = list(response)
        self._last_used = time.monotonic()
        return response

    def _keep_alive(self):
        """Ping a session that has been idle a while, so the server keeps it."""
        if time.monotonic() - self._last_used < KEEPALIVE_AFTER:
            return
        try:
            self.client._stub.KeepAlive(empty_pb2.Empty(), timeout=self.timeout)
            self._last_used = time.monotonic()
        except grpc.RpcError:
            pass  # a lost session is noticed, and handled, by the call that follows

    def _reopen_session(self):
        self.client._resetStub()
        self._open_session()

    # Transactions -------------------------------------------------------
    @property
    def in_transaction(self):
        return self.transaction_id is not None or self._aborted is not None

    def begin(self):
        if self.transaction_id is None:
            response = self._call("NewTx", schema_pb2.NewTxRequest(mode=schema_pb2.TxMode.ReadWrite))
            self.transaction_id = response.transactionID
            self._tx_log = []

    def _end(self):
        self.transaction_id = None
        self._aborted = None
        self._tx_log = []
        self._savepoints = {}

    def commit(self):
        if self._aborted is not None:
            reason = self._aborted
            self._end()
            raise InternalError(
                f"The transaction was not committed: immudb ended it when a statement failed ({reason})."
            )
        if self.transaction_id is None:
            return None
        try:
            committed = self._call("Commit", empty_pb2.Empty())
        finally:
            self._end()
        if committed.header.id:
            self.last_committed_tx_id = committed.header.id
        return committed

    def rollback(self):
        if self.transaction_id is None:
            self._end()
            return
        try:
            self._call("Rollback", empty_pb2.Empty())
        except DatabaseError:
            pass  # a failed statement already ended the transaction on the server
        finally:
            self._end()

    def savepoint(self, name):
        self._check_not_aborted()
        self._savepoints[name] = len(self._tx_log)

    def release_savepoint(self, name):
        self._savepoint_position(name)
        del self._savepoints[name]

    def rollback_to_savepoint(self, name):
        """Undo the statements after savepoint ``name``: a new server transaction replays those before it."""
        position = self._savepoint_position(name)
        replay = self._tx_log[:position]
        savepoints = {n: p for n, p in self._savepoints.items() if p <= position}
        self.rollback()
        self._savepoints = savepoints
        if not replay:
            return
        self.begin()
        self._savepoints = savepoints
        for sql, params, is_query, digest in replay:
            try:
                if is_query:
                    _, rows = self.query(sql, params)
                    changed = _digest(rows) != digest
                else:
                    self.exec(sql, params)
                    changed = False
            except DatabaseError as e:
                self.rollback()
                raise TxReadConflict(
                    f"Rolling back to savepoint {name} replays the transaction's earlier statements, and one "
                    f"failed ({e}); the data changed under the transaction: retry it."
                ) from e
            if changed:
                self.rollback()
                raise TxReadConflict(
                    f"Rolling back to savepoint {name} replays the transaction's earlier statements, and a query "
                    f"now returns other rows; the data changed under the transaction: retry it. Query: {sql[:300]}"
                )

    def _savepoint_position(self, name):
        try:
            return self._savepoints[name]
        except KeyError:
            raise ProgrammingError(f"no savepoint {name} in the open transaction") from None

    def _check_not_aborted(self):
        if self._aborted is not None:
            raise InternalError(
                f"immudb ended the current transaction when a statement failed ({self._aborted}); "
                "roll back the transaction, or to a savepoint, before sending more statements."
            )

    def _run_in_transaction(self, method_name, request, sql, is_query):
        """Send one statement of the open transaction; log it, or note that the server ended the transaction."""
        try:
            result = self._call(method_name, request, sql, stream=is_query)
        except DatabaseError as e:
            # A failed write ends immudb's transaction; a failed read does
            # not, unless the server says it has no transaction any more.
            if self.transaction_id and (not is_query or _writes(sql) or "no transaction found" in str(e)):
                self.transaction_id = None
                self._aborted = str(e).split(" (server ", 1)[0]
            raise
        return result

        # SQL ----------------------------------------------------------------
    def _begin_if_needed(self):
        self._check_not_aborted()
        if not self.autocommit and self.transaction_id is None:
            self.begin()

    def exec(self, sql, params=()):
        self._begin_if_needed()
        request = schema_pb2.SQLExecRequest(sql=sql, params=_named(params))
        if not self.transaction_id:
            return self._call("SQLExec", request, sql)
        result = self._run_in_transaction("TxSQLExec", request, sql, False)
        self._tx_log.append((sql, params, False, None))
        return result

    def query(self, sql, params=()):
        self._begin_if_needed()
        request = schema_pb2.SQLQueryRequest(sql=sql, params=_named(params))
        if self.transaction_id:
            chunks = self._run_in_transaction("TxSQLQuery", request, sql, True)
        elif _writes(sql):
            # INSERT ... RETURNING is a query that writes: the server runs it
            # only inside a read-write transaction.
            self.begin()
            try:
                chunks = self._call("TxSQLQuery", request, sql, stream=True)
                self.commit()
            finally:
                self.rollback()
        else:
            chunks = self._call("SQLQuery", request, sql, stream=True)
        columns, rows = [], []
        for chunk in chunks:
            if not columns:
                columns = [(c.name, c.type) for c in chunk.columns]
            rows.extend(tuple(decode_value(v) for v in row.values) for row in chunk.rows)
        if self.transaction_id:
            self._tx_log.append((sql, params, True, _digest(rows)))
        return columns, rows

    def cursor(self):
        return Cursor(self)

    def ping(self):
        self._call("Health", empty_pb2.Empty())

    def close(self):
        if self.closed:
            return
        if self.in_transaction:
            self.rollback()
        try:
            self.client._stub.CloseSession(empty_pb2.Empty(), timeout=5)
        except grpc.RpcError:
            pass  # an expired session is closed already
        self.client.channel.close()
        self.closed = True


def _digest(rows) -> bytes:
    return hashlib.blake2b(repr(rows).encode(), digest_size=16).digest()


def _session_lost(error: grpc.RpcError) -> bool:
    detail = (error.details() if hasattr(error, "details") else "") or ""
    return "session not found" in detail or "no session found" in detail


def _named(params):
    return [schema_pb2.NamedParam(name=f"p{i}", value=encode_value(v)) for i, v in enumerate(params)]


class Cursor:
    arraysize = 1

    def __init__(self, connection: Connection):
        self.connection = connection
        self.description = None
        self.rowcount = -1
        self.lastrowid = None
        self._rows: list = []
        self._position = 0
        self.closed = False

    def execute(self, sql, params=None):
        if self.closed:
            raise ProgrammingError("The cursor is closed.")
        if isinstance(params, Mapping):
            # pyformat: %(name)s, sent as positional parameters in the order of the mapping.
            keys = list(params)
            sql = sql % {key: _placeholder(i, params[key]) for i, key in enumerate(keys)}
            params = tuple(params[key] for key in keys)
        elif params is not None:
            # As Django's other drivers do: given parameters, even none, "%%" stands for "%".
            params = tuple(params)
            if params and self.connection.server_version >= (1, 11) and _needs_literals(sql):
                # immudb 1.11 does not pass named parameters into EXISTS
                # subqueries, nor into subqueries nested in an IN subquery
                # ("missing parameter"), and takes a parameter selected in a
                # UNION, INTERSECT or EXCEPT for a column of no type ("column
                # mismatch"): such statements carry their values as literals.
                sql, params = sql % tuple(_literal(value) for value in params), ()
            else:
                sql = sql % tuple(_placeholder(i, value) for i, value in enumerate(params))
        params = params or ()
        sql = dialect.to_immudb(sql)
        if _is_query(sql):
            columns, self._rows = self.connection.query(sql, params)
            self._position = 0
            self.description = [(_column_name(name), kind, None, None, None, None, True) for name, kind in columns]
            self.rowcount = len(self._rows)
        else:
            self._run_statement(sql, params)
        return self

    def _run_statement(self, sql, params):
        result = self.connection.exec(sql, params)
        self.description = None
        self._rows, self._position = [], 0
        self.lastrowid = None
        # Inside a transaction the server reports nothing until commit.
        txs = getattr(result, "txs", ())
        self.rowcount = sum(tx.updatedRows for tx in txs) if txs else -1
        for tx in txs:
            if tx.header.id:
                self.connection.last_committed_tx_id = tx.header.id
            for pk in tx.lastInsertedPKs.values():
                self.lastrowid = decode_value(pk)

    def executemany(self, sql, param_list):
        for params in param_list:
            self.execute(sql, params)

    def fetchone(self):
        if self._position >= len(self._rows):
            return None
        row = self._rows[self._position]
        self._position += 1
        return row

    def fetchmany(self, size=None):
        size = size or self.arraysize
        rows = self._rows[self._position : self._position + size]
        self._position += len(rows)
        return rows

    def fetchall(self):
        rows = self._rows[self._position :]
        self._position = len(self._rows)
        return rows

    def __iter__(self):
        while (row := self.fetchone()) is not None:
            yield row

    def close(self):
        self._rows = []
        self.closed = True

    def setinputsizes(self, sizes):
        pass

    def setoutputsize(self, size, column=None):
        pass


def _placeholder(index: int, value) -> str:
    # A UUID parameter travels as text; only a cast makes it comparable
    # with a UUID column (both server versions).
    return f"CAST(@p{index} AS UUID)" if isinstance(value, uuid.UUID) else f"@p{index}"


def _needs_literals(sql: str) -> bool:
    return any(word in sql for word in ("(SELECT ", " UNION ", " INTERSECT ", " EXCEPT "))


def _literal(value) -> str:
    """``value`` as an immudb 1.11 SQL literal of the type it has as a parameter.

    The value is encoded as for a parameter first, so what is refused or
    converted there is here too.
    """
    encoded = encode_value(value)
    kind = encoded.WhichOneof("value")
    if kind == "null":
        literal = "NULL"
    elif kind == "b":
        literal = "TRUE" if encoded.b else "FALSE"
    elif kind == "n":
        # In parentheses, so that a minus sign never makes a "--" comment.
        literal = str(encoded.n) if encoded.n >= 0 else f"({encoded.n})"
    elif kind == "f":
        # immudb's float literals have no exponent, infinity or NaN; its
        # cast from text parses all of them (Go's ParseFloat, exact).
        literal = f"CAST('{encoded.f!r}' AS FLOAT)"
    elif kind == "s":
        literal = _string_literal(encoded.s)
    elif kind == "bs":
        literal = f"x'{encoded.bs.hex()}'"
    else:  # ts: microseconds since the epoch, UTC
        moment = (EPOCH + datetime.timedelta(microseconds=encoded.ts)).replace(tzinfo=None)
        literal = f"CAST('{moment.isoformat(timespec='microseconds')}Z' AS TIMESTAMP)"
    return f"CAST({literal} AS UUID)" if isinstance(value, uuid.UUID) else literal


def _string_literal(text: str) -> str:
    # A quote is doubled; immudb's strings know no other escape.
    return "'" + text.replace("'", "''") + "'"


def _first_word(sql: str) -> str:
    return sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""


def _is_query(sql: str) -> bool:
    return _first_word(sql) in ("SELECT", "WITH", "(", "EXPLAIN") or " RETURNING " in sql.upper()


def _writes(sql: str) -> bool:
    return _first_word(sql) in ("INSERT", "UPSERT", "UPDATE", "DELETE")


def _column_name(name: str) -> str:
    """``(table.column)`` as immudb names result columns, reduced to ``column`` (decoded, see names.py)."""
    name = name.strip("()")
    return names.decode(name.rsplit(".", 1)[-1])


def connect(host="localhost", port=3322, user="immudb", password="immudb", database="defaultdb", timeout=30.0):
    return Connection(host, port, user, password, database, timeout)
