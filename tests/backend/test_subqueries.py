"""Subqueries (IN, EXISTS, scalar), UNION/INTERSECT/EXCEPT and XOR on immudb 1.11, and how 1.9 does without."""

import datetime
import decimal
import uuid

import pytest
from django.db import NotSupportedError, ProgrammingError, connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.test.utils import CaptureQueriesContext

from immudb_backend import dbapi
from tests.backend.models import Author, Book, Everything


def needs_1_11(connection):
    if not connection.features.is_immudb_1_11:
        pytest.skip("immudb 1.9 has no subqueries in WHERE, no UNION and no XOR emulation")


def _raw_rows(server, database, sql, params=()):
    """Rows of ``sql`` on a raw connection, its parameters sent as named parameters."""
    conn = dbapi.connect(server.host, server.port, "immudb", "immudb", database)
    try:
        request = dbapi.schema_pb2.SQLQueryRequest(sql=sql, params=dbapi._named(params))
        chunks = conn._call("SQLQuery", request, sql, stream=True)
        return sorted(tuple(dbapi.decode_value(v) for v in row.values) for chunk in chunks for row in chunk.rows)
    finally:
        conn.close()


def test_server_behaviour_is_pinned(immudb_server, immudb_database):
    if not immudb_server.version.startswith("1.11"):
        pytest.skip("the quirks worked around are immudb 1.11's")
    conn = dbapi.connect(immudb_server.host, immudb_server.port, "immudb", "immudb", immudb_database)
    cur = conn.cursor()
    cur.execute("CREATE TABLE t (id INTEGER AUTO_INCREMENT, a INTEGER, PRIMARY KEY id)")
    cur.execute("INSERT INTO t (a) VALUES (1), (2), (3)")
    conn.close()
    # A named parameter does not reach an EXISTS subquery.
    with pytest.raises(dbapi.ProgrammingError, match="missing parameter"):
        _raw_rows(immudb_server, immudb_database, "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM t AS u WHERE u.a = @p0)", [2])
    # An IN subquery with a WHERE loses its LIMIT; as a derived table it keeps it.
    sliced = "SELECT a FROM t AS u WHERE u.a > 0 ORDER BY a DESC LIMIT 1"
    assert _raw_rows(immudb_server, immudb_database, f"SELECT a FROM t WHERE a IN ({sliced})") == [(1,), (2,), (3,)]
    assert _raw_rows(immudb_server, immudb_database, f"SELECT a FROM t WHERE a IN (SELECT * FROM ({sliced}))") == [(3,)]
    # ORDER BY after a compound query orders its last SELECT only.
    conn = dbapi.connect(immudb_server.host, immudb_server.port, "immudb", "immudb", immudb_database)
    cur = conn.cursor()
    cur.execute("SELECT a FROM t WHERE a = 1 UNION SELECT a FROM t WHERE a > 1 ORDER BY a DESC")
    assert cur.fetchall() == [(1,), (3,), (2,)]
    conn.close()


VALUES = dict(
    flag=True,
    number=-(2**63),
    ratio=1e-300,
    price=decimal.Decimal("-0.125"),
    text="it's 50% \\ \"q\" -- ünï 😀",
    data=b"\x00\xff'",
    day=datetime.date(1, 1, 1),
    clock=datetime.time(23, 59, 58, 999999),
    moment=datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.timezone.utc),
    ident=uuid.UUID("8c8d5a2f-0e7a-4c4e-9c55-6c5d7c1a8b11"),
)


def test_values_in_an_exists_subquery_match_as_parameters_do(django_db):
    needs_1_11(django_db)
    obj = Everything.objects.create(**VALUES)
    Everything.objects.create(flag=False, number=1, ratio=2.0, text="other")
    for field, value in VALUES.items():
        same = Everything.objects.filter(pk=OuterRef("pk"), **{field: value})
        assert list(Everything.objects.filter(Exists(same))) == [obj], field
        assert list(Everything.objects.filter(**{field: value})) == [obj], field


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), -0.0, 5e-324, 0.1 + 0.2, None])
def test_unusual_floats_in_a_subquery(django_db, value):
    needs_1_11(django_db)
    obj = Everything.objects.create(ratio=value)
    Everything.objects.create(ratio=7.0)
    lookup = {"ratio__isnull": True} if value is None else {"ratio": value}
    same = Everything.objects.filter(pk=OuterRef("pk"), **lookup)
    assert list(Everything.objects.filter(Exists(same))) == [obj]


