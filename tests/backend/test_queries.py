"""Query constructs immudb's grammar spells differently or lacks: outer joins, bare SELECTs, patterns from columns."""

import pytest
from django.db import NotSupportedError
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Substr, Upper
from django.db.models.lookups import LessThan
from django.test.utils import CaptureQueriesContext

from immudb_backend import dialect
from tests.backend.models import Author, Book, Everything


def test_outer_join_keyword_is_dropped_outside_literals_and_names():
    sql = "SELECT 'a LEFT OUTER JOIN b', \"LEFT OUTER JOIN\" FROM t left  outer join u ON (1 = 1) RIGHT OUTER JOIN v ON TRUE"
    assert dialect.to_immudb(sql) == (
        "SELECT 'a LEFT OUTER JOIN b', \"LEFT OUTER JOIN\" FROM t left JOIN u ON (1 = 1) RIGHT JOIN v ON TRUE"
    )
    assert dialect.to_immudb("SELECT 'it''s OUTER' FROM t") == "SELECT 'it''s OUTER' FROM t"


def test_left_outer_join_runs_as_written(django_db):
    author = Author.objects.create(name="A")
    Book.objects.create(title="b", author=author)
    Author.objects.create(name="B")
    qs = Author.objects.filter(Q(books__isnull=True) | Q(books__title="b")).order_by("name")
    assert "LEFT OUTER JOIN" in str(qs.query)
    assert list(qs.values_list("name", flat=True)) == ["A", "B"]
    with django_db.cursor() as cursor:
        cursor.execute(
            f'SELECT a."name" FROM "{Author._meta.db_table}" AS a LEFT OUTER JOIN "{Book._meta.db_table}" AS b '
            'ON (a."id" = b."author_id") WHERE b."id" IS NULL'
        )
        assert cursor.fetchall() == [("B",)]


def test_q_check_without_a_table(django_db):
    assert Q(number__gt=20).check({"number": 30}) is True
    assert Q(number__gt=20).check({"number": 10}) is False
    assert Q(name="test").check({"name": Value("test")}) is True


def _people():
    rows = [("Johnny", "John"), ("%Joh\\nny", "%Joh\\n"), ("Jean-Claude", "Claude"), ("Johnny", "_ohn"),
            ("Jean-Claude", "Claud_"), ("Johnny", "%John"), ("ab", None)]
    return {(Everything.objects.create(name=name, text=text).pk): (name, text) for name, text in rows}


@pytest.mark.parametrize(
    "lookup, matches",
    [
        ("contains", lambda name, text: text in name),
        ("startswith", lambda name, text: name.startswith(text)),
        ("endswith", lambda name, text: name.endswith(text)),
        ("iexact", lambda name, text: name.lower() == text.lower()),
        ("icontains", lambda name, text: text.lower() in name.lower()),
        ("istartswith", lambda name, text: name.lower().startswith(text.lower())),
    ],
)
def test_pattern_against_a_column_escapes_its_specials(django_db, lookup, matches):
    if not django_db.features.is_immudb_1_11:
        pytest.skip("immudb 1.9 has no REPLACE to escape a pattern")
    people = _people()
    expected = {pk for pk, (name, text) in people.items() if text is not None and matches(name, text)}
    assert set(Everything.objects.filter(**{f"name__{lookup}": F("text")}).values_list("pk", flat=True)) == expected


def test_pattern_against_an_expression(django_db):
    if not django_db.features.is_immudb_1_11:
        pytest.skip("immudb 1.9 has no REPLACE to escape a pattern")
    smith = Everything.objects.create(name="John Smith", text="Johx")
    Everything.objects.create(name="Rhonda Simpson", text="sonx")
    assert list(Everything.objects.filter(name__startswith=Substr("text", 1, 3))) == [smith]
    assert list(Everything.objects.filter(name__istartswith=Upper(Substr("text", 1, 3)))) == [smith]


def test_pattern_against_a_column_is_refused_on_1_9(django_db):
    if django_db.features.is_immudb_1_11:
        pytest.skip("immudb 1.11 escapes a pattern built from a column")
    with pytest.raises(NotSupportedError, match="only against a value"):
        list(Everything.objects.filter(name__contains=F("text")))


