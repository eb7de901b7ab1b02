"""Changing an indexed column of a row the transaction already wrote (index_updates.py)."""

import pytest
from django.db import DatabaseError, IntegrityError, NotSupportedError, connection, models, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from immudb_backend import dbapi
from immudb_backend.history import revisions
from tests.backend.models import Author, Book, Everything


def _run(server, database, statements):
    """Send ``statements`` in one transaction on a table ``t`` with an index on ``a``; the failing one's index."""
    conn = dbapi.connect(server.host, server.port, "immudb", "immudb", database)
    try:
        cur = conn.cursor()
        cur.execute('CREATE TABLE "t" ("id" INTEGER AUTO_INCREMENT, "a" INTEGER, PRIMARY KEY ("id"))')
        cur.execute('CREATE INDEX ON "t"("a")')
        conn.autocommit = False
        for number, sql in enumerate(statements):
            try:
                cur.execute(sql)
            except dbapi.NotSupportedError:
                return number
        conn.commit()
        return None
    finally:
        conn.close()


def test_server_behaviour_is_pinned(immudb_server, immudb_database):
    # A row inserted with a=1, then a=1 changed by an UPDATE: refused on both
    # versions (the value's index entry was written by the transaction).
    failing = _run(immudb_server, immudb_database, ['INSERT INTO "t" ("a") VALUES (1)', 'UPDATE "t" SET "a" = 2'])
    assert failing == 1
    if immudb_server.version.startswith("1.11"):
        # The same change as INSERT ... ON CONFLICT DO UPDATE goes through.
        rewritten = 'INSERT INTO "t" ("id", "a") SELECT "t"."id", 2 FROM "t" ON CONFLICT DO UPDATE SET "a" = 2'
        conn = dbapi.connect(immudb_server.host, immudb_server.port, "immudb", "immudb", immudb_database)
        try:
            conn.autocommit = False
            cur = conn.cursor()
            cur.execute('INSERT INTO "t" ("a") VALUES (1)')
            cur.execute(rewritten)
            conn.commit()
            cur.execute('SELECT COUNT(*) FROM "t" WHERE "a" = 2')
            assert cur.fetchall() == [(1,)]
        finally:
            conn.close()


def test_a_row_written_earlier_gets_a_new_indexed_value(django_db):
    a, b = Author.objects.create(name="A"), Author.objects.create(name="B")
    if not connection.features.updates_indexed_columns_by_upsert:
        with pytest.raises(NotSupportedError, match="same transaction"):
            with transaction.atomic():
                book = Book.objects.create(title="One", author=a)
                book.author = b
                book.save()
        return
    with transaction.atomic():
        book = Book.objects.create(title="One", author=a, pages=1)
        book.author = b
        book.save()
        assert Book.objects.filter(pk=book.pk).update(author=a, pages=F("pages") + 1) == 1
        assert Book.objects.filter(author=a).update(author=b) == 1
        assert list(Book.objects.values_list("author__name", "pages")) == [("B", 2)]
        # A value the transaction changed away from can be written again.
        Book.objects.create(title="Two", author=a)
    # The index has each book under its last author only.
    assert list(Book.objects.filter(author=b).values_list("title", flat=True)) == ["One"]
    assert list(Book.objects.filter(author=a).values_list("title", flat=True)) == ["Two"]
    assert len(revisions(book)) == 1


def test_one_statement_moves_rows_onto_each_others_values(django_db):
    # Without the rewrite this fails on either version, even outside a transaction:
    # the first row takes the value that the second row leaves.
    authors = [Author.objects.create(name=name) for name in "ABC"]
    Book.objects.bulk_create([Book(title="One", author=authors[0]), Book(title="Two", author=authors[1])])
    shift = Book.objects.update
    if not connection.features.updates_indexed_columns_by_upsert:
        with pytest.raises(NotSupportedError):
            shift(author_id=F("author_id") + 1)
        return
    assert shift(author_id=F("author_id") + 1) == 2
    with transaction.atomic():
        assert shift(author_id=F("author_id") - 1) == 2
    assert sorted(Book.objects.values_list("title", "author__name")) == [("One", "A"), ("Two", "B")]
    assert list(Book.objects.filter(author=authors[2])) == []


