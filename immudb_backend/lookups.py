"""Lookups whose SQL differs between immudb versions.

immudb 1.9 reads LIKE's right side as an unanchored Go regular expression;
1.11 reads it as SQL LIKE (with ILIKE). Subqueries inside WHERE arrive only
in 1.11, so on 1.9 an ``__in=<queryset>`` runs its subquery first, as other
subqueries do there (subqueries_first.py).

immudb 1.11 rebuilds an IN or EXISTS subquery that has a WHERE for each
outer row, keeping only its tables, columns and WHERE: its LIMIT, OFFSET,
GROUP BY and HAVING are silently dropped. Such a subquery is sent as a
derived table, ``SELECT * FROM (<subquery>)``, which immudb evaluates whole;
a derived table cannot see the outer row, so a correlated one is refused.
"""

import copy
import math

from django.core.exceptions import EmptyResultSet
from django.db import NotSupportedError
from django.db.models import Count, TextField, lookups
from django.db.models.expressions import Col, Exists, Func, Ref, Star, Subquery, Value
from django.db.models.fields.json import JSONField, KeyTransform
from django.db.models.functions import Abs, Ceil, Floor, Length, Pi, Substr
from django.db.models.functions.text import ConcatPair
from django.db.models.sql.compiler import PositionRef
from django.db.models.sql.constants import MULTI
from django.db.models.sql.datastructures import BaseTable, Join
from django.db.models.sql.query import Query

from . import json_lookups, laterals, null_arithmetic, subqueries_first
from .datetimes import A, fill, floor_mod
from .derived_aggregation import counts_rows

TEXT_TYPES = {"CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FileField",
              "ImageField", "GenericIPAddressField", "IPAddressField"}
GO_REGEX_SPECIALS = set("\\.+*?()|[]{}^$")
LIKE_SPECIALS = set("\\%_")
# SQL that escapes LIKE's specials in the text {}: the escape character first, so
# that the escapes added for the others stay single. immudb's string literals have
# no escapes ('\' is one backslash); "%%" is a "%" once the driver has put in the
# parameters.
LIKE_ESCAPED = "REPLACE(REPLACE(REPLACE({}, '\\', '\\\\'), '%%', '\\%%'), '_', '\\_')"


def regex_escape(text):
    return "".join("\\" + c if c in GO_REGEX_SPECIALS else c for c in text)


def like_escape(text):
    return "".join("\\" + c if c in LIKE_SPECIALS else c for c in text)


# lookup name -> (regex form for 1.9, LIKE form for 1.11, case-insensitive)
PATTERNS = {
    "iexact": ("^{}$", "{}", True),
    "contains": ("{}", "%{}%", False),
    "icontains": ("{}", "%{}%", True),
    "startswith": ("^{}", "{}%", False),
    "istartswith": ("^{}", "{}%", True),
    "endswith": ("{}$", "%{}", False),
    "iendswith": ("{}$", "%{}", True),
}


def pattern_as_immudb(self, compiler, connection):
    if hasattr(self.rhs, "resolve_expression"):
        return expression_pattern_sql(self, compiler, connection)
    value = str(self.rhs)
    operator, pattern = like_operator_and_pattern(self.lookup_name, value, connection)
    json_pattern = json_pattern_sql(self, compiler, operator, pattern)
    if json_pattern:
        return json_pattern
    lhs_sql, params = text_lhs(self, compiler, connection)
    return f"{lhs_sql} {operator} %s", [*params, pattern]


def text_lhs(lookup, compiler, connection):
    """The left side of a pattern lookup, as text: immudb matches patterns against text only."""
    lhs_sql, params = lookup.process_lhs(compiler, connection)
    if lookup.lhs.output_field.get_internal_type() not in TEXT_TYPES:
        # 1.9 casts nothing but UUIDs to text.
        uuid = lookup.lhs.output_field.get_internal_type() == "UUIDField"
        if not connection.features.has_sql_like and not uuid:
            raise NotSupportedError(f"immudb 1.9 matches {lookup.lookup_name} against text columns only.")
        lhs_sql = f"CAST({lhs_sql} AS VARCHAR)"
    return lhs_sql, params


