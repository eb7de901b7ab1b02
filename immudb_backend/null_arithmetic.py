"""Arithmetic that gives NULL when an operand is NULL, and COALESCE on immudb 1.9.

On immudb 1.9 and 1.11 alike, ``+``, ``-``, ``*``, ``/`` and ``%`` fail the
whole statement ("invalid value provided (expecting numeric value)") when an
operand is NULL, where SQL gives NULL. An operation with an operand that may
be NULL is sent guarded::

    (CASE WHEN a IS NOT NULL AND b IS NOT NULL THEN (a + b) END)

without ``ELSE NULL``, which immudb 1.9 cannot type. Nested arithmetic is
guarded once, at the top, for all its operands: ``(a + b) * c`` tests ``a``,
``b`` and ``c``.
"""

from django.db.models import Count
from django.db.models.aggregates import Aggregate
from django.db.models.expressions import Col, CombinedExpression, ExpressionWrapper, Ref, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.constants import LOUTER

from . import bitwise

ARITHMETIC = {
    CombinedExpression.ADD,
    CombinedExpression.SUB,
    CombinedExpression.MUL,
    CombinedExpression.DIV,
    CombinedExpression.MOD,
}


def is_plain_arithmetic(expression):
    """Arithmetic that Django writes as ``(lhs <op> rhs)`` (not a date or duration operation)."""
    return (
        isinstance(expression, CombinedExpression)
        and type(expression).as_sql is CombinedExpression.as_sql
        and expression.connector in ARITHMETIC
    )


def operands(expression):
    """The values that the arithmetic ``expression`` combines, through nested arithmetic."""
    if is_plain_arithmetic(expression):
        yield from operands(expression.lhs)
        yield from operands(expression.rhs)
    elif isinstance(expression, ExpressionWrapper):
        yield from operands(expression.expression)
    else:
        yield expression


def column_may_be_null(col, query):
    join = query.alias_map.get(col.alias)
    if join is None:
        return True  # a column of an enclosing query
    return getattr(col.target, "null", True) or getattr(join, "join_type", None) == LOUTER


def may_be_null(expression, compiler):
    """Whether ``expression`` may be NULL; True when in doubt."""
    if isinstance(expression, Value):
        return expression.value is None
    if isinstance(expression, Col):
        return column_may_be_null(expression, compiler.query)
    if isinstance(expression, Ref):
        return may_be_null(expression.source, compiler)
    if isinstance(expression, Coalesce):
        return all(may_be_null(e, compiler) for e in expression.get_source_expressions())
    if isinstance(expression, Count):
        # Never NULL; and immudb crashes on COUNT(...) IS NULL.
        return False
    return True


def unguarded_sql(expression, compiler, connection):
    """``expression`` as Django writes it, with nested arithmetic left unguarded."""
    if isinstance(expression, ExpressionWrapper):
        return unguarded_sql(expression.expression, compiler, connection)
    if not is_plain_arithmetic(expression):
        return compiler.compile(expression)
    lhs, lhs_params = unguarded_sql(expression.lhs, compiler, connection)
    rhs, rhs_params = unguarded_sql(expression.rhs, compiler, connection)
    return f"({connection.ops.combine_expression(expression.connector, [lhs, rhs])})", (*lhs_params, *rhs_params)


def set_conditions(expressions, compiler):
    """``<e> IS NOT NULL`` for each of ``expressions``, and their parameters."""
    conditions, params = [], []
    for expression in expressions:
        sql, expression_params = compiler.compile(expression)
        conditions.append(f"{sql} IS NOT NULL")
        params.extend(expression_params)
    return conditions, params


def combined_as_immudb(self, compiler, connection):
    if self.connector in bitwise.CONNECTORS:
        return bitwise.bitwise_sql(self, compiler, lambda operand: may_be_null(operand, compiler))
    if not is_plain_arithmetic(self):
        return self.as_sql(compiler, connection)
    sql, params = unguarded_sql(self, compiler, connection)
    tests, test_params = set_conditions([o for o in operands(self) if may_be_null(o, compiler)], compiler)
    if not tests:
        return sql, params
    return f"(CASE WHEN {' AND '.join(tests)} THEN {sql} END)", (*test_params, *params)


TYPED_COLUMNS = (Col, Ref, Aggregate)


def coalesce_as_immudb(self, compiler, connection):
    """``COALESCE`` as ``CASE WHEN a IS NOT NULL THEN a ... END`` on immudb 1.9, which has no COALESCE.

    immudb 1.9 cannot match a CASE branch of unknown type (a parameter, or
    arithmetic on one) with the others: such a value is cast to the type of
    the result.
    """
    if connection.features.has_coalesce:
        return self.as_sql(compiler, connection)
    sql_type = (self.output_field.db_type(connection) or "").split("[")[0].split(" ")[0].upper()

    def compile_typed(expression):
        sql, params = compiler.compile(expression)
        if sql_type and not isinstance(expression, TYPED_COLUMNS):
            sql = f"CAST({sql} AS {sql_type})"
        return sql, params

    expressions = self.get_source_expressions()
    # The values up to the first that is never NULL; the last of them is the result when the others are NULL.
    end = next((i for i, e in enumerate(expressions) if not may_be_null(e, compiler)), len(expressions) - 1)
    *tested, fallback = expressions[: end + 1]
    whens, params = [], []
    for expression in tested:
        sql, expression_params = compile_typed(expression)
        whens.append(f"WHEN {sql} IS NOT NULL THEN {sql}")
        params.extend((*expression_params, *expression_params))
    sql, fallback_params = compile_typed(fallback)
    if not whens:
        return sql, fallback_params
    if isinstance(fallback, Value) and fallback.value is None:
        return f"(CASE {' '.join(whens)} END)", params  # immudb 1.9 cannot type ELSE NULL
    return f"(CASE {' '.join(whens)} ELSE {sql} END)", (*params, *fallback_params)


def register():
    CombinedExpression.as_immudb = combined_as_immudb
    Coalesce.as_immudb = coalesce_as_immudb
