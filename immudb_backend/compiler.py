"""SQL compilers for immudb's transactions.

Inside an interactive transaction immudb reports no row counts until
commit, yet Django decides between UPDATE and INSERT on the count. The
transaction reads its own snapshot, so counting the matching rows just
before the write gives the number the write affects.

immudb 1.11 inside an interactive transaction: when a condition on an
indexed column lets the server read through that index (``col = v``,
``col IN (...)``, ``col >= a AND col <= b``), it finds only the rows that
the transaction's latest statement wrote with that value; rows written by
earlier statements of the transaction are missed (1.9 and committed reads are
right). The planner takes index ranges only from a WHERE that is a plain
conjunction, so in such a transaction a WHERE naming an indexed column is
sent as ``(<where>) OR FALSE``: the same rows, read without the index.
"""

import re

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError
from django.db.models import Avg
from django.db.models.constants import OnConflict
from django.db.models.expressions import Col, CombinedExpression, Value
from django.db.models.functions import Now, Pi
from django.db.models.sql.constants import LOUTER
from django.db.models.sql import compiler

from . import dbapi, foreign_keys, names
from .conflicts import unique_groups, without_unique_conflicts
from .generated import generated_fields, insert_value, update_values
from .index_updates import has_subquery, upsert_sql
from .laterals import LateralJoinsMixin
from .upserts import upsert
from .derived_aggregation import (
    DerivedAggregationAggregateCompilerMixin,
    DerivedAggregationSQLCompilerMixin,
    MaterializedAggregatesMixin,
    SelectedAggregatesMixin,
)