def expression_pattern_sql(lookup, compiler, connection):
    """A pattern lookup against another column or expression (immudb 1.11).

    The pattern is built on the server: the right side's text with LIKE's
    escape character and wildcards escaped, then wrapped in wildcards. A
    NULL right side matches nothing (CONCAT would skip it and match all).
    """
    if not connection.features.has_sql_like:
        raise NotSupportedError(
            f"immudb 1.9 matches {lookup.lookup_name} only against a value: it cannot escape a pattern built "
            "from a column or expression (no REPLACE)."
        )
    lhs_sql, lhs_params = text_lhs(lookup, compiler, connection)
    rhs_sql, rhs_params = lookup.process_rhs(compiler, connection)
    if lookup.rhs.output_field.get_internal_type() not in TEXT_TYPES:
        rhs_sql = f"CAST({rhs_sql} AS VARCHAR)"
    _, like_form, insensitive = PATTERNS[lookup.lookup_name]
    prefix, suffix = (f"'{wildcard}'".replace("%", "%%") for wildcard in like_form.split("{}"))
    pattern = f"CONCAT({prefix}, {LIKE_ESCAPED.format(rhs_sql)}, {suffix})"
    operator = "ILIKE" if insensitive else "LIKE"
    return f"({rhs_sql} IS NOT NULL AND {lhs_sql} {operator} {pattern})", [*rhs_params, *lhs_params, *rhs_params]


def like_operator_and_pattern(lookup_name, value, connection):
    regex_form, like_form, insensitive = PATTERNS[lookup_name]
    if connection.features.has_sql_like:
        return ("ILIKE" if insensitive else "LIKE"), like_form.format(like_escape(value))
    return "LIKE", ("(?i)" if insensitive else "") + regex_form.format(regex_escape(value))


def json_pattern_sql(lookup, compiler, operator, pattern):
    """A pattern lookup on a JSON key's text or a JSON column's text; None for other columns."""
    lhs = lookup.lhs.source if isinstance(lookup.lhs, Ref) else lookup.lhs
    if isinstance(lhs, KeyTransform):
        return json_lookups.pattern_sql(lhs, compiler, operator, pattern)
    if isinstance(lhs, Col) and isinstance(lhs.output_field, JSONField):
        return json_lookups.column_pattern_sql(lhs, compiler, operator, pattern)
    return None


def regex_as_immudb(self, compiler, connection):
    if connection.features.has_sql_like:
        return regex_by_replacing_sql(self, compiler, connection)
    if hasattr(self.rhs, "resolve_expression"):
        raise NotSupportedError("immudb matches a regex only against a value.")
    pattern = ("(?i)" if self.lookup_name == "iregex" else "") + str(self.rhs)
    json_pattern = json_pattern_sql(self, compiler, "LIKE", pattern)
    if json_pattern:
        return json_pattern
    lhs_sql, params = self.process_lhs(compiler, connection)
    return f"{lhs_sql} LIKE %s", [*params, pattern]


def regex_by_replacing_sql(lookup, compiler, connection):
    """``regex``/``iregex`` on 1.11, whose only regular expressions are REGEXP_REPLACE's (Go's RE2).

    The pattern, widened to the whole text, replaces all of a matching
    value: replaced by 'a' it is 'a' and by 'b' it is 'b', which no unchanged
    value can be. A pattern RE2 cannot compile leaves the value unchanged,
    so it matches nothing.
    """
    lhs = lookup.lhs.source if isinstance(lookup.lhs, Ref) else lookup.lhs
    if isinstance(lhs, KeyTransform) or isinstance(lhs.output_field, JSONField):
        raise NotSupportedError("immudb 1.11 matches regular expressions against text only, not JSON.")
    lhs_sql, lhs_params = compiler.compile(_as_text(lookup.lhs, connection))
    start, end = "^(?s:.*?)(?" + ("i" if lookup.lookup_name == "iregex" else "") + ":", ")(?s:.*)$"
    if hasattr(lookup.rhs, "resolve_expression"):
        rhs_sql, rhs_params = compiler.compile(lookup.rhs)
        pattern_sql, pattern_params = f"CONCAT('{start}', {rhs_sql}, '{end}')", list(rhs_params)
    else:
        pattern_sql, pattern_params = "%s", [f"{start}{lookup.rhs}{end}"]
    tests = [f"REGEXP_REPLACE({lhs_sql}, {pattern_sql}, '{mark}') = '{mark}'" for mark in "ab"]
    return f"({' AND '.join(tests)})", [*lhs_params, *pattern_params] * 2


