"""JSONField queries on immudb.

immudb (1.9.6 and 1.11.1 alike) reads into JSON with ``col->'key'->'0'``:
object keys and non-negative array positions, written as string literals
and applied to a table column only (not to a parameter, a subquery or
another expression). Around that operator the servers behave as follows,
and this module builds its SQL accordingly:

- ``->`` on a column holding SQL NULL is an error, so every path is guarded:
  ``CASE WHEN col IS NULL THEN NULL ELSE col->'k' END``.
- ``IS NULL`` is true for a JSON null too; ``JSON_TYPEOF(x)`` is NULL only
  for SQL NULL (a missing key), and ``'NULL'`` for a JSON null.
- Comparing JSON values of different types, or any object or array, is an
  error. Equality therefore compares canonical JSON text, which the server
  itself writes for both sides: ``CAST(x AS VARCHAR)`` and
  ``CAST(CAST(%s AS JSON) AS VARCHAR)``. Ordering comparisons first check
  the JSON type.
- ``LIKE`` reads a JSON string as its plain text (other types are an error).
- A comparison with NULL is false, not unknown, so ``NOT`` would turn a
  missing key into a match. Lookups that SQL leaves unknown for a missing
  key (or a value of another type) are written for the polarity they are
  compiled in: ``defined AND test`` normally, ``NOT defined OR test`` under
  an odd number of NOTs, which gives the rows three-valued logic gives.
- Server quirk: a JSON null under key ``k`` at path position ``i`` (counted
  from 0) reads as a missing key when ``len(k) > i + 1`` (the server compares
  the position with the key's length instead of the path's). So has_key,
  ``key__isnull`` and ``key=None`` see such a null as absent; a one-letter
  top-level key, for one, is read right.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError
from django.db.models import JSONField
from django.db.models.expressions import Col, ExpressionList, Ref
from django.db.models.fields.json import (
    HasAnyKeys,
    HasKey,
    HasKeys,
    JSONExact,
    KeyTextTransform,
    KeyTransform,
    KeyTransformExact,
    KeyTransformGt,
    KeyTransformGte,
    KeyTransformIn,
    KeyTransformIsNull,
    KeyTransformLt,
    KeyTransformLte,
)
from django.db.models.functions import Cast
from django.db.models.lookups import IsNull
from django.db.models.sql.where import WhereNode

# JSON_TYPEOF's name for the type a Python value compares with.
JSON_TYPES = {bool: "BOOL", int: "NUMBER", float: "NUMBER", str: "STRING"}


def is_json(expression):
    field = getattr(expression, "_output_field_or_none", None)
    return isinstance(field, JSONField)


def base_and_keys(expression):
    """The column a chain of key transforms reads, and the keys in order.

    A cast of a JSON value to JSON changes nothing, so it is looked through;
    so is a reference to an annotation.
    """
    keys = []
    while True:
        if isinstance(expression, KeyTransform):
            keys.insert(0, expression.key_name)
            expression = expression.lhs
        elif isinstance(expression, Ref):
            expression = expression.source
        elif (
            isinstance(expression, Cast)
            and is_json(expression)
            and is_json(expression.source_expressions[0])
            and not isinstance(expression.source_expressions[0], KeyTextTransform)
        ):
            expression = expression.source_expressions[0]
        else:
            return expression, keys


def key_literal(key):
    if key.lstrip("-").isdigit() and key.startswith("-"):
        raise NotSupportedError(f"immudb's JSON operator -> reads no negative array position ({key}).")
    # The SQL is %-formatted later, so a literal % is doubled.
    return "'" + key.replace("'", "''").replace("%", "%%") + "'"


def column_sql(compiler, expression):
    """A JSON column's SQL (a column has no parameters, so the SQL may be repeated freely)."""
    if not isinstance(expression, Col):
        raise NotSupportedError(
            f"immudb applies its JSON operator -> to a table column only, not to {type(expression).__name__}."
        )
    sql, _ = compiler.compile(expression)
    return sql


def path_sql(column, keys):
    """``column->'k1'->'k2'``, NULL where the column is NULL; ``column`` itself without keys."""
    if not keys:
        return column
    arrows = "->".join(key_literal(key) for key in keys)
    return f"(CASE WHEN {column} IS NULL THEN NULL ELSE {column}->{arrows} END)"