def test_power_on_1_11_keeps_integers_integer(django_db):
    obj = Everything.objects.create(number=42, ratio=42.0)
    powers = Everything.objects.filter(pk=obj.pk)
    if not django_db.features.is_immudb_1_11:
        with pytest.raises(NotSupportedError, match="no POWER"):
            powers.update(number=F("number") ** 2)
        return
    powers.update(number=F("number") ** 2, ratio=F("ratio") ** 0.5)
    obj.refresh_from_db()
    assert (obj.number, round(obj.ratio, 4)) == (1764, 6.4807)
    assert powers.annotate(p=2 ** (F("number") - 1754)).values_list("p", flat=True).get() == 1024


def test_substring_to_the_end(django_db):
    Everything.objects.create(name="Example Inc.")
    assert Everything.objects.annotate(rest=Substr("name", 9)).values_list("rest", flat=True).get() == "Inc."
    assert Everything.objects.annotate(rest=F("name")[8:]).values_list("rest", flat=True).get() == "Inc."


def test_order_by_values_and_conditions(django_db):
    for number, name in [(3, "c%"), (1, "a"), (2, "b")]:
        Everything.objects.create(number=number, name=name)
    by_condition = Everything.objects.order_by(LessThan(F("number"), 2), F("number"))
    assert list(by_condition.values_list("number", flat=True)) == [2, 3, 1]
    by_constant = Everything.objects.order_by(Value("1%", output_field=CharField()), "-name")
    assert list(by_constant.values_list("name", flat=True)) == ["c%", "b", "a"]


def test_insert_returns_qualified_columns(django_db):
    if not django_db.features.can_return_columns_from_insert:
        pytest.skip("immudb 1.9 has no RETURNING")
    with CaptureQueriesContext(django_db) as queries:
        obj = Everything.objects.create(name="x")
    assert f'RETURNING "{Everything._meta.db_table}"."id"' in queries[-1]["sql"]
    assert Everything.objects.get(name="x").pk == obj.pk


def test_range_between_expressions(django_db):
    author = Author.objects.create(name="A")
    for pages in (1, 5, 9):
        Book.objects.create(title="t", author=author, pages=pages)
    zero = F("author_id") - author.pk  # an expression with a value of its own
    between = Book.objects.filter(pages__range=(zero + 3, zero + 7))
    assert list(between.values_list("pages", flat=True)) == [5]
    assert list(Book.objects.filter(pages__range=(2, zero + 8)).values_list("pages", flat=True)) == [5]


def test_a_null_satisfies_no_ordering_comparison(django_db):
    # immudb orders NULL below every value: unguarded, "number < 2" would match it.
    Everything.objects.create(number=None, ratio=5.0)
    Everything.objects.create(number=1, ratio=2.5)
    Everything.objects.create(number=3, ratio=None)

    def numbers(qs):
        return sorted(qs.values_list("number", flat=True), key=lambda n: (n is not None, n))

    assert numbers(Everything.objects.filter(number__lt=2)) == [1]
    assert numbers(Everything.objects.filter(number__lte=2)) == [1]
    assert numbers(Everything.objects.filter(number__gte=0)) == [1, 3]
    assert numbers(Everything.objects.exclude(number__lt=2)) == [None, 3]
    assert numbers(Everything.objects.filter(ratio__gt=F("number"))) == [1]
    assert numbers(Everything.objects.filter(number__lt=F("ratio"))) == [1]


def test_explain_describes_the_plan_on_1_11(django_db):
    books = Book.objects.filter(title="b").select_related("author")
    if not django_db.features.is_immudb_1_11:
        with pytest.raises(NotSupportedError, match="does not support explaining"):
            books.explain()
        return
    plan = books.explain()
    assert "Seq Scan" in plan and "Join" in plan and "\n" in plan
    with pytest.raises(ValueError, match="Unknown options: analyze"):
        books.explain(analyze=True)


def test_regex_lookups(django_db):
    for name, number in [("Box 12", 12), ("crate\nbox", 7), ("bag", None), (None, 120)]:
        Everything.objects.create(name=name, number=number)

    def names(**lookup):
        return sorted(Everything.objects.filter(**lookup).values_list("name", flat=True), key=str)

    assert names(name__regex=r"^Box \d+$") == ["Box 12"]
    assert names(name__iregex=r"box") == ["Box 12", "crate\nbox"]
    assert names(name__regex=r"^box") == []
    assert names(name__regex=r"e.b") == []  # "." does not cross a newline
    assert sorted(Everything.objects.exclude(name__regex=r"a").values_list("name", flat=True), key=str) == [
        "Box 12",
        None,
    ]
    if django_db.features.is_immudb_1_11:  # 1.9 matches text columns only
        assert names(number__regex=r"^12") == ["Box 12", None]