def in_as_immudb(self, compiler, connection):
    if getattr(self.rhs, "query", None) is None and not hasattr(self.rhs, "get_compiler"):
        return self.as_sql(compiler, connection)
    subquery = getattr(self.rhs, "query", self.rhs)
    if not connection.features.supports_subqueries_in_where:
        if subqueries_first.reads_outer_query(subquery):
            return subqueries_first.correlated_in_sql(self.lhs, subquery, compiler, connection)
        chunks = subquery.get_compiler(connection=connection).execute_sql(MULTI)
        values = list(dict.fromkeys(row[0] for chunk in chunks for row in chunk if row[0] is not None))
        if not values:
            raise EmptyResultSet
        clone = lookups.In(self.lhs, values)
        return clone.as_sql(compiler, connection)
    if loses_clauses(subquery, slicing_matters=True):
        clone = copy.copy(self)
        clone.rhs = DerivedTable(self.rhs)
        return clone.as_sql(compiler, connection)
    return self.as_sql(compiler, connection)


def exists_as_immudb(self, compiler, connection):
    """EXISTS in parentheses: immudb takes a bare one only as a whole condition, not as an operand."""
    if not connection.features.supports_subqueries_in_where:
        return subqueries_first.exists_sql(self, compiler, connection)
    # Django's EXISTS subqueries all have LIMIT 1, which an EXISTS may lose.
    if connection.features.supports_subqueries_in_where and loses_clauses(self.query, slicing_matters=False):
        sql, params = self.as_sql(compiler, connection, template="EXISTS(SELECT * FROM (%(subquery)s))")
    else:
        sql, params = self.as_sql(compiler, connection)
    return f"({sql})", params


def subquery_as_immudb(self, compiler, connection):
    if not connection.features.supports_subqueries_in_where:
        return subqueries_first.scalar_sql(self.query, self.output_field, compiler, connection)
    return laterals.subquery_as_immudb(self, compiler, connection)


def query_as_immudb(self, compiler, connection):
    """A query as an operand, such as the right side of ``exact``."""
    if not connection.features.supports_subqueries_in_where:
        return subqueries_first.scalar_sql(self, self.output_field, compiler, connection)
    return self.as_sql(compiler, connection)


def loses_clauses(query, slicing_matters):
    """Whether immudb 1.11 would drop clauses of ``query`` as an IN or EXISTS subquery (see above)."""
    sliced = query.low_mark > 0 or (slicing_matters and query.high_mark is not None)
    if not query.where or not (sliced or query.group_by is not None or query.where.contains_aggregate):
        return False
    if query.get_external_cols():
        raise NotSupportedError(
            "immudb 1.11 ignores LIMIT, OFFSET, GROUP BY and HAVING in a subquery that refers to the outer query."
        )
    return True


class DerivedTable:
    """A subquery as ``(SELECT * FROM (<subquery>))``, which immudb 1.11 evaluates whole."""

    def __init__(self, subquery):
        self.subquery = subquery

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.subquery)
        return f"(SELECT * FROM {sql})", params


def join_as_immudb(self, compiler, connection):
    """immudb wants AS before an alias (the driver spells LEFT OUTER JOIN, see dialect.py)."""
    sql, params = self.as_sql(compiler, connection)
    if self.table_alias != self.table_name:
        table = compiler.quote_name_unless_alias(self.table_name)
        alias = compiler.quote_name_unless_alias(self.table_alias)
        sql = sql.replace(f"{table} {self.table_alias} ON", f"{table} AS {alias} ON", 1)
    return sql, params


