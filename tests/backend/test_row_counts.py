"""UPDATE and DELETE report how many rows they changed, inside transactions too."""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.backend.models import Author, Book


def test_counts_outside_a_transaction(django_db):
    a = Author.objects.create(name="A")
    Book.objects.bulk_create([Book(title="One", author=a), Book(title="Two", author=a), Book(title="Three", author=a)])
    assert Book.objects.filter(title__in=["One", "Two"]).update(pages=7) == 2
    assert Book.objects.update(pages=8) == 3
    assert Book.objects.filter(title="One").delete() == (1, {"backend.Book": 1})


def test_counts_inside_a_transaction(django_db):
    a = Author.objects.create(name="A")
    Book.objects.bulk_create([Book(title="One", author=a), Book(title="Two", author=a), Book(title="Three", author=a)])
    # immudb 1.9 cannot change a row twice in one transaction: one transaction each.
    with transaction.atomic():
        # An update with no condition at all (every row).
        assert Book.objects.update(pages=5) == 3
        assert Book.objects.filter(title="Nothing").update(pages=6) == 0
    with transaction.atomic():
        assert Book.objects.filter(title__in=["One", "Two"]).delete() == (2, {"backend.Book": 2})
        assert Book.objects.filter(pk__in=[]).delete() == (0, {})
    assert sorted(Book.objects.values_list("title", "pages")) == [("Three", 5)]


def test_a_delete_joined_to_another_table_counts_its_rows(django_db):
    a, b = Author.objects.create(name="A"), Author.objects.create(name="B")
    Book.objects.bulk_create([Book(title="One", author=a), Book(title="Two", author=a), Book(title="Three", author=b)])
    with transaction.atomic():
        assert Book.objects.filter(author__name="A").delete() == (2, {"backend.Book": 2})
        assert Book.objects.filter(author__name="Nobody").delete() == (0, {})
    assert list(Book.objects.values_list("title", flat=True)) == ["Three"]


def test_one_statement_a_write_on_1_11(django_db):
    """1.11 returns the changed rows' keys; 1.9 counts the matching rows first."""
    a = Author.objects.create(name="A")
    Book.objects.bulk_create([Book(title="One", author=a), Book(title="Two", author=a)])
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert Book.objects.filter(title="One").update(pages=9) == 1
        assert Book.objects.filter(title="Two").delete()[0] == 1
    writes = [q["sql"] for q in queries if "UPDATE " in q["sql"] or "DELETE " in q["sql"]]
    counts = [q["sql"] for q in queries if "SELECT COUNT(*)" in q["sql"]]
    assert len(writes) == 2
    if connection.features.is_immudb_1_11:
        assert counts == [] and all('RETURNING "id"' in sql for sql in writes)
    else:
        assert len(counts) == 2 and not any("RETURNING" in sql for sql in writes)
