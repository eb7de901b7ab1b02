"""Aggregates immudb cannot compute in place, on both servers.

immudb aggregates only a plain column, averages integers with integer
division, and evaluates HAVING and ORDER BY only over selected aggregates.
"""

import decimal

import pytest
from django.db.models import Avg, Case, Count, F, Max, Q, Sum, When

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