def json_value_sql(compiler, expression):
    """SQL for a JSON-valued expression: a JSON column or a key path into one."""
    base, keys = base_and_keys(expression)
    return path_sql(column_sql(compiler, base), keys)


def exists_sql(value_sql):
    """True where the value is there: not SQL NULL, not a missing key (a JSON null is there)."""
    return f"JSON_TYPEOF({value_sql}) IS NOT NULL"


def text_sql(value_sql):
    """The server's canonical JSON text of a value."""
    return f"CAST({value_sql} AS VARCHAR)"


def negated(compiler):
    return getattr(compiler, "immudb_negations", 0) % 2 == 1


def unknown_unless(compiler, defined, test):
    """``test`` where ``defined`` holds, else SQL's unknown, for the polarity being compiled."""
    if negated(compiler):
        return f"(NOT ({defined}) OR {test})"
    return f"({defined} AND {test})"


def where_as_immudb(self, compiler, connection):
    """Count the NOTs around the conditions compiled inside, for :func:`unknown_unless`."""
    if not self.negated:
        return self.as_sql(compiler, connection)
    compiler.immudb_negations = getattr(compiler, "immudb_negations", 0) + 1
    try:
        return self.as_sql(compiler, connection)
    finally:
        compiler.immudb_negations -= 1


# Lookups ----------------------------------------------------------------


def is_json_path(expression):
    return isinstance(expression, (KeyTransform, Ref, Cast, Col)) and is_json(expression)


def rhs_text_sql(lookup, compiler, connection, value):
    """Canonical JSON text of one right-hand value, the conditions it needs, and its params.

    A JSON column or path is read in place; a Python value or ``Value(...,
    JSONField())`` goes as a JSON document parameter that the server parses.
    """
    if is_json_path(value):
        value_sql = json_value_sql(compiler, value)
        return text_sql(value_sql), [exists_sql(value_sql)], []
    if hasattr(value, "as_sql"):
        if not (hasattr(value, "value") and is_json(value)):
            raise NotSupportedError("immudb compares a JSON value only with a value or another JSON value.")
        sql, params = compiler.compile(value)
    else:
        sql, params = "%s", [lookup.lhs.output_field.get_db_prep_value(value, connection, prepared=True)]
    return f"CAST(CAST({sql} AS JSON) AS VARCHAR)", [], params


def exact_as_immudb(self, compiler, connection):
    """``value=<json>``, ``value__key=<json>``: the canonical JSON texts are equal.

    ``value__key=None`` means a JSON null there.
    """
    lhs_sql = json_value_sql(compiler, self.lhs)
    rhs_sql, rhs_defined, params = rhs_text_sql(self, compiler, connection, self.rhs)
    defined = " AND ".join([exists_sql(lhs_sql), *rhs_defined])
    return unknown_unless(compiler, defined, f"{text_sql(lhs_sql)} = {rhs_sql}"), params


def in_as_immudb(self, compiler, connection):
    """``value__key__in=[...]``: the canonical JSON text is one of the values' texts."""
    if not isinstance(self.rhs, (list, tuple, ExpressionList)):
        raise NotSupportedError("immudb compares a JSON key with a list of values only, not with a subquery.")
    lhs_sql = json_value_sql(compiler, self.lhs)
    rhs = self.rhs.get_source_expressions() if isinstance(self.rhs, ExpressionList) else self.rhs
    values = [value for value in rhs if value is not None]
    if not values:
        raise EmptyResultSet
    texts, params = [], []
    for value in values:
        # A JSON path among the values that reads nothing is a NULL in the list: no match.
        value_sql, _, value_params = rhs_text_sql(self, compiler, connection, value)
        texts.append(value_sql)
        params += value_params
    test = f"{text_sql(lhs_sql)} IN ({', '.join(texts)})"
    return unknown_unless(compiler, exists_sql(lhs_sql), test), params


def compare_as_immudb(self, compiler, connection):
    """``value__key__gt=5``: compared where the key holds a value of the same JSON type."""
    if hasattr(self.rhs, "as_sql"):
        raise NotSupportedError("immudb compares a JSON key's value in order only with a value.")
    value = json.loads(self.lhs.output_field.get_db_prep_value(self.rhs, connection, prepared=True))
    json_type = JSON_TYPES.get(type(value))
    if json_type is None:
        raise NotSupportedError(f"immudb orders JSON numbers, strings and booleans only, not {value!r}.")
    lhs_sql = json_value_sql(compiler, self.lhs)
    test = f"{lhs_sql} {connection.operators[self.lookup_name]}"
    return unknown_unless(compiler, f"JSON_TYPEOF({lhs_sql}) = '{json_type}'", test), [value]


