"""Aggregates over expressions, computed through a derived table.

immudb aggregates only a plain column: ``SUM(col)``, ``COUNT(*)``,
``COUNT(DISTINCT col)``. Django aggregates expressions too (``SUM(a * b)``,
``SUM(CASE WHEN ...)`` for ``filter=``, ``MAX(COALESCE(...))``), and immudb
averages an INTEGER column with integer division, so ``Avg`` of integers and
of decimals (stored as scaled integers) loses its fraction.

Such a query is sent as an aggregation over a derived table that computes
every non-aggregate expression under a generated column name::

    SELECT "__d1", SUM("__d0") FROM (
        SELECT <expression> AS "__d0", <grouped column> AS "__d1" FROM ... WHERE ...
    ) AS "__d" GROUP BY "__d1" HAVING ... ORDER BY ...

The outer query sees only those columns, the aggregates over them and the
expressions over aggregates, so an aggregate always reads a plain column and
GROUP BY names columns only. Averages, variances and standard deviations are
computed there from sums (averages.py). A query without GROUP BY reads its
aggregates from a further derived table of one row (``AggregateRow``).
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError
from django.db.models import Avg, Count, FloatField, IntegerField, Sum
from django.db.models.aggregates import Aggregate, StdDev
from django.db.models.expressions import Case, Col, CombinedExpression, Expression, OrderBy, Ref, Star, Subquery, Value
from django.db.models.lookups import IsNull
from django.db.models.sql.constants import LOUTER
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, WhereNode
from django.utils.hashable import make_hashable

from . import averages
from .averages import AverageFromSums, SpreadFromSums, is_sample, is_spread

DERIVED_TABLE = '"__d"'
AGGREGATE_ROW = '"__a"'


class DerivedColumn(Expression):
    """A column of the derived table, by its generated name."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return connection.ops.quote_name(self.name), []

    def get_group_by_cols(self):
        return [self]


class WhenOnly(Expression):
    """``CASE WHEN <condition> THEN <value> END``: NULL where the condition fails.

    immudb 1.9 cannot type ``CASE ... ELSE NULL END`` ("CASE types INTEGER and
    ANY cannot be matched"), yet takes the same CASE without its ELSE.
    """

    def __init__(self, condition, value, output_field):
        super().__init__(output_field=output_field)
        self.condition, self.value = condition, value

    def get_source_expressions(self):
        return [self.condition, self.value]

    def set_source_expressions(self, exprs):
        self.condition, self.value = exprs

    def as_sql(self, compiler, connection):
        # A condition that nothing meets raises EmptyResultSet: the aggregate
        # then has no values, which the compiler answers for it.
        try:
            condition, condition_params = compiler.compile(self.condition)
        except FullResultSet:
            return compiler.compile(self.value)
        value, value_params = compiler.compile(self.value)
        return f"CASE WHEN {condition} THEN {value} END", (*condition_params, *value_params)


class Indicator(Expression):
    """``CASE WHEN <condition> THEN 1 ELSE 0 END``: what a SUM counts the rows meeting ``condition`` with.

    With no ELSE, a SUM over rows that all fail the condition would be NULL
    rather than a count of 0.
    """

    def __init__(self, condition, output_field):
        super().__init__(output_field=output_field)
        self.condition = condition

    def get_source_expressions(self):
        return [self.condition]

    def set_source_expressions(self, exprs):
        (self.condition,) = exprs

    def as_sql(self, compiler, connection):
        try:
            condition, params = compiler.compile(self.condition)
        except FullResultSet:
            return "1", []
        except EmptyResultSet:
            return "0", []
        return f"CASE WHEN {condition} THEN 1 ELSE 0 END", params


class OneSource(Expression):
    """An expression around one other, kept in ``self.expression``."""

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs):
        (self.expression,) = exprs


class Typed(OneSource):
    """``CAST(<expression> AS <type>)``.

    In a derived table, a column computed from a query parameter has no type
    for immudb ("INTEGER or FLOAT can not be interpreted as type ANY"), so
    SUM and AVG refuse it; the cast gives it one.
    """

    def __init__(self, expression, sql_type, output_field):
        super().__init__(output_field=output_field)
        self.expression, self.sql_type = expression, sql_type

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"CAST({sql} AS {self.sql_type})", params