def _books():
    author = Author.objects.create(name="A")
    return [Book.objects.create(title=f"b{pages}", author=author, pages=pages) for pages in (10, 20, 30)]


def test_sliced_in_subquery_keeps_its_limit(django_db):
    books = _books()
    longest = Book.objects.filter(pages__gt=0).order_by("-pages").values("pk")[:1]
    assert list(Book.objects.filter(pk__in=longest)) == [books[2]]


def test_exists_keeps_its_offset(django_db):
    needs_1_11(django_db)
    _books()
    assert Book.objects.filter(Exists(Book.objects.filter(pages__gt=0)[2:])).count() == 3
    assert Book.objects.filter(Exists(Book.objects.filter(pages__gt=0)[3:])).count() == 0


def test_correlated_sliced_subquery_is_refused(django_db):
    needs_1_11(django_db)
    _books()
    same_author = Book.objects.filter(author=OuterRef("author"), pages__gt=0).order_by("-pages").values("pk")[:1]
    with pytest.raises(NotSupportedError, match="refers to the outer query"):
        list(Book.objects.filter(pk__in=same_author))


def test_exists_can_be_compared(django_db):
    needs_1_11(django_db)
    books = _books()
    longer = Book.objects.filter(pk=OuterRef("pk"), pages__gt=15)
    qs = Book.objects.annotate(long=Exists(longer)).filter(long=Exists(longer))
    assert sorted(b.pk for b in qs) == [b.pk for b in books]
    assert [b.long for b in qs.order_by("pages")] == [False, True, True]


def test_union_is_ordered_and_sliced_as_a_whole(django_db):
    needs_1_11(django_db)
    _books()
    short = Book.objects.filter(pages__lt=15)
    long = Book.objects.filter(pages__gt=25)
    union = short.union(long)
    assert list(union.order_by("-pages").values_list("pages", flat=True)) == [30, 10]
    assert list(union.order_by("pages").values_list("pages", flat=True)[:1]) == [10]
    assert union.count() == 2
    assert Book.objects.filter(pk__in=union.values("pk")).count() == 2
    everything = Book.objects.all()
    assert list(everything.difference(short).order_by("pages").values_list("pages", flat=True)) == [20, 30]
    assert list(everything.intersection(long).values_list("pages", flat=True)) == [30]


def test_union_of_selected_values(django_db):
    needs_1_11(django_db)
    _books()
    first = Book.objects.filter(pages=10).values_list("pages", Value("x"))
    second = Book.objects.filter(pages=20).values_list("pages", Value("y"))
    assert sorted(first.union(second)) == [(10, "x"), (20, "y")]