def base_table_as_immudb(self, compiler, connection):
    sql = compiler.quote_name_unless_alias(self.table_name)
    params = []
    # history.as_of(): immudb's period clause goes between table and alias.
    period = getattr(compiler.query, "immudb_period", None)
    if period and self.table_name == compiler.query.base_table:
        sql += f" {period[0]}"
        params = list(period[1])
    if self.table_alias != self.table_name:
        sql += f" AS {compiler.quote_name_unless_alias(self.table_alias)}"
    if self.table_name == compiler.query.base_table and sorts_through_index_in_transaction(compiler, connection):
        pk = compiler.query.get_meta().pk
        sql += f" USE INDEX ON ({connection.ops.quote_name(pk.column)})"
    return sql, params


def sorts_through_index_in_transaction(compiler, connection):
    """Whether the query may sort or group its base table through an index, inside a transaction.

    Inside an interactive transaction (both 1.9.6 and 1.11.1), reading a
    table in the order of a secondary index, as ORDER BY or GROUP BY on an
    indexed column does, finds only the rows that the transaction's latest
    statement wrote with each value. Reading through the primary key
    (``USE INDEX ON (pk)``) and sorting afterwards finds them all.
    """
    query = compiler.query
    if connection.connection is None or connection.autocommit or query.model is None or query.get_meta().pk is None:
        return False
    return bool(query.order_by or query.group_by or query.distinct or (query.default_ordering and query.get_meta().ordering))


def position_ref_as_immudb(self, compiler, connection):
    """immudb ignores ORDER BY <position>: order by the expression itself.

    A compound query is ordered as a derived table, by its column names.
    """
    if compiler.query.combinator and self.refs:
        return connection.ops.quote_name(self.refs), []
    return compiler.compile(self.source)


def count_as_immudb(self, compiler, connection):
    """immudb 1.9 counts only rows, COUNT(*); 1.11 counts expressions too.

    On 1.9 a count of rows is sent as COUNT(*) (``counts_rows``); other
    counts are sums over a derived table, which a correlated subquery
    cannot have, and counts of distinct values are refused.
    """
    if connection.features.supports_count_expression or isinstance(self.get_source_expressions()[0], Star):
        return self.as_sql(compiler, connection)
    if counts_rows(self, compiler):
        return "COUNT(*)", []
    raise NotSupportedError(
        "immudb 1.9 counts only rows, COUNT(*); counting the non-null or distinct values of an expression "
        "needs immudb 1.11."
    )


def range_as_immudb(self, compiler, connection):
    """immudb 1.9 has no BETWEEN: the same bounds as two comparisons."""
    lhs_sql, lhs_params = self.process_lhs(compiler, connection)
    rhs_sql, rhs_params = self.process_rhs(compiler, connection)
    if not isinstance(rhs_sql, (list, tuple)) or len(rhs_sql) != 2:
        return self.as_sql(compiler, connection)  # bounds from a single expression: BETWEEN (1.11)
    low, high = rhs_sql
    # The bounds' parameters come as one list: the low bound's placeholders count its own.
    low_params, high_params = rhs_params[: low.count("%s")], rhs_params[low.count("%s") :]
    return f"({lhs_sql} >= {low} AND {lhs_sql} <= {high})", [*lhs_params, *low_params, *lhs_params, *high_params]


def substr_as_immudb(self, compiler, connection):
    """immudb's SUBSTRING needs a length: the rest of the text is at most all of it."""
    expressions = self.get_source_expressions()
    if len(expressions) == 3:
        return self.as_sql(compiler, connection)
    clone = self.copy()
    clone.set_source_expressions([*expressions, Length(expressions[0])])
    return clone.as_sql(compiler, connection)


def abs_as_immudb(self, compiler, connection):
    """immudb's ABS answers a FLOAT even for an INTEGER; a column stored as INTEGER gets one back."""
    sql, params = self.as_sql(compiler, connection)
    if connection.data_types.get(self.output_field.get_internal_type(), "").startswith("INTEGER"):
        sql = f"CAST({sql} AS INTEGER)"
    return sql, params


def concat_pair_as_immudb(self, compiler, connection):
    """immudb's CONCAT takes text only (a NULL counts as empty text): other values are cast to it."""
    clone = self.copy()
    clone.set_source_expressions([_as_text(e, connection) for e in clone.get_source_expressions()])
    return clone.as_sql(compiler, connection)