class AsFloat(OneSource):
    """The FLOAT value of an INTEGER expression, divided by 10**places.

    A decimal is stored as a count of 10**-decimal_places. An average of
    decimals usually has no decimal places of its own to scale by (Django
    gives it a bare DecimalField), so it is averaged unscaled.
    """

    output_field = FloatField()

    def __init__(self, expression, places):
        super().__init__()
        self.expression, self.places = expression, places

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        sql = f"CAST({sql} AS FLOAT)"
        if self.places:
            sql = f"{sql} / {10 ** self.places}.0"
        return sql, params


def nodes(expression):
    """``expression`` and what it is made of, short of what a ``Ref`` names: that is computed elsewhere."""
    yield expression
    if isinstance(expression, Ref):
        return
    children = getattr(expression, "children", None)
    if children is None and hasattr(expression, "get_source_expressions"):
        children = expression.get_source_expressions()
    for child in children or ():
        if child is not None and hasattr(child, "as_sql"):
            yield from nodes(child)


def aggregated_source(aggregate):
    return aggregate.get_source_expressions()[0]


def decimal_places(field):
    return getattr(field, "decimal_places", None) or 0


def averages_integers(aggregate):
    return isinstance(aggregate, Avg) and aggregated_source(aggregate).output_field.get_internal_type() != "FloatField"


def counts_rows(count, compiler):
    """Whether ``count`` is a COUNT that immudb can compute in place.

    immudb 1.9 counts only rows, COUNT(*). Counting a NOT NULL column that
    no LEFT JOIN can make NULL is counting rows; other counts are sums of
    ones over a derived table there (``DerivedTable.counted_by_sum``).
    """
    counted = aggregated_source(count)
    if compiler.connection.features.supports_count_expression or isinstance(counted, Star):
        return True
    if getattr(counted, "value", None) == "*":
        return True
    if count.distinct or count.filter is not None or not isinstance(counted, Col) or counted.target.null:
        return False
    join = compiler.query.alias_map.get(counted.alias)
    return join is not None and getattr(join, "join_type", None) != LOUTER


def needs_derived_table(aggregate, compiler):
    """Whether immudb cannot compute ``aggregate`` over the query's own tables."""
    source = aggregated_source(aggregate)
    if isinstance(source, DerivedColumn):
        return False
    return (
        aggregate.filter is not None
        or not isinstance(source, (Col, Ref, Star))
        or isinstance(aggregate, Avg)
        or is_spread(aggregate)
        or (isinstance(aggregate, Count) and not aggregate.distinct and not counts_rows(aggregate, compiler))
    )


def computes_aggregate(node):
    """Whether ``node`` is an aggregate: an Aggregate, or raw SQL said to contain one (with none inside)."""
    if isinstance(node, Aggregate):
        return True
    return (
        getattr(node, "contains_aggregate", False)
        and not isinstance(node, Ref)
        and not any(isinstance(n, Aggregate) for n in nodes(node))
    )


def correlated(node):
    """Whether ``node`` is a subquery that reads a column of an enclosing query."""
    return isinstance(node, (Subquery, Query)) and bool(node.get_external_cols())


def query_needs_derived_table(expressions, compiler, grouped=()):
    """Whether the query needs the derived table, and can have one.

    It does when an aggregate in ``expressions`` needs one, or when it
    groups by more than columns (``grouped``): immudb's GROUP BY takes
    column names only.

    Inside a derived table immudb 1.11 loses the enclosing row: a correlated
    subquery there fails with "column does not exist". A query with one, or
    that is one, keeps its aggregates in place.
    """
    found = [node for expression in expressions if expression is not None for node in nodes(expression)]
    if any(correlated(node) for node in found):
        return False
    return any(isinstance(node, Aggregate) and needs_derived_table(node, compiler) for node in found) or any(
        groups_by_expression(expression) for expression in grouped
    )


def groups_by_expression(expression):
    source = expression.source if isinstance(expression, Ref) else expression
    return any(not isinstance(col, Col) for col in source.get_group_by_cols())


def numeric_sql_type(output_field, connection):
    """INTEGER or FLOAT when values of ``output_field`` are stored as such, else None."""
    db_type = output_field.db_type(connection) or ""
    base = db_type.split()[0].split("[")[0].upper() if db_type else ""
    return base if base in ("INTEGER", "FLOAT") else None


