"""Correlated scalar subqueries on immudb 1.11, joined LATERAL.

immudb 1.11 evaluates a scalar subquery without the outer row: a column of
the outer query is unknown inside it ("column does not exist"). Only the
WHERE of an EXISTS or IN subquery is correlated. A LATERAL join does see the
outer row, so a correlated subquery in the select list, WHERE or ORDER BY is
joined as ``LEFT JOIN LATERAL (<subquery> LIMIT 1) AS "__lateral0" ON TRUE``
and read as ``"__lateral0"."<column>"``. With no row it reads NULL, as a
scalar subquery does; LIMIT 1 takes the first of several rows, as SQLite
does where other databases refuse the query. immudb's LATERAL sees only the
outer columns that the query selects: a subquery correlated through another
column still fails ("column does not exist"), as it did unjoined.

The joins go after the query's own tables: the compiler leaves a marker
there (get_from_clause) and puts the joins, with their parameters, in its
place once the whole statement is compiled (the WHERE is compiled after
the FROM clause).
"""

import re

from django.db.models import Count, Func, IntegerField, Subquery
from django.db.models.lookups import Lookup

MARKER = "__immudb_laterals__"
PLACEHOLDER = re.compile(r"%%|%s")


class Laterals:
    """The LATERAL joins one SELECT needs, each once."""

    def __init__(self):
        self.joins = {}  # (sql, params) -> alias

    def join(self, sql, params):
        key = (sql, tuple(params))
        if key not in self.joins:
            self.joins[key] = f'"__lateral{len(self.joins)}"'
        return self.joins[key]

    def fill(self, sql, params):
        """``sql`` and ``params`` with the joins at the first marker; other markers removed.

        A rewrite may read the FROM clause more than once (derived_aggregation.py):
        the first marker is the innermost FROM, where the tables are.
        """
        marker = sql.find(MARKER)
        if marker < 0:
            return sql, params
        params = list(params)
        joins = "".join(
            f" LEFT JOIN LATERAL ({join_sql}) AS {alias} ON TRUE" for (join_sql, _), alias in self.joins.items()
        )
        before = sum(1 for match in PLACEHOLDER.finditer(sql[:marker]) if match.group() == "%s")
        join_params = [param for (_, join_params) in self.joins for param in join_params]
        sql = sql[: marker - 1] + joins + sql[marker + len(MARKER) :]
        return sql.replace(" " + MARKER, ""), (*params[:before], *join_params, *params[before:])


class LateralJoinsMixin:
    """A SELECT compiler that joins the correlated scalar subqueries it compiles (1.11)."""

    immudb_laterals = None

    def as_sql(self, *args, **kwargs):
        if not self.connection.features.is_immudb_1_11:
            return super().as_sql(*args, **kwargs)
        self.immudb_laterals = Laterals()
        try:
            sql, params = super().as_sql(*args, **kwargs)
            return self.immudb_laterals.fill(sql, params)
        finally:
            self.immudb_laterals = None

    def compile(self, node):
        if self.immudb_laterals is not None and _compares_aggregate_with_subquery(node):
            # A COUNT compared with a joined NULL crashes immudb 1.11 (nil
            # pointer): such a subquery is sent as written, which the server refuses.
            laterals, self.immudb_laterals = self.immudb_laterals, None
            try:
                return super().compile(node)
            finally:
                self.immudb_laterals = laterals
        return super().compile(node)

    def get_from_clause(self):
        result, params = super().get_from_clause()
        if result and self.immudb_laterals is not None:
            result.append(MARKER)
        return result, params


def subquery_as_immudb(self, compiler, connection):
    laterals = getattr(compiler, "immudb_laterals", None)
    if laterals is None or not connection.features.is_immudb_1_11 or not self.get_external_cols():
        return self.as_sql(compiler, connection)
    sql, params, column = _single_column_sql(_with_plain_count(self.query), connection)
    if self.query.high_mark is None:
        sql += " LIMIT 1"
    alias = laterals.join(sql, params)
    return f"{alias}.{connection.ops.quote_name(column)}", []


def _compares_aggregate_with_subquery(node):
    if not isinstance(node, Lookup):
        return False
    sides = [side for side in (node.lhs, node.rhs) if hasattr(side, "resolve_expression")]
    return any(side.contains_aggregate for side in sides) and any(_has_subquery(side) for side in sides)


def _has_subquery(expression):
    if isinstance(expression, Subquery):
        return True
    return any(_has_subquery(source) for source in expression.get_source_expressions() if source is not None)


def _single_column_sql(query, connection):
    inner = query.get_compiler(connection=connection)
    sql, params = inner.as_sql(with_col_aliases=True)
    return sql, params, inner.select[0][2]


def _with_plain_count(query):
    """``query`` with a selected COUNT read as ``COALESCE(COUNT(...) + 0, 0)``.

    immudb 1.11 crashes (nil pointer) when the outer query tests a joined
    COUNT for NULL, as its NULL guards do; the sum is a plain integer. Over
    no rows it is NULL, where COUNT is 0: hence the COALESCE.
    """
    counts = [name for name, annotation in query.annotation_select.items() if isinstance(annotation, Count)]
    if not counts:
        return query
    query = query.clone()
    for name in counts:
        query.annotations[name] = Func(
            query.annotations[name], template="COALESCE(%(expressions)s + 0, 0)", output_field=IntegerField()
        )
    return query
