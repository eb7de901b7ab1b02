"""Bitwise operators, computed with integer arithmetic.

immudb has no bitwise operators, but its INTEGER arithmetic is Go's int64
arithmetic: ``+``, ``-`` and ``*`` wrap around in two's complement, as the
bits of the result would. With one operand a constant, every operator is
exact over all 64-bit integers, negative ones included:

- ``a << n`` is ``a * 2**n`` (wrapping), ``a >> n`` is ``a`` less its low
  ``n`` bits, divided by ``2**n`` (exact, so the division's rounding toward
  zero does not matter);
- ``a & c`` adds up, for each run of set bits ``lo`` to ``hi`` of ``c``, the
  low ``hi`` bits of ``a`` less its low ``lo`` bits; the low ``m`` bits of
  ``a`` are ``a`` modulo ``2**m``, counted from 0 up;
- ``a | c`` is ``a + c - (a & c)`` and ``a ^ c`` is ``a + c - 2 * (a & c)``.

Two operands that are both expressions stay unsupported.
"""

from django.db import NotSupportedError
from django.db.models.expressions import Combinable, Value

from .datetimes import A, fill, floor_mod

BITS = 64
SIGN_BIT = -(2 ** (BITS - 1))
SHIFTS = {Combinable.BITLEFTSHIFT, Combinable.BITRIGHTSHIFT}
LOGICAL = {Combinable.BITAND, Combinable.BITOR, Combinable.BITXOR}
CONNECTORS = SHIFTS | LOGICAL


def literal(number):
    return f"({number})"


def low_bits(value, count):
    """The low ``count`` bits of ``value`` (a template), as a non-negative number."""
    if count == 0:
        return "0"
    if count == BITS:
        return value
    if count == BITS - 1:
        # Clearing the sign bit: adding -2**63 wraps to the same value.
        return f"(CASE WHEN {value} < 0 THEN {value} + {literal(SIGN_BIT)} ELSE {value} END)"
    return floor_mod(value, 2**count)


def set_bit_runs(constant):
    """The runs of set bits of a 64-bit ``constant``, as (lowest bit, bit above the highest)."""
    bits = constant % 2**BITS  # its two's complement
    runs, position = [], 0
    while position < BITS:
        if bits >> position & 1:
            start = position
            while position < BITS and bits >> position & 1:
                position += 1
            runs.append((start, position))
        else:
            position += 1
    return runs


def and_constant(value, constant):
    terms = [
        low_bits(value, high) if low == 0 else f"({low_bits(value, high)} - {low_bits(value, low)})"
        for low, high in set_bit_runs(constant)
    ]
    return f"({' + '.join(terms)})" if terms else "0"


def logical(connector, value, constant):
    conjunction = and_constant(value, constant)
    if connector == Combinable.BITAND:
        return conjunction
    if connector == Combinable.BITOR:
        return f"({value} + {literal(constant)} - {conjunction})"
    return f"({value} + {literal(constant)} - 2 * {conjunction})"


def shift(connector, value, count):
    if not 0 <= count < BITS:
        raise NotSupportedError(f"immudb_backend shifts by 0 to {BITS - 1} bits, not {count}.")
    factor = SIGN_BIT if count == BITS - 1 else 2**count
    if connector == Combinable.BITLEFTSHIFT:
        return f"({value} * {literal(factor)})"
    if count == BITS - 1:
        return f"(CASE WHEN {value} < 0 THEN -1 ELSE 0 END)"
    return f"(({value} - {low_bits(value, count)}) / {factor})"


def constant_of(expression):
    """The integer value of a constant operand, else None."""
    if isinstance(expression, Value) and isinstance(expression.value, int) and not isinstance(expression.value, bool):
        if not SIGN_BIT <= expression.value < -SIGN_BIT:
            raise NotSupportedError(f"{expression.value} is no 64-bit integer.")
        return expression.value
    return None


def is_null(expression):
    return isinstance(expression, Value) and expression.value is None


def bitwise_sql(expression, compiler, may_be_null):
    """The SQL of the bitwise CombinedExpression ``expression``.

    ``may_be_null(operand)`` tells whether the variable operand needs a
    guard: immudb fails a statement on arithmetic with a NULL.
    """
    connector, lhs, rhs = expression.connector, expression.lhs, expression.rhs
    if is_null(lhs) or is_null(rhs):
        return "NULL", ()
    constant = constant_of(rhs)
    if constant is None and connector in LOGICAL:
        lhs, rhs = rhs, lhs
        constant = constant_of(rhs)
    if constant is None:
        raise NotSupportedError(
            "immudb has no bitwise operators; the backend computes them only when one operand is a constant "
            "(the shift count for a shift)."
        )
    template = shift(connector, A, constant) if connector in SHIFTS else logical(connector, A, constant)
    if may_be_null(lhs):
        template = f"(CASE WHEN {A} IS NOT NULL THEN {template} END)"
    return fill(template, {A: compiler.compile(lhs)})