INTEGER_TYPES = {"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                 "PositiveBigIntegerField", "PositiveSmallIntegerField"}


def in_transaction(connection):
    """Whether a transaction is open, without connecting (compiling alone must not connect)."""
    return connection.connection is not None and not connection.autocommit


def indexed_columns(model):
    """The columns of ``model`` that are in some immudb index other than the primary key."""
    meta = model._meta
    by_name = {f.name: f.column for f in meta.concrete_fields}
    by_name.update({f.attname: f.column for f in meta.concrete_fields})
    columns = {f.column for f in meta.concrete_fields if (f.db_index or f.unique) and not f.primary_key}
    groups = [*meta.unique_together, *getattr(meta, "index_together", ())]
    groups += [index.fields for index in meta.indexes]
    groups += [getattr(c, "fields", ()) for c in meta.constraints]
    for group in groups:
        columns.update(by_name.get(name.lstrip("-"), name) for name in group)
    return columns


def _nodes(node):
    yield node
    children = getattr(node, "children", None)
    if children is None and hasattr(node, "get_source_expressions"):
        children = node.get_source_expressions()
    for child in children or ():
        if child is not None and not isinstance(child, (str, int, float, bytes)):
            yield from _nodes(child)


def names_indexed_column(where):
    for node in _nodes(where):
        if isinstance(node, Col) and getattr(node.target, "model", None) is not None:
            if node.target.column in indexed_columns(node.target.model):
                return True
    return False


def may_average_nothing(having, query):
    """Whether HAVING compares an AVG that may have no values in a group.

    Both immudb 1.9.6 and 1.11.1 crash (nil pointer, the server process
    exits) when HAVING compares AVG over a group whose values are all NULL,
    as a LEFT JOIN with no match gives.
    """
    for node in _nodes(having):
        if isinstance(node, Avg):
            source = node.get_source_expressions()[0]
            if not isinstance(source, Col) or source.target.null or node.filter is not None:
                return True
            join = query.alias_map.get(source.alias)
            if join is None or getattr(join, "join_type", None) == LOUTER:
                return True
    return False


def is_constant(expression):
    """Whether ``expression`` has one value for the whole statement: made of values, NOW() and PI() only."""
    leaves = [node for node in _nodes(expression) if not getattr(node, "get_source_expressions", list)()]
    return all(isinstance(leaf, (Value, Now, Pi)) for leaf in leaves)


def is_integer_power(node):
    return (
        isinstance(node, CombinedExpression)
        and node.connector == CombinedExpression.POW
        and node.output_field.get_internal_type() in INTEGER_TYPES
    )


def with_literals(sql, params):
    """``sql`` with its parameters written in as SQL literals (a "%" in one doubled, for the driver)."""
    values = iter(params)

    def replace(match):
        return "%%" if match.group() == "%%" else dbapi._literal(next(values)).replace("%", "%%")

    return re.sub(r"%%|%s", replace, sql)


class ImmudbCompilerMixin:
    def quote_name_unless_alias(self, name):
        """Aliases go unquoted, but one that immudb cannot spell (as a FilteredRelation's may be) is encoded."""
        quoted = super().quote_name_unless_alias(name)
        if quoted == name and not names.PLAIN.fullmatch(name):
            quoted = self.quote_cache[name] = self.connection.ops.quote_name(name)
        return quoted

    def get_order_by(self):
        """ORDER BY with its values written in: immudb 1.9 and 1.11 fail on a parameter there ("unexpected error")."""
        return [
            (expression, (with_literals(sql, params) if params else sql, (), is_ref))
            for expression, (sql, params, is_ref) in super().get_order_by()
        ]

    def collapse_group_by(self, expressions, having):
        """GROUP BY without the constants among other expressions: they split no group, and immudb
        groups by columns only. Django groups by a constant when an aggregate's default is one
        (``Coalesce(Min(...), TruncDate(Now()))``)."""
        expressions = super().collapse_group_by(expressions, having)
        return [e for e in expressions if not is_constant(e)] or expressions

    def compile(self, node):
        if is_integer_power(node):
            # immudb's POWER answers a FLOAT, which an INTEGER column refuses;
            # rounded, as other databases store a power in an integer column.
            sql, params = super().compile(node)
            return f"CAST(ROUND({sql}) AS INTEGER)", params
        if node is getattr(self, "having", None) and node is not None and may_average_nothing(node, self.query):
            raise NotSupportedError(
                "immudb crashes when HAVING compares an average over a group that may have no values "
                "(a nullable column or a LEFT JOIN); filter on the average in Python instead."
            )
        sql, params = super().compile(node)
        if (
            sql
            and (node is getattr(self, "where", None) or node is self.query.where)
            and in_transaction(self.connection)
            and self.connection.features.is_immudb_1_11
            and names_indexed_column(node)
        ):
            sql = f"({sql}) OR FALSE"
        return sql, params


class CompoundQueryMixin:
    def get_combinator_sql(self, combinator, all):
        """UNION, INTERSECT and EXCEPT (immudb 1.11) as a derived table.

        immudb binds an ORDER BY or LIMIT after a compound query to its last
        SELECT only, and takes a compound query neither in parentheses nor as
        an IN subquery; selected from as a table, it is ordered, sliced and
        nested as a whole.
        """
        result, params = super().get_combinator_sql(combinator, all)
        return [f"SELECT * FROM ({' '.join(result)})"], params


class SQLCompiler(
    LateralJoinsMixin,
    CompoundQueryMixin,
    MaterializedAggregatesMixin,
    SelectedAggregatesMixin,
    DerivedAggregationSQLCompilerMixin,
    ImmudbCompilerMixin,
    compiler.SQLCompiler,
):
    pass


class SQLAggregateCompiler(DerivedAggregationAggregateCompilerMixin, ImmudbCompilerMixin, compiler.SQLAggregateCompiler):
    pass


class RowCountMixin(ImmudbCompilerMixin):
    """Row counts of UPDATE and DELETE inside a transaction, where immudb reports none.

    On 1.11 the statement returns the primary keys of the rows it changed
    (``RETURNING``), so their number is the count. 1.9 has no ``RETURNING``
    for these: the matching rows are counted just before the write.
    """

    def _in_transaction(self):
        return not self.connection.get_autocommit()

    def _counts_by_returning(self):
        return self.connection.features.can_return_rows_from_update_and_delete and in_transaction(self.connection)

    def _with_returning(self, sql):
        if not sql or not self._counts_by_returning():
            return sql
        pk = self.query.get_meta().pk_fields[0]
        return f"{sql} RETURNING {self.connection.ops.quote_name(pk.column)}"

    def _count_matching(self):
        # Adds the base table first: base_table is cached, and None before it.
        self.query.get_initial_alias()
        table = self.quote_name_unless_alias(self.query.base_table)
        sql, params = f"SELECT COUNT(*) FROM {table}", []
        if self.query.where:
            where, params = self.compile(self.query.where)
            if where:
                sql += f" WHERE {where}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]


class SQLUpdateCompiler(RowCountMixin, compiler.SQLUpdateCompiler):
    def as_sql(self):
        values = self.query.values
        # Generated fields that read an updated field are set too (generated.py).
        self.query.values = [*values, *update_values(self.query.model, values)]
        try:
            sql, params = self._as_upsert() if self._changes_indexed_column() else super().as_sql()
        finally:
            self.query.values = values
        return self._with_returning(sql), params

    def pre_sql_setup(self):
        # It rewrites the query (an update through joins reads its rows by
        # primary key), so it runs once however often as_sql compiles.
        if not getattr(self, "_set_up", False):
            self._set_up = True
            super().pre_sql_setup()

    def _changes_indexed_column(self):
        """Whether the update is sent as INSERT ... ON CONFLICT DO UPDATE (index_updates.py)."""
        values = self.query.values
        if not values or not self.connection.features.updates_indexed_columns_by_upsert:
            return False
        model = self.query.model._meta.concrete_model
        if unique_groups(model._meta) or any(has_subquery(value) for _, _, value in values):
            return False
        assigned = {field.column for field, _, _ in values}
        # A new primary key would be an insert of another row; as an UPDATE the server refuses it.
        if assigned & {field.column for field in model._meta.pk_fields}:
            return False
        return bool(assigned & indexed_columns(model))

    def _as_upsert(self):
        self.pre_sql_setup()  # before the WHERE is read: it may rewrite it
        values = self.query.values
        try:
            where = self.compile(self.query.where)
        except FullResultSet:
            where = None
        assignments = {}
        try:
            for item in values:
                self.query.values = [item]
                column = item[0].column
                assignments[column] = self._assignment(column, where)
        finally:
            self.query.values = values
        return upsert_sql(self, assignments, where)

    def _assignment(self, column, where):
        """The SQL and parameters of ``column``'s new value, cut from the UPDATE of that column alone."""
        sql, params = super().as_sql()
        head = f"UPDATE {self.quote_name_unless_alias(self.query.base_table)} SET "
        head += f"{self.quote_name_unless_alias(column)} = "
        tail, tail_params = (f" WHERE {where[0]}", where[1]) if where is not None else ("", ())
        if not sql.startswith(head) or not sql.endswith(tail):
            raise AssertionError(f"unexpected UPDATE statement: {sql}")
        return sql[len(head) : len(sql) - len(tail)], params[: len(params) - len(tail_params)]

    def execute_sql(self, result_type):
        with foreign_keys.guard_update(self):
            return self._execute_update(result_type)

    def _execute_update(self, result_type):
        if not self._in_transaction() or self._counts_by_returning() or self.query.related_updates:
            return super().execute_sql(result_type)
        try:
            count = self._count_matching()
        except Exception:
            count = None
        rows = super().execute_sql(result_type)
        return count if rows in (-1, None) and count is not None else rows


class SQLDeleteCompiler(RowCountMixin, compiler.SQLDeleteCompiler):
    def as_sql(self):
        sql, params = super().as_sql()
        return self._with_returning(sql), params

    def execute_sql(self, result_type=compiler.MULTI):
        with foreign_keys.guard_delete(self):
            return self._execute_delete(result_type)

    def _execute_delete(self, result_type):
        if not self._in_transaction() or self._counts_by_returning():
            return super().execute_sql(result_type)
        try:
            sql, params = self.as_sql()
        except EmptyResultSet:
            # Deletes nothing, sends nothing; compiling again could repeat a 1.9 subquery.
            return iter([]) if result_type == compiler.MULTI else None
        # The rows that DELETE FROM <table> WHERE ... removes are those that
        # SELECT COUNT(*) FROM <table> WHERE ... counts, read just before.
        count_sql = "SELECT COUNT(*) FROM " + sql.removeprefix("DELETE FROM ")
        with self.connection.cursor() as cursor:
            cursor.execute(count_sql, params)
            count = cursor.fetchone()[0]
            cursor.execute(sql, params)
        return count


class SQLInsertCompiler(compiler.SQLInsertCompiler):
    def as_sql(self):
        """An object with no values to send: immudb has no NULL for an AUTO_INCREMENT key.

        immudb 1.9 spells such a row ``INSERT INTO t () VALUES ()``, 1.11
        ``INSERT INTO t VALUES ()``.
        """
        if self.query.on_conflict == OnConflict.IGNORE:
            self.query.objs = without_unique_conflicts(self.query, self.using)
            if not self.query.objs:
                return []
        # Generated fields are written with each row (generated.py).
        missing = [f for f in generated_fields(self.query.model) if f not in self.query.fields]
        self.query.fields = [*self.query.fields, *missing]
        statements = super().as_sql()
        if self.query.fields:
            return statements
        pk = re.escape(self.connection.ops.quote_name(self.query.get_meta().pk.column))
        columns = "" if self.connection.features.is_immudb_1_11 else "() "
        empty = re.compile(rf"\({pk}\) VALUES \(NULL\)((?:, \(NULL\))*)")

        def rows(match):
            return f"{columns}VALUES ()" + ", ()" * match.group(1).count("(NULL)")

        return [(empty.sub(rows, sql, count=1), params) for sql, params in statements]

    def pre_save_val(self, field, obj):
        if field.generated:
            return insert_value(field, obj)
        return super().pre_save_val(field, obj)

    def execute_sql(self, returning_fields=None):
        with foreign_keys.guard_insert(self):
            if self.query.on_conflict == OnConflict.UPDATE:
                return upsert(self, returning_fields)
            return super().execute_sql(returning_fields)
