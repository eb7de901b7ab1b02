"""Arithmetic with NULL, and COALESCE, on both servers.

immudb fails a statement when +, -, *, / or % meets a NULL; the backend
guards such operands so that the result is NULL, as in SQL. immudb 1.9 has
no COALESCE; the backend writes it as CASE there.
"""

import pytest
from django.db.models import BigIntegerField, F, FloatField, Value
from django.db.models.functions import Coalesce

from tests.backend.models import Everything


@pytest.fixture
def rows(django_db):
    Everything.objects.create(name="empty")
    Everything.objects.create(name="full", number=3, ratio=1.5)
    return django_db


def by_name(queryset, field):
    return dict(queryset.order_by("name").values_list("name", field))


def test_arithmetic_with_a_null_operand_is_null(rows):
    qs = Everything.objects.annotate(
        plus=F("number") + 1,
        times=F("ratio") * 2,
        modulo=F("number") % 2,
        mixed=F("number") + F("ratio"),
        nested=(F("number") + 1) * F("number") - 2,
    )
    assert by_name(qs, "plus") == {"empty": None, "full": 4}
    assert by_name(qs, "times") == {"empty": None, "full": 3.0}
    assert by_name(qs, "modulo") == {"empty": None, "full": 1}
    assert by_name(qs, "mixed") == {"empty": None, "full": 4.5}
    assert by_name(qs, "nested") == {"empty": None, "full": 10}


def test_guard_only_for_operands_that_may_be_null(rows):
    guarded = str(Everything.objects.annotate(x=F("number") + 1).query)
    unguarded = str(Everything.objects.annotate(x=F("id") + 1).query)
    assert "IS NOT NULL" in guarded
    assert "IS NOT NULL" not in unguarded


def test_filter_and_update_over_null_arithmetic(rows):
    assert list(Everything.objects.filter(number__gt=F("number") - 1).values_list("name", flat=True)) == ["full"]
    Everything.objects.update(number=F("number") * 2)
    assert by_name(Everything.objects.all(), "number") == {"empty": None, "full": 6}


def test_coalesce(rows):
    qs = Everything.objects.annotate(
        number_or_zero=Coalesce("number", 0),
        first_known=Coalesce("ratio", F("number") * 1.0, Value(7.0), output_field=FloatField()),
        never_null=Coalesce(Value(1), "number", output_field=BigIntegerField()),
    )
    assert by_name(qs, "number_or_zero") == {"empty": 0, "full": 3}
    assert by_name(qs, "first_known") == {"empty": 7.0, "full": 1.5}
    assert by_name(qs, "never_null") == {"empty": 1, "full": 1}