class DerivedTable:
    """The columns a derived table computes, named in the order they are met."""

    def __init__(self, compiler):
        self.compiler = compiler
        self.connection = compiler.connection
        self.columns = {}  # (sql, hashable params) over the underlying tables -> (name, sql, params)
        self.collecting = True

    def column(self, expression, output_field=None):
        """The derived column computing ``expression``, one per distinct SQL."""
        sql, params = self.compiler.compile_inner(expression)
        key = (sql, make_hashable(params))
        if key not in self.columns:
            if not self.collecting:
                raise AssertionError(f"{sql} was not met while collecting the derived columns")
            self.columns[key] = (f"__d{len(self.columns)}", sql, params)
        return DerivedColumn(self.columns[key][0], output_field or expression.output_field)

    def outer_aggregate(self, aggregate):
        """``aggregate`` reading one derived column, with its filter applied there."""
        output_field = aggregate.output_field
        if isinstance(aggregate, Count) and not self.connection.features.supports_count_expression:
            return self.counted_by_sum(aggregate, output_field)
        if isinstance(aggregate, Avg) and not aggregate.distinct:
            return self.average(aggregate)
        if is_spread(aggregate):
            return self.spread(aggregate)
        source = aggregated_source(aggregate)
        if aggregate.filter is not None:
            source = WhenOnly(aggregate.filter, source, source.output_field)
        if averages_integers(aggregate):
            source = AsFloat(source, decimal_places(source.output_field) - decimal_places(output_field))
        elif not isinstance(source, (Col, Ref)) and (sql_type := numeric_sql_type(source.output_field, self.connection)):
            source = Typed(source, sql_type, source.output_field)
        outer = aggregate.copy()
        outer.set_source_expressions([self.column(source), None])
        outer.output_field = output_field
        return outer

    def counted_by_sum(self, count, output_field):
        """immudb 1.9 counts only rows: the count of non-null values as a SUM of ones."""
        if count.distinct:
            raise NotSupportedError(
                "immudb 1.9 counts only rows, COUNT(*); counting distinct values needs immudb 1.11."
            )
        return self.count_by_sum(aggregated_source(count), count.filter, output_field)

    def count_by_sum(self, expression, filter, output_field):
        """The count of the non-null values of ``expression`` where ``filter`` holds, as a SUM of ones."""
        condition = WhereNode([IsNull(expression, False)], AND)
        if filter is not None:
            condition = WhereNode([filter, condition], AND)
        summed = Sum(self.column(Indicator(condition, output_field)))
        summed.output_field = output_field
        summed.empty_result_set_value = 0  # a count
        return summed

    def float_values(self, aggregate, places):
        """The FLOAT values that ``aggregate`` reads, divided by 10**places, NULL where its filter fails."""
        source = aggregated_source(aggregate)
        value = source if aggregate.filter is None else WhenOnly(aggregate.filter, source, source.output_field)
        return AsFloat(value, places)

    def count_of_values(self, aggregate):
        return self.count_by_sum(aggregated_source(aggregate), aggregate.filter, IntegerField())

    def average(self, aggregate):
        """An average from the sum and the count of the values (averages.py)."""
        places = decimal_places(aggregated_source(aggregate).output_field) - decimal_places(aggregate.output_field)
        total = Sum(self.column(self.float_values(aggregate, places)))
        return AverageFromSums(total, self.count_of_values(aggregate), aggregate.output_field)

    def spread(self, aggregate):
        """A variance or standard deviation from sums of the values and of their squares (averages.py)."""
        root = isinstance(aggregate, StdDev)
        if root and not self.connection.features.has_square_root:
            raise NotSupportedError("immudb 1.9 has no square root, so no standard deviation; immudb 1.11 has.")
        value = self.float_values(aggregate, decimal_places(aggregated_source(aggregate).output_field))
        squared = CombinedExpression(value, CombinedExpression.MUL, value, FloatField())
        sum_x, sum_squares = Sum(self.column(value)), Sum(self.column(squared))
        return SpreadFromSums(sum_x, sum_squares, self.count_of_values(aggregate), is_sample(aggregate), root)

    def select_sql(self):
        """The derived table's SELECT list."""
        if not self.columns:
            # Every aggregate turned out constant (its filter matches nothing).
            return "1 AS \"__d0\"", []
        parts, params = [], []
        for name, sql, column_params in self.columns.values():
            parts.append(f"{sql} AS {self.connection.ops.quote_name(name)}")
            params.extend(column_params)
        return ", ".join(parts), params


