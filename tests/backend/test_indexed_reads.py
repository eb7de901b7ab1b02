"""immudb 1.11 misses rows through an index inside a transaction; the backend reads around it."""

from django.db import connection, transaction

from immudb_backend import dbapi
from tests.backend.models import Author, Book, Everything


def _server_rows(server, database, table, where):
    """Rows a raw transaction sees for ``where`` after two statements wrote the same indexed value."""
    conn = dbapi.connect(server.host, server.port, "immudb", "immudb", database)
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE TABLE {table} (id INTEGER AUTO_INCREMENT, a INTEGER, PRIMARY KEY id)")
        cur.execute(f"CREATE INDEX ON {table}(a)")
        conn.autocommit = False
        cur.execute(f"INSERT INTO {table} (a) VALUES (1)")
        cur.execute(f"INSERT INTO {table} (a) VALUES (1)")
        cur.execute(f"SELECT id FROM {table} WHERE {where}")
        rows = sorted(r[0] for r in cur.fetchall())
        conn.rollback()
        return rows
    finally:
        conn.close()


def test_server_behaviour_is_pinned(immudb_server, immudb_database):
    # The bug this works around: on 1.11 the index read finds only the last statement's row.
    expected = [2] if immudb_server.version.startswith("1.11") else [1, 2]
    assert _server_rows(immudb_server, immudb_database, "plain", "a = 1") == expected
    # The way around it: the same condition, OR FALSE, is read without the index.
    assert _server_rows(immudb_server, immudb_database, "wrapped", "(a = 1) OR FALSE") == [1, 2]


def test_indexed_lookups_in_a_transaction_see_every_row(django_db):
    with transaction.atomic():
        a = Author.objects.create(name="A")
        Book.objects.create(title="One", author=a)
        Book.objects.create(title="Two", author=a)
        Everything.objects.create(name="same")
        Everything.objects.create(name="same")
        assert Book.objects.filter(author=a).count() == 2
        assert Book.objects.filter(author_id__in=[a.pk]).count() == 2
        assert Everything.objects.filter(name="same").count() == 2
        assert Everything.objects.filter(name__range=("same", "same")).count() == 2
        if connection.features.is_immudb_1_11:  # 1.9 cannot change rows written in the same transaction
            assert Book.objects.filter(author=a).update(pages=5) == 2
            assert Book.objects.filter(author=a, pages=5).count() == 2
    assert Book.objects.filter(author=a).count() == 2


def test_queries_outside_transactions_use_the_index(django_db):
    sql = str(Book.objects.filter(author_id=1).query)
    assert "OR FALSE" not in sql
    with transaction.atomic():
        compiled, _ = Book.objects.filter(author_id=1).query.get_compiler(connection=connection).as_sql()
    assert ("OR FALSE" in compiled) == connection.features.is_immudb_1_11