def test_other_columns_keep_their_values(django_db):
    import datetime
    import decimal
    import uuid

    values = dict(
        flag=True, number=7, ratio=1.5, price=decimal.Decimal("2.5"), text="t", data=b"\x00\xff",
        day=datetime.date(2024, 1, 2), clock=datetime.time(3, 4, 5),
        moment=datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc),
        ident=uuid.UUID(int=5), payload={"k": [1, "x"]}, span=datetime.timedelta(seconds=3),
    )
    row = Everything.objects.create(name="old", **values)
    empty = Everything.objects.create(name="old")
    with transaction.atomic():
        assert Everything.objects.filter(name="old").update(name="new") == 2
    kept = Everything.objects.values(*values).get(pk=row.pk)
    assert kept == values
    assert Everything.objects.get(pk=empty.pk).payload is None
    assert set(Everything.objects.filter(name="new").values_list("pk", flat=True)) == {row.pk, empty.pk}


def test_constraints_are_checked_on_the_new_row(django_db):
    if not connection.features.updates_indexed_columns_by_upsert:
        pytest.skip("immudb 1.9's UPDATE takes NULL into a NOT NULL column")
    a = Author.objects.create(name="A")
    book = Book.objects.create(title="One", author=a)
    with pytest.raises(IntegrityError):
        Book.objects.filter(pk=book.pk).update(author=a, title=None)
    assert Book.objects.get(pk=book.pk).title == "One"


class Stock(models.Model):
    shelf = models.IntegerField(db_index=True)
    amount = models.PositiveIntegerField()
    extra = models.JSONField(null=True)

    class Meta:
        app_label = "backend"
        db_table = "index_updates_stock"


def test_a_table_with_checks_and_json(empty_db):
    with connection.schema_editor() as editor:
        editor.create_model(Stock)
    if not connection.features.updates_indexed_columns_by_upsert:
        with pytest.raises(NotSupportedError):
            with transaction.atomic():
                Stock.objects.create(shelf=1, amount=1)
                Stock.objects.update(shelf=2)
        return
    with transaction.atomic():
        item = Stock.objects.create(shelf=1, amount=1, extra={"a": 1})
        bare = Stock.objects.create(shelf=1, amount=1)
        assert Stock.objects.update(shelf=2, amount=F("amount") + 1) == 2
    assert list(Stock.objects.order_by("pk").values_list("shelf", "amount", "extra")) == [(2, 2, {"a": 1}), (2, 2, None)]
    with pytest.raises(IntegrityError, match="check"):
        Stock.objects.filter(pk=bare.pk).update(shelf=3, amount=-1)
    assert Stock.objects.get(pk=item.pk).amount == 2


def test_what_is_left_as_an_update(django_db):
    # Tables with another UNIQUE index, changes without an indexed column, new primary keys.
    a = Author.objects.create(name="A")
    book = Book.objects.create(title="One", author=a)
    with CaptureQueriesContext(connection) as queries:
        Author.objects.update(name="B")
        Book.objects.update(pages=3)
        Book.objects.update(author_id=a.pk)
        with pytest.raises(DatabaseError, match="primary key"):
            Book.objects.filter(pk=book.pk).update(id=book.pk + 1, author_id=a.pk)
    sent = [q["sql"].split()[0] for q in queries if "SET" in q["sql"]]
    upsert = "INSERT" if connection.features.updates_indexed_columns_by_upsert else "UPDATE"
    assert sent == ["UPDATE", "UPDATE", upsert, "UPDATE"]
    assert list(Book.objects.values_list("pk", flat=True)) == [book.pk]