class AggregateRow:
    """The aggregates of a query without GROUP BY, computed in a derived table of one row.

    Over no rows, immudb returns a row only when every selected value is a
    plain aggregate, and then 0 or '' for SUM, MIN, MAX and AVG, where SQL
    has NULL; with an expression over an aggregate (``COALESCE(SUM(x), 0)``)
    it returns no row at all. The aggregates are computed with COUNT(*) in a
    derived table, which always has its one row, and read from there, NULL
    when there were no rows::

        SELECT COALESCE((CASE WHEN "__n" > 0 THEN "__a0" END), 0) FROM (
            SELECT SUM(x) AS "__a0", COUNT(*) AS "__n" FROM ... WHERE ...
        ) AS "__a"
    """

    def __init__(self, compiler):
        self.compiler = compiler
        self.aggregates = {}  # (sql, hashable params) -> (name, sql, params)
        self.collecting = True

    @staticmethod
    def needed(annotations):
        """Whether aggregating ``annotations`` over no rows needs the row: all but bare counts do."""
        return any(getattr(a, "contains_aggregate", False) for a in annotations) and not all(
            isinstance(a, Count) for a in annotations
        )

    def read(self, aggregate):
        """``aggregate``, read from the derived table."""
        sql, params = self.compiler.compile_aggregate(aggregate)
        key = (sql, make_hashable(params))
        if key not in self.aggregates:
            if not self.collecting:
                raise AssertionError(f"{sql} was not met while collecting the aggregates")
            self.aggregates[key] = (f"__a{len(self.aggregates)}", sql, params)
        column = self.compiler.connection.ops.quote_name(self.aggregates[key][0])
        if aggregate.empty_result_set_value is None:
            return f'(CASE WHEN "__n" > 0 THEN {column} END)', []
        return column, []

    def from_sql(self, from_, params):
        """The derived table of one row, aggregating ``from_``."""
        quote_name = self.compiler.connection.ops.quote_name
        parts, select_params = [], []
        for name, sql, aggregate_params in self.aggregates.values():
            parts.append(f"{sql} AS {quote_name(name)}")
            select_params.extend(aggregate_params)
        parts.append('COUNT(*) AS "__n"')
        return f"(SELECT {', '.join(parts)} FROM {from_}) AS {AGGREGATE_ROW}", (*select_params, *params)


class DerivedAggregationCompilerMixin:
    """Compiles the outer query over the derived table while ``derived`` is set,
    and reads its aggregates from a row of aggregates while ``aggregated`` is."""

    derived = None
    aggregated = None
    # What names a column of the tables below the outer query.
    underlying_columns = (Col,)

    def compile(self, node):
        aggregated = self.aggregated
        if aggregated is not None and computes_aggregate(node):
            if self.derived is None or not (isinstance(node, Aggregate) and needs_derived_table(node, self)):
                return aggregated.read(node)
        derived = self.derived
        if derived is None:
            return super().compile(node)
        if isinstance(node, Ref) and Ref not in self.underlying_columns:
            return super().compile(node)  # a column of the outer SELECT
        if isinstance(node, Aggregate) and needs_derived_table(node, self):
            return self.compile(derived.outer_aggregate(node))
        if isinstance(node, (DerivedColumn, OrderBy)) or (
            getattr(node, "contains_aggregate", False) and not isinstance(node, Ref)
        ):
            return super().compile(node)
        if any(isinstance(n, (*self.underlying_columns, Subquery, Query)) for n in nodes(node)):
            return super().compile(derived.column(node))
        return super().compile(node)

    def compile_inner(self, node):
        """``node`` compiled over the underlying tables."""
        derived, aggregated, self.derived, self.aggregated = self.derived, self.aggregated, None, None
        try:
            return self.compile(node)
        finally:
            self.derived, self.aggregated = derived, aggregated

    def compile_aggregate(self, aggregate):
        """``aggregate`` compiled where the row of aggregates computes it."""
        aggregated, self.aggregated = self.aggregated, None
        try:
            return self.compile(aggregate)
        finally:
            self.aggregated = aggregated

    def compile_twice(self, as_sql, derived, aggregated):
        """Run ``as_sql`` over a derived table, a row of aggregates, or both.

        The first run meets every column and aggregate the outer query reads;
        the second writes the outer query around the finished tables.
        """
        self.derived = DerivedTable(self) if derived else None
        self.aggregated = AggregateRow(self) if aggregated else None
        try:
            as_sql()
            for table in (self.derived, self.aggregated):
                if table is not None:
                    table.collecting = False
            return as_sql()
        finally:
            self.derived = self.aggregated = None

    def inner_where(self):
        """The WHERE clause of the innermost derived table."""
        if self.where is None:
            return "", []
        try:
            return self.compile(self.where)
        except FullResultSet:
            return "", []
        except EmptyResultSet:
            if self.elide_empty:
                raise
            return "0 = 1", []


