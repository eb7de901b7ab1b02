"""Functions immudb spells otherwise or lacks, on both servers: NOW, PI, FLOOR and CEIL
of decimals, and grouping beside a constant."""

import datetime
import decimal
import math

import pytest
from django.db.models import DecimalField, Max, Value
from django.db.models.functions import Ceil, Coalesce, Floor, Now, Pi
from django.utils import timezone

from tests.backend.models import Author, Book, Everything


@pytest.fixture
def prices(django_db):
    for name, price in [("negative", "-12.901"), ("fraction", "0.6"), ("whole", "3"), ("none", None)]:
        Everything.objects.create(name=name, price=price and decimal.Decimal(price))
    return django_db


def by_name(queryset, field):
    return dict(queryset.order_by("name").values_list("name", field))


def test_now_is_the_current_time(django_db):
    before = timezone.now().replace(microsecond=0)
    now = Everything.objects.annotate(now=Now()).values_list("now", flat=True)
    Everything.objects.create(name="x")
    (value,) = now
    assert before - datetime.timedelta(minutes=1) <= value <= timezone.now() + datetime.timedelta(minutes=1)


def test_pi(django_db):
    Everything.objects.create(name="x")
    assert Everything.objects.annotate(pi=Pi()).get().pi == pytest.approx(math.pi)


def test_floor_and_ceil_of_decimals_are_exact(prices):
    qs = Everything.objects.annotate(down=Floor("price"), up=Ceil("price"))
    assert by_name(qs, "down") == {"fraction": 0, "negative": -13, "none": None, "whole": 3}
    assert by_name(qs, "up") == {"fraction": 1, "negative": -12, "none": None, "whole": 3}
    assert all(isinstance(v, decimal.Decimal) for v in by_name(qs, "down").values() if v is not None)


def test_grouping_leaves_out_a_constant_default(django_db):
    ann = Author.objects.create(name="Ann")
    Author.objects.create(name="Bob")
    Book.objects.create(title="A1", author=ann, pages=10)
    qs = Author.objects.annotate(
        most=Max("books__pages", default=Value(1) + Value(2)),
    ).order_by("name")
    assert list(qs.values_list("name", "most")) == [("Ann", 10), ("Bob", 3)]
    sql = str(qs.query)
    assert "GROUP BY" in sql and "(1 + 2)" not in sql.split("GROUP BY")[1]
