"""Bitwise operators, which immudb lacks, computed with integer arithmetic on both servers."""

import pytest
from django.db import NotSupportedError
from django.db.models import F, Value

from tests.backend.models import Everything

EDGES = [0, 1, -1, 42, -42, 2**62, -(2**62) - 1, 2**63 - 1, -(2**63), 0x123456789ABCDEF, -0x123456789ABCDEF]


def wrapped(number):
    """``number`` as a 64-bit two's complement integer."""
    number %= 2**64
    return number - 2**64 if number >= 2**63 else number


@pytest.fixture
def numbers(django_db):
    for number in EDGES:
        Everything.objects.create(name=str(number), number=number)
    Everything.objects.create(name="null")
    return django_db


def results(**annotations):
    rows = Everything.objects.annotate(**annotations).exclude(name="null").values_list("number", *annotations)
    return {row[0]: row[1:] for row in rows}


@pytest.mark.parametrize("constant", [0, -1, 56, -56, 0x5555555555555555, 2**63 - 1, -(2**63)])
def test_and_or_xor_with_a_constant(numbers, constant):
    got = results(
        both=F("number").bitand(constant),
        either=F("number").bitor(constant),
        one=F("number").bitxor(constant),
        reversed=Value(constant).bitand(F("number")),
    )
    assert got == {n: (n & constant, n | constant, n ^ constant, n & constant) for n in EDGES}


@pytest.mark.parametrize("count", [0, 2, 61, 62, 63])
def test_shifts(numbers, count):
    got = results(left=F("number").bitleftshift(count), right=F("number").bitrightshift(count))
    assert got == {n: (wrapped(n << count), n >> count) for n in EDGES}


def test_null_operands_give_null(numbers):
    assert Everything.objects.annotate(x=F("number").bitxor(48)).get(name="null").x is None
    Everything.objects.update(number=F("number").bitor(1))
    assert Everything.objects.get(name="null").number is None
    assert Everything.objects.get(name="42").number == 43
    Everything.objects.filter(name="42").update(number=F("number").bitxor(None))
    assert Everything.objects.get(name="42").number is None


def test_two_expressions_are_refused(numbers):
    with pytest.raises(NotSupportedError, match="constant"):
        list(Everything.objects.annotate(x=F("number").bitand(F("id"))))
    with pytest.raises(NotSupportedError, match="0 to 63"):
        list(Everything.objects.annotate(x=F("number").bitleftshift(64)))
