"""The driver's cursor as Django's backend tests use it: pyformat, closing, logged SQL."""

import pytest
from django.db import ProgrammingError, connection
from django.db.models import F
from django.db.models.functions import Abs

from tests.backend.models import Author, Book


def test_pyformat_parameters(django_db):
    table = connection.ops.quote_name(Author._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (name) VALUES (%(name)s)", {"name": "A"})
        cursor.executemany(f"INSERT INTO {table} (name) VALUES (%(name)s)", [{"name": "B"}, {"name": "C%"}])
        cursor.execute(f"SELECT name FROM {table} WHERE name = %(n)s OR name = %(m)s ORDER BY name", {"m": "C%", "n": "A"})
        assert cursor.fetchall() == [("A",), ("C%",)]


def test_a_closed_cursor_refuses_statements(django_db):
    with connection.cursor() as cursor:
        pass
    with pytest.raises(ProgrammingError):
        cursor.execute("SELECT 1")


def test_a_closed_connection_is_not_usable(django_db):
    connection.ensure_connection()
    connection._close()
    try:
        assert connection.is_usable() is False
    finally:
        connection.close()


def test_the_logged_query_has_its_parameters_written_in(django_db):
    ops = connection.ops
    sql = "UPDATE t SET a = %s, b = %s, c = %s, d = %s WHERE e = %s"
    params = [42, "it's", None, True, b"\x01"]
    assert ops.last_executed_query(None, sql, params) == "UPDATE t SET a = 42, b = 'it''s', c = NULL, d = TRUE WHERE e = x'01'"
    assert ops.last_executed_query(None, "SELECT %(x)s", {"x": 1.5}) == "SELECT 1.5"
    assert ops.last_executed_query(None, "SELECT 1", None) == "SELECT 1"


def test_abs_keeps_an_integer_column_integer(django_db):
    if not connection.features.is_immudb_1_11:
        pytest.skip("immudb 1.9 has no ABS")
    a = Author.objects.create(name="A")
    Book.objects.create(title="One", author=a, pages=-5)
    Book.objects.update(pages=Abs(F("pages")))
    assert Book.objects.get().pages == 5