class DerivedAggregationSQLCompilerMixin(DerivedAggregationCompilerMixin):
    def as_sql(self, with_limits=True, with_col_aliases=False):
        as_sql = super().as_sql
        if self.derived is not None or self.aggregated is not None or self.query.combinator or correlated(self.query):
            return as_sql(with_limits, with_col_aliases)
        derived, aggregated = self.needs_derived_table(), self.needs_aggregate_row()
        if not (derived or aggregated):
            return as_sql(with_limits, with_col_aliases)
        return self.compile_twice(lambda: as_sql(with_limits, with_col_aliases), derived, aggregated)

    def needs_aggregate_row(self):
        query = self.query
        return query.group_by is None and not query.subquery and AggregateRow.needed(query.annotation_select.values())

    def needs_derived_table(self):
        query = self.query
        grouped = []
        if query.group_by is not None:
            # What GROUP BY lists: the grouped expressions, and the selected ones that are no aggregates.
            grouped = [*query.group_by] if isinstance(query.group_by, tuple) else []
            grouped += [a for a in query.annotation_select.values() if not a.contains_aggregate]
        # What the query computes: the selected annotations, those it orders
        # by (an annotation left out of SELECT is pruned), and WHERE, which
        # holds what becomes HAVING.
        ordered_by = [e for e in query.order_by if hasattr(e, "as_sql")]
        names = [name.lstrip("-") for name in query.order_by if isinstance(name, str)]
        ordered_by += [query.annotations[name] for name in names if name in query.annotations]
        return query_needs_derived_table(
            [*query.annotation_select.values(), *ordered_by, query.where],
            self,
            grouped,
        )

    def get_from_clause(self):
        if self.aggregated is not None:
            return self.aggregate_row_from_clause()
        if self.derived is None:
            return super().get_from_clause()
        if self.derived.collecting:
            return [DERIVED_TABLE], []
        derived, self.derived = self.derived, None
        try:
            select, params = derived.select_sql()
            from_, from_params = self.get_from_clause()
            sql = f"SELECT {select} FROM {' '.join(from_)}"
            params += from_params
            where, where_params = self.inner_where()
            if where:
                sql += f" WHERE {where}"
                params += where_params
        finally:
            self.derived = derived
        return [f"({sql}) AS {DERIVED_TABLE}"], params

    def aggregate_row_from_clause(self):
        if self.aggregated.collecting:
            return [AGGREGATE_ROW], []
        aggregated, self.aggregated = self.aggregated, None
        try:
            from_, params = self.get_from_clause()
            from_ = " ".join(from_)
            if self.derived is None:  # else the derived table applies WHERE
                where, where_params = self.inner_where()
                if where:
                    from_ += f" WHERE {where}"
                    params = [*params, *where_params]
            sql, params = aggregated.from_sql(from_, params)
        finally:
            self.aggregated = aggregated
        return [sql], list(params)

    def compile(self, node):
        # The derived table or the row of aggregates applies WHERE; the outer query has none.
        tables = self.derived is not None or self.aggregated is not None
        if tables and node is not None and node is getattr(self, "where", None):
            raise FullResultSet
        return super().compile(node)


