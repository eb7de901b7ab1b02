"""Aggregates immudb cannot compute in place, on both servers.

immudb aggregates only a plain column, averages integers with integer
division, evaluates HAVING and ORDER BY only over selected aggregates, has
no variance or standard deviation, and answers 0 or '' for aggregates over
no rows.
"""

import decimal

import pytest
from django.db import NotSupportedError
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    StdDev,
    Sum,
    Value,
    Variance,
    When,
)
from django.db.models.functions import Coalesce

from tests.backend.models import Author, Book, Everything


@pytest.fixture
def library(django_db):
    ann = Author.objects.create(name="Ann")
    bob = Author.objects.create(name="Bob")
    Author.objects.create(name="Cid")
    for title, author, pages in [("A1", ann, 100), ("A2", ann, 300), ("A3", ann, 51), ("B1", bob, 200)]:
        Book.objects.create(title=title, author=author, pages=pages)
    return django_db


def test_filtered_aggregates(library):
    totals = Book.objects.aggregate(
        long_pages=Sum("pages", filter=Q(pages__gt=90)),
        long_books=Count("id", filter=Q(pages__gt=90)),
        short_max=Max("pages", filter=Q(pages__lt=90)),
    )
    assert totals == {"long_pages": 600, "long_books": 3, "short_max": 51}


def test_filtered_aggregates_per_group(library):
    rows = Author.objects.annotate(long_pages=Sum("books__pages", filter=Q(books__pages__gt=90))).order_by("name")
    assert [(a.name, a.long_pages) for a in rows] == [("Ann", 400), ("Bob", 200), ("Cid", None)]


def test_filter_that_matches_nothing(library):
    assert Book.objects.aggregate(n=Count("id", filter=Q(pk__in=[])), top=Max("pages", filter=Q(pk__in=[]))) == {
        "n": 0,
        "top": None,
    }


def test_aggregate_over_an_expression(library):
    assert Book.objects.aggregate(doubled=Sum(F("pages") * 2))["doubled"] == 1302
    rows = Book.objects.values("author__name").annotate(doubled=Sum(F("pages") * 2)).order_by("author__name")
    assert [(r["author__name"], r["doubled"]) for r in rows] == [("Ann", 902), ("Bob", 400)]


def test_aggregate_over_a_case_without_default(library):
    long_pages = Sum(Case(When(pages__gt=90, then=F("pages"))))
    assert Book.objects.aggregate(long_pages=long_pages)["long_pages"] == 600


def test_average_of_integers_keeps_its_fraction(library):
    assert Book.objects.aggregate(avg=Avg("pages"))["avg"] == pytest.approx(162.75)
    rows = Author.objects.annotate(avg=Avg("books__pages")).order_by("name")
    assert [(a.name, a.avg) for a in rows] == [("Ann", pytest.approx(150.333333)), ("Bob", 200.0), ("Cid", None)]


def test_average_of_decimals_keeps_its_fraction(django_db):
    for price in ("1.001", "2.000", "2.002"):
        Everything.objects.create(price=decimal.Decimal(price))
    average = Everything.objects.aggregate(avg=Avg("price"))["avg"]
    assert isinstance(average, decimal.Decimal)
    assert average == pytest.approx(decimal.Decimal("1.667667"), abs=decimal.Decimal("0.000001"))


def test_aggregate_over_grouped_aggregates(library):
    per_author = Book.objects.values("author").annotate(n=Count("id"), pages=Sum("pages"))
    assert per_author.aggregate(most=Max("n"), total=Sum("n"), longest=Max("pages")) == {
        "most": 3,
        "total": 4,
        "longest": 451,
    }
    assert per_author.aggregate(avg=Avg("n"))["avg"] == 2.0


def test_order_by_an_aggregate_that_is_not_selected(library):
    names = Author.objects.annotate(total=Sum("books__pages")).filter(total__gt=0).order_by("-total")
    assert list(names.values_list("name", flat=True)) == ["Ann", "Bob"]