def key_isnull_as_immudb(self, compiler, connection):
    """``value__key__isnull``: whether the key is missing (SQL NULL columns have no keys)."""
    lhs_sql = json_value_sql(compiler, self.lhs)
    return f"JSON_TYPEOF({lhs_sql}) IS {'' if self.rhs else 'NOT '}NULL", []


def column_isnull_as_immudb(self, compiler, connection):
    """A JSON column's ``isnull`` is SQL NULL only; immudb's IS NULL also takes a JSON null."""
    if not isinstance(self.lhs, Col):
        return self.as_sql(compiler, connection)
    lhs_sql, params = compiler.compile(self.lhs)
    return f"JSON_TYPEOF({lhs_sql}) IS {'' if self.rhs else 'NOT '}NULL", params


def has_key_as_immudb(self, compiler, connection):
    """``has_key``: the parent is an object and reading the key finds a value.

    Only an object has keys, so an array position is no key (as elsewhere
    in Django); see the module docstring for JSON nulls under long keys.
    """
    base, lhs_keys = base_and_keys(self.lhs)
    column = column_sql(compiler, base)
    rhs = self.rhs if isinstance(self.rhs, (list, tuple)) else [self.rhs]
    tests = []
    for key in rhs:
        keys = base_and_keys(key)[1] if isinstance(key, KeyTransform) else [str(key)]
        parent = path_sql(column, lhs_keys + keys[:-1])
        value = path_sql(column, lhs_keys + keys)
        tests.append(f"(JSON_TYPEOF({parent}) = 'OBJECT' AND {exists_sql(value)})")
    operator = " OR " if isinstance(self, HasAnyKeys) else " AND "
    return f"({operator.join(tests)})", []


def pattern_sql(expression, compiler, operator, pattern):
    """A LIKE on a JSON key's value as text: a string's own text, other values' JSON text.

    A JSON null or a missing key has no text (unknown, as SQL has it).
    """
    value_sql = json_value_sql(compiler, expression)
    test = (
        f"((JSON_TYPEOF({value_sql}) = 'STRING' AND {value_sql} {operator} %s)"
        f" OR (JSON_TYPEOF({value_sql}) <> 'STRING' AND {text_sql(value_sql)} {operator} %s))"
    )
    defined = f"{exists_sql(value_sql)} AND JSON_TYPEOF({value_sql}) <> 'NULL'"
    return unknown_unless(compiler, defined, test), [pattern, pattern]


def column_pattern_sql(column, compiler, operator, pattern):
    """A LIKE on a whole JSON column's canonical JSON text."""
    column = column_sql(compiler, column)
    return unknown_unless(compiler, exists_sql(column), f"{text_sql(column)} {operator} %s"), [pattern]


def cast_as_immudb(self, compiler, connection):
    """A JSON value cast to JSON is itself; immudb refuses ``CAST(x AS JSON)`` of an object or array."""
    source = self.source_expressions[0]
    if is_json(self) and is_json(source) and not isinstance(source, KeyTextTransform):
        return compiler.compile(source)
    return self.as_sql(compiler, connection)


def key_transform_as_immudb(self, compiler, connection):
    return json_value_sql(compiler, self), []


def convert_key_text(value, expression, connection):
    """A key's value as text: a JSON string's own text, other values' JSON text."""
    if value is None:
        return None
    decoded = json.loads(value)
    if decoded is None or isinstance(decoded, str):
        return decoded
    return value


def register():
    KeyTransform.as_immudb = key_transform_as_immudb
    for cls in (JSONExact, KeyTransformExact):
        cls.as_immudb = exact_as_immudb
    KeyTransformIn.as_immudb = in_as_immudb
    for cls in (KeyTransformLt, KeyTransformLte, KeyTransformGt, KeyTransformGte):
        cls.as_immudb = compare_as_immudb
    KeyTransformIsNull.as_immudb = key_isnull_as_immudb
    JSONField.register_lookup(JSONIsNull)
    for cls in (HasKey, HasKeys, HasAnyKeys):
        cls.as_immudb = has_key_as_immudb
    WhereNode.as_immudb = where_as_immudb
    Cast.as_immudb = cast_as_immudb


class JSONIsNull(IsNull):
    as_immudb = column_isnull_as_immudb