def test_union_needs_1_11(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("1.11 has UNION")
    with pytest.raises(NotSupportedError):
        list(Book.objects.all().union(Book.objects.all()))


def test_xor(django_db):
    needs_1_11(django_db)
    _books()
    qs = Book.objects.filter(Q(pages__gt=15) ^ Q(pages__lt=25)).values_list("pages", flat=True)
    assert sorted(qs) == [10, 30]
    three = Book.objects.filter(Q(pages=10) ^ Q(pages__gt=5) ^ Q(pages=30)).values_list("pages", flat=True)
    assert sorted(three) == [20]


def test_compiling_needs_no_connection(django_db):
    Book.objects.exists()  # connected once: the server version is known
    connection.close()
    list(Book.objects.none().values("pages").order_by("pages"))
    assert connection.connection is None


def test_correlated_scalar_subqueries_are_joined_lateral(django_db):
    needs_1_11(django_db)
    from django.db.models import Count, IntegerField, Subquery

    ann, bob, cyd = (Author.objects.create(name=name) for name in ("Ann", "Bob", "Cyd"))
    Book.objects.create(title="Short", author=ann, pages=100)
    Book.objects.create(title="Long", author=ann, pages=900)
    Book.objects.create(title="Only", author=bob, pages=300)
    books = Book.objects.filter(author=OuterRef("pk"))
    longest = Subquery(books.order_by("-pages").values("title")[:1])
    count = Subquery(books.values("author").annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    authors = Author.objects.annotate(longest=longest, book_count=count).order_by("name")
    assert [(a.name, a.longest, a.book_count) for a in authors] == [
        ("Ann", "Long", 2),
        ("Bob", "Only", 1),
        ("Cyd", None, None),
    ]
    # immudb lets a LATERAL join see only outer columns that the query selects.
    with pytest.raises(ProgrammingError, match="column does not exist"):
        list(authors.values_list("name", "longest"))
    assert [a.name for a in authors.filter(longest="Only")] == ["Bob"]
    assert [a.name for a in Author.objects.order_by(longest.desc(nulls_last=True), "name")] == ["Bob", "Ann", "Cyd"]
    assert list(authors.filter(book_count__isnull=True).values_list("pk", flat=True)) == [cyd.pk]


# Subqueries outside FROM: native on 1.11; on 1.9 run first and sent as their results (subqueries_first.py).


def _authors():
    """A with books of 10 and 20 pages (one titled "A"), B with one of 30, C with none."""
    a, b, c = (Author.objects.create(name=name) for name in "ABC")
    Book.objects.create(title="A", author=a, pages=10)
    Book.objects.create(title="x", author=a, pages=20)
    Book.objects.create(title="y", author=b, pages=30)
    return a, b, c


def _names(qs):
    return sorted(obj.name for obj in qs)


def test_exclude_across_a_reverse_relation(django_db):
    _authors()
    assert _names(Author.objects.exclude(books__pages__gt=15)) == ["C"]
    assert _names(Author.objects.exclude(books__pages__gt=25)) == ["A", "C"]
    assert _names(Author.objects.filter(books__pages__gt=15).distinct()) == ["A", "B"]


def test_correlated_exists(django_db):
    _authors()
    long_books = Book.objects.filter(author=OuterRef("pk"), pages__gt=15)
    assert _names(Author.objects.filter(Exists(long_books))) == ["A", "B"]
    assert _names(Author.objects.filter(~Exists(long_books))) == ["C"]
    annotated = Author.objects.annotate(writes_long=Exists(long_books)).order_by("name")
    assert [a.writes_long for a in annotated] == [True, True, False]


def test_exists_correlated_by_two_equalities(django_db):
    _authors()
    # NOT EXISTS (... WHERE book.title = author.name AND book.author_id = author.id)
    assert _names(Author.objects.exclude(books__title=F("name"))) == ["B", "C"]
    same_title = Book.objects.filter(author=OuterRef("pk"), title=OuterRef("name"))
    assert _names(Author.objects.filter(Exists(same_title))) == ["A"]


def test_exists_with_a_condition_on_the_outer_query_alone(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("immudb 1.11 finds no column of a query two levels out")
    _authors()
    # The inner EXISTS reads only the outermost query: for the middle one it is a condition on that query alone.
    titled_as_named = Exists(Book.objects.filter(title=OuterRef(OuterRef("name"))))
    has_such_book = Exists(Book.objects.annotate(titled=titled_as_named).filter(titled=True, author=OuterRef("pk")))
    assert _names(Author.objects.filter(has_such_book)) == ["A"]


def test_exists_of_null_outer_values(django_db):
    first = Everything.objects.create(number=1, name="first")
    Everything.objects.create(number=None, name="empty")
    Everything.objects.create(number=None, name="also empty")
    same_as_first = Everything.objects.filter(number=OuterRef("number"), name="first")
    assert list(Everything.objects.filter(Exists(same_as_first))) == [first]
    assert _names(Everything.objects.filter(~Exists(same_as_first))) == ["also empty", "empty"]


def test_null_equals_no_null_in_exists(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("immudb 1.11 takes NULL = NULL for true in an EXISTS subquery")
    Everything.objects.create(number=1, name="first")
    empty = Everything.objects.create(number=None, name="empty")
    Everything.objects.create(number=None, name="also empty")
    not_first = Everything.objects.filter(number=OuterRef("number")).exclude(name="first")
    assert list(Everything.objects.filter(Exists(not_first))) == []
    assert empty in Everything.objects.filter(~Exists(not_first))


@pytest.mark.parametrize("field", ["number", "price", "text", "day", "clock", "moment", "ident", "flag"])
def test_correlated_values_keep_their_type(django_db, field):
    values = {k: v for k, v in VALUES.items() if k != "data"}
    twins = [Everything.objects.create(name=name, **values) for name in ("first", "second")]
    Everything.objects.create(name="other", number=1, price=decimal.Decimal("1.5"), text="t", day=datetime.date(2000, 1, 1),
                              clock=datetime.time(1), moment=datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc),
                              ident=uuid.uuid4(), flag=False)
    same_as_first = Everything.objects.filter(name="first", **{field: OuterRef(field)})
    assert sorted(Everything.objects.filter(Exists(same_as_first)).values_list("pk", flat=True)) == [t.pk for t in twins]


def test_exists_reading_nothing_of_the_outer_query(django_db):
    _authors()
    assert _names(Author.objects.filter(Exists(Book.objects.filter(pages__gt=25)))) == ["A", "B", "C"]
    assert list(Author.objects.filter(Exists(Book.objects.filter(pages__gt=100)))) == []
    assert _names(Author.objects.filter(~Exists(Book.objects.filter(pages__gt=100)))) == ["A", "B", "C"]
    assert {a.any for a in Author.objects.annotate(any=Exists(Book.objects.all()))} == {True}


def test_correlated_in_subquery(django_db):
    _authors()
    same_pages = Book.objects.filter(pages=OuterRef("pages"), title__in=["A", "y"]).values("pk")
    assert sorted(Book.objects.filter(pk__in=Subquery(same_pages)).values_list("pages", flat=True)) == [10, 30]


def test_scalar_subqueries(django_db):
    _authors()
    most_pages = Book.objects.order_by("-pages").values("pages")[:1]
    assert list(Book.objects.filter(pages=Subquery(most_pages)).values_list("title", flat=True)) == ["y"]
    assert {b.most for b in Book.objects.annotate(most=Subquery(most_pages))} == {30}
    assert list(Book.objects.filter(author=Author.objects.filter(name="B")[:1]).values_list("title", flat=True)) == ["y"]
    nothing = Book.objects.filter(pages__gt=100).values("pages")[:1]
    assert {b.most for b in Book.objects.annotate(most=Subquery(nothing))} == {None}
    author = Author.objects.create(name=Subquery(Book.objects.filter(pages=30).values("title")[:1]))
    author.refresh_from_db()
    assert author.name == "y"


def test_subqueries_run_first_on_1_9(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("1.11 sends subqueries inside the statement")
    _authors()
    with CaptureQueriesContext(django_db) as captured:
        assert _names(Author.objects.exclude(books__pages__gt=15)) == ["C"]
    assert len(captured) == 2
    assert "EXISTS" not in captured[1]["sql"] and "IN (" in captured[1]["sql"]


def test_subqueries_that_cannot_run_first_are_refused_on_1_9(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("1.11 sends subqueries inside the statement")
    _authors()
    longer = Book.objects.filter(pages__gt=OuterRef("pages"))
    with pytest.raises(NotSupportedError, match="EXISTS can be run first only"):
        list(Book.objects.filter(Exists(longer)))
    with pytest.raises(NotSupportedError, match="IN subquery that refers to the outer query"):
        list(Book.objects.filter(pk__in=longer.values("pk")))
    with pytest.raises(NotSupportedError, match="scalar subquery that refers to the outer query"):
        list(Book.objects.annotate(next=Subquery(longer.order_by("pages").values("pages")[:1])))
