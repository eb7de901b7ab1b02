"""immudb 1.11 misses rows through an index inside a transaction; the backend reads around it."""

import pytest
from django.db import connection, transaction

from immudb_backend import dbapi
from tests.backend.models import Author, Book, Everything


def _server_rows(server, database, table, tail):
    """Rows a raw transaction sees for ``SELECT id FROM <table> <tail>`` after two statements wrote the same indexed value."""
    conn = dbapi.connect(server.host, server.port, "immudb", "immudb", database)
    try:
        cur = conn.cursor()
        cur.execute(f"CREATE TABLE {table} (id INTEGER AUTO_INCREMENT, a INTEGER, PRIMARY KEY id)")
        cur.execute(f"CREATE INDEX ON {table}(a)")
        conn.autocommit = False
        cur.execute(f"INSERT INTO {table} (a) VALUES (1)")
        cur.execute(f"INSERT INTO {table} (a) VALUES (1)")
        cur.execute(f"SELECT id FROM {table} {tail}")
        rows = sorted(r[0] for r in cur.fetchall())
        conn.rollback()
        return rows
    finally:
        conn.close()


def test_server_behaviour_is_pinned(immudb_server, immudb_database):
    # The bug this works around: on 1.11 the index read finds only the last statement's row.
    expected = [2] if immudb_server.version.startswith("1.11") else [1, 2]
    assert _server_rows(immudb_server, immudb_database, "plain", "WHERE a = 1") == expected
    # The way around it: the same condition, OR FALSE, is read without the index.
    assert _server_rows(immudb_server, immudb_database, "wrapped", "WHERE (a = 1) OR FALSE") == [1, 2]


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


def test_having_on_an_average_that_may_be_empty_is_refused(django_db):
    # The server process exits on such a query (both versions); the backend never sends it.
    from django.db import NotSupportedError
    from django.db.models import Avg

    a = Author.objects.create(name="lonely")
    with pytest.raises(NotSupportedError, match="average"):
        list(Author.objects.annotate(avg=Avg("books__pages")).filter(avg__gte=1))
    assert Author.objects.get(pk=a.pk).name == "lonely"  # the server is still up
    assert list(Book.objects.values("author").annotate(avg=Avg("pages")).filter(avg__gte=0)) == []


def test_server_sorts_through_an_index_wrongly_in_a_transaction(immudb_server, immudb_database):
    # Both versions: ORDER BY an indexed column reads the index and misses rows; through the key it does not.
    assert _server_rows(immudb_server, immudb_database, "s1", "ORDER BY a") == [2]
    assert _server_rows(immudb_server, immudb_database, "s2", "USE INDEX ON (id) ORDER BY a") == [1, 2]


def test_ordering_and_grouping_by_an_indexed_column_in_a_transaction(django_db):
    from django.db.models import Count

    with transaction.atomic():
        a = Author.objects.create(name="A")
        Book.objects.create(title="One", author=a)
        Book.objects.create(title="Two", author=a)
        assert len(Book.objects.order_by("author")) == 2
        assert list(Book.objects.values("author").annotate(n=Count("*")).order_by()) == [{"author": a.pk, "n": 2}]
        assert Book.objects.values("author").distinct().count() == 1