class SelectedAggregatesMixin:
    """Selects the aggregates that HAVING and ORDER BY compare, as extra columns.

    immudb evaluates HAVING and ORDER BY over the grouped rows, which carry
    only the selected aggregates: another aggregate there fails with "column
    does not exist" or "must appear in the group by clause". The extra
    columns are cut from the results, and named, as immudb's own names for
    unnamed columns (``col1``) may repeat a selected column's alias. A
    subquery keeps its columns, since whatever reads it counts them, unless
    it is the one ``.aggregate()`` or ``.count()`` reads by column names.
    """

    def get_extra_select(self, order_by, select):
        extra_select = super().get_extra_select(order_by, select)
        if (self.query.subquery and not self.materialize_aggregates) or self.query.group_by is None:
            return extra_select
        selected = {make_hashable(sql_params) for _, sql_params, _ in select + extra_select}
        wanted = [node for node in nodes(self.having) if isinstance(node, Aggregate)] if self.having else []
        for expr, (_, _, is_ref) in order_by:
            if not is_ref:
                wanted += [node for node in nodes(expr) if isinstance(node, Aggregate)]
        for aggregate in wanted:
            sql, params = self.compile(aggregate)
            if make_hashable((sql, params)) not in selected:
                selected.add(make_hashable((sql, params)))
                extra_select.append((aggregate, (sql, params), f"__h{len(extra_select)}"))
        return extra_select


class DerivedAggregationAggregateCompilerMixin(DerivedAggregationCompilerMixin):
    """``.aggregate()`` over a subquery: ``SELECT SUM(...) FROM (<query>) subquery``.

    Its aggregates read the subquery's columns by name (``Ref``) or as
    columns of the table alias ``subquery``.
    """

    underlying_columns = (Col, Ref)

    def as_sql(self):
        annotations = list(self.query.annotation_select.values())
        inner = self.query.inner_query.get_compiler(self.using, elide_empty=self.elide_empty)
        inner.materialize_aggregates = True
        inner_sql, inner_params = inner.as_sql(with_col_aliases=True)
        from_, from_params = f"({inner_sql}) subquery", list(inner_params)
        if query_needs_derived_table(annotations, self):
            self.derived = DerivedTable(self)
        if AggregateRow.needed(annotations):
            self.aggregated = AggregateRow(self)
        try:
            outer, params = [], []
            for annotation in annotations:
                sql, annotation_params = annotation.select_format(self, *self.compile(annotation))
                outer.append(sql)
                params.extend(annotation_params)
            if self.derived is not None:
                select, select_params = self.derived.select_sql()
                from_, from_params = f"(SELECT {select} FROM {from_}) AS {DERIVED_TABLE}", select_params + from_params
            if self.aggregated is not None:
                from_, from_params = self.aggregated.from_sql(from_, from_params)
        finally:
            self.derived = self.aggregated = None
        self.col_count = len(annotations)
        return f"SELECT {', '.join(outer)} FROM {from_}", (*params, *from_params)


class MaterializedAggregatesMixin:
    """Selects aggregates as plain values, for a query that another one aggregates over.

    An aggregate's value read from a derived table stays an aggregate to
    immudb: aggregating over it again fails with "column does not exist", or
    for COUNT(*) silently counts on (MAX over per-group counts 2 and 1 gives
    4). Arithmetic that changes nothing (``+ 0``) makes it a plain value.
    AVG is left as it is: immudb crashes on arithmetic over an average of no
    values.
    """

    materialize_aggregates = False

    def get_select(self, with_col_aliases=False):
        select, klass_info, annotation_col_map = super().get_select(with_col_aliases=with_col_aliases)
        if self.materialize_aggregates:
            select = [(expr, self.plain_value(expr, *sql_params), alias) for expr, sql_params, alias in select]
        return select, klass_info, annotation_col_map

    def plain_value(self, expr, sql, params):
        if isinstance(expr, Count):
            return f"{sql} + 0", params
        if (
            isinstance(expr, Aggregate)
            and not isinstance(expr, Avg)
            and numeric_sql_type(expr.output_field, self.connection)
        ):
            return f"CASE WHEN {sql} IS NULL THEN NULL ELSE {sql} + 0 END", (*params, *params)
        return sql, params


def case_as_immudb(self, compiler, connection):
    """``(CASE ... END)``, without ``ELSE NULL``, which means the same.

    immudb 1.9 cannot type ``ELSE NULL`` ("CASE types INTEGER and ANY cannot
    be matched"); Django writes it for every Case without a default. immudb
    takes a bare CASE only as a whole condition or value, not as an operand
    (``CASE ... END + 1``).
    """
    if isinstance(self.default, Value) and self.default.value is None:
        sql, params = self.as_sql(compiler, connection, template="CASE %(cases)s END")
    else:
        sql, params = self.as_sql(compiler, connection)
    return f"({sql})", params


def register():
    Case.as_immudb = case_as_immudb
    averages.register()