def _as_text(expression, connection):
    if (expression.output_field.db_type(connection) or "").startswith("VARCHAR"):
        return expression
    # 1.9 casts only UUIDs and JSON to VARCHAR; a number becomes JSON first.
    template = "CAST(%(expressions)s AS VARCHAR)"
    if not connection.features.is_immudb_1_11:
        template = "CAST(CAST(%(expressions)s AS JSON) AS VARCHAR)"
    return Func(expression, template=template, output_field=TextField())


def decimal_rounding_as_immudb(self, compiler, connection):
    """FLOOR and CEIL of a decimal, exact on its stored INTEGER count of 10**-places.

    FLOOR would see the scaled count (and 1.9 has none): the whole units
    are the count less its remainder modulo one unit, counted from 0 up.
    Other values keep FLOOR and CEIL (immudb 1.11 spells no CEILING).
    """
    (source,) = self.get_source_expressions()
    places = getattr(source.output_field, "decimal_places", None) or 0
    if source.output_field.get_internal_type() != "DecimalField" or not places:
        return self.as_sql(compiler, connection, function="FLOOR" if isinstance(self, Floor) else "CEIL")
    unit = 10**places
    if isinstance(self, Floor):
        template = f"({A} - {floor_mod(A, unit)})"
    else:
        template = f"({A} + {floor_mod(f'(0 - {A})', unit)})"
    if null_arithmetic.may_be_null(source, compiler):
        template = f"(CASE WHEN {A} IS NOT NULL THEN {template} END)"
    return fill(template, {A: compiler.compile(source)})


def pi_as_immudb(self, compiler, connection):
    """immudb has no PI()."""
    return repr(math.pi), []


def comparison_as_immudb(self, compiler, connection):
    """``<``, ``<=``, ``>``, ``>=`` that a NULL never satisfies.

    immudb orders NULL below every value, so ``a < 2`` and ``2 > a`` match
    rows where ``a`` is NULL (both versions); in SQL the comparison is
    unknown there. Every side that is an expression is required to be set,
    except an aggregate: immudb refuses to compare one with NULL ("values are
    not comparable"), and ``COUNT(…) IS NULL`` crashes the server.
    """
    sql, params = self.as_sql(compiler, connection)
    sides = [
        side
        for side in (self.lhs, self.rhs)
        if hasattr(side, "as_sql") and not isinstance(side, Value) and not side.contains_aggregate
    ]
    guards, guard_params = null_arithmetic.set_conditions(sides, compiler)
    if not guards:
        return sql, params
    return f"({' AND '.join(guards)} AND {sql})", (*guard_params, *params)


def register():
    json_lookups.register()
    for cls in (lookups.LessThan, lookups.LessThanOrEqual, lookups.GreaterThan, lookups.GreaterThanOrEqual):
        cls.as_immudb = comparison_as_immudb
    Abs.as_immudb = abs_as_immudb
    PositionRef.as_immudb = position_ref_as_immudb
    Count.as_immudb = count_as_immudb
    Join.as_immudb = join_as_immudb
    BaseTable.as_immudb = base_table_as_immudb
    for cls in (
        lookups.IExact,
        lookups.Contains,
        lookups.IContains,
        lookups.StartsWith,
        lookups.IStartsWith,
        lookups.EndsWith,
        lookups.IEndsWith,
    ):
        cls.as_immudb = pattern_as_immudb
    lookups.Regex.as_immudb = regex_as_immudb
    lookups.IRegex.as_immudb = regex_as_immudb
    lookups.In.as_immudb = in_as_immudb
    Exists.as_immudb = exists_as_immudb
    Subquery.as_immudb = subquery_as_immudb
    Query.as_immudb = query_as_immudb
    lookups.Range.as_immudb = range_as_immudb
    Substr.as_immudb = substr_as_immudb
    ConcatPair.as_immudb = concat_pair_as_immudb
    Floor.as_immudb = decimal_rounding_as_immudb
    Ceil.as_immudb = decimal_rounding_as_immudb
    Pi.as_immudb = pi_as_immudb