def test_having_on_an_aggregate_that_is_not_selected(library):
    per_author = Book.objects.values("author__name").annotate(n=Count("id"), total=Sum("pages"))
    assert list(per_author.filter(total__gt=300).values_list("author__name", "n")) == [("Ann", 3)]


def test_variance_and_standard_deviation(library):
    pages = [100, 300, 51, 200]
    mean = sum(pages) / 4
    population = sum((p - mean) ** 2 for p in pages) / 4
    sample = population * 4 / 3
    spread = Book.objects.aggregate(pop=Variance("pages"), sample=Variance("pages", sample=True))
    assert spread == {"pop": pytest.approx(population), "sample": pytest.approx(sample)}
    rows = Author.objects.annotate(
        pop=Variance("books__pages"), sample=Variance("books__pages", sample=True)
    ).order_by("name")
    # One value has no sample variance; no values have none at all.
    assert [(a.name, a.pop, a.sample) for a in rows][1:] == [("Bob", 0.0, None), ("Cid", None, None)]
    if library.features.is_immudb_1_11:
        assert Book.objects.aggregate(sd=StdDev("pages"))["sd"] == pytest.approx(population**0.5)
    else:
        with pytest.raises(NotSupportedError, match="no square root"):
            Book.objects.aggregate(sd=StdDev("pages"))


def test_aggregates_over_no_rows_are_null(library):
    none = Book.objects.filter(pages__gt=1000)
    assert none.aggregate(sum=Sum("pages"), max=Max("title"), avg=Avg("pages"), n=Count("id"), var=Variance("pages")) == {
        "sum": None,
        "max": None,
        "avg": None,
        "n": 0,
        "var": None,
    }
    assert none.aggregate(total=Sum("pages", default=Value(5) * Value(7)))["total"] == 35
    assert none.aggregate(plus_one=Coalesce(Sum("pages"), 0) + 1)["plus_one"] == 1


def test_arithmetic_over_an_average_of_no_values(library):
    # immudb's own AVG over no values crashes the server when computed with.
    rows = Author.objects.annotate(doubled=Avg("books__pages", default=2.5) * 2).order_by("name")
    assert [(a.name, a.doubled) for a in rows] == [("Ann", pytest.approx(300.666667)), ("Bob", 400.0), ("Cid", 5.0)]


def test_group_by_an_expression(library):
    long = ExpressionWrapper(Q(pages__gt=150), output_field=BooleanField())
    rows = Book.objects.annotate(long=long).values("long").annotate(n=Count("id"))
    assert sorted(rows.values_list("long", "n")) == [(False, 2), (True, 2)]
    parity = Book.objects.values(parity=F("pages") % 2).annotate(n=Count("id"), total=Sum("pages"))
    assert sorted(parity.values_list("parity", "n", "total")) == [(0, 3, 600), (1, 1, 51)]


def test_count_over_a_left_join(library):
    # immudb 1.9 counts only rows: an author without books would count 1.
    rows = Author.objects.annotate(n=Count("books")).order_by("name")
    assert [(a.name, a.n) for a in rows] == [("Ann", 3), ("Bob", 1), ("Cid", 0)]
    assert [a.name for a in Author.objects.annotate(n=Count("books")).filter(n__gt=0).order_by("name")] == ["Ann", "Bob"]
    # HAVING in the query that count() reads from: immudb needs the aggregate selected there.
    assert Author.objects.annotate(n=Count("books")).filter(n__gt=1).count() == 1
    assert Author.objects.values("name").annotate(total=Sum("books__pages")).filter(total__gt=250).count() == 1
    # An annotation the count does not read is left out of its query.
    assert Author.objects.annotate(n=Count("books")).count() == 3


def test_count_of_a_nullable_column(django_db):
    Everything.objects.create(number=1)
    Everything.objects.create(number=None)
    Everything.objects.create(number=3)
    assert Everything.objects.aggregate(numbers=Count("number"), rows=Count("pk")) == {"numbers": 2, "rows": 3}
