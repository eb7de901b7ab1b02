"""Subqueries outside FROM on immudb 1.9, run before the statement that holds them.

immudb 1.9 takes a subquery only in FROM. A subquery that reads nothing of
the enclosing query has one result for all of its rows, so it is run just
before the statement (in the same transaction, on the same data) and its
result is sent in its place: whether it has rows for EXISTS, its value for a
scalar subquery, its values for IN (lookups.in_as_immudb).

An EXISTS that reads the enclosing query only through equalities
``<inner> = <outer>`` and conditions on the enclosing query alone, all ANDed
in its WHERE, is the same as those conditions AND ``(<outer>, ...)`` being
one of the rows of ``(<inner>, ...)`` that its other conditions select. Those
rows are read first, by a query that reads nothing of the enclosing query,
and the EXISTS is sent as ``<outer> IN (<values>)``, or for several
equalities as ``(<outer 1> = <value> AND <outer 2> = <value>) OR ...``. A
correlated ``<outer> IN (<subquery>)`` is the EXISTS with the equality
``<selected> = <outer>`` added. A NULL equals nothing: rows with a NULL are
left out, and a NULL ``<outer>`` is ruled out first, as immudb compares NULL
as a value (``NOT (NULL IN (...))`` is true there, as ``NOT EXISTS`` is).

Each subquery run first is one more query, each time the statement is compiled.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError
from django.db.models import lookups
from django.db.models.expressions import Col, OuterRef, ResolvedOuterRef, Value
from django.db.models.fields.related_lookups import RelatedExact
from django.db.models.sql.query import Query
from django.db.models.sql.where import AND, OR, WhereNode

from .null_arithmetic import may_be_null


def is_plain_equality(condition):
    """Whether ``condition`` is ``exact`` written as ``<lhs> = <rhs>`` (a year's or a JSON key's is not)."""
    cls = type(condition)
    return (
        isinstance(condition, lookups.Exact)
        and cls.as_sql in (lookups.Exact.as_sql, RelatedExact.as_sql)
        and cls.process_lhs is lookups.Exact.process_lhs
        and cls.process_rhs in (lookups.Exact.process_rhs, lookups.IntegerFieldOverflow.process_rhs)
    )


def query_parts(query):
    """The expressions of ``query`` that may read a column."""
    yield query.where
    yield from query.annotation_select.values()  # an annotation that is not selected is sent only where it is used
    yield from query.select
    if isinstance(query.group_by, tuple):
        yield from query.group_by
    yield from (o for o in query.order_by if hasattr(o, "resolve_expression"))
    yield from query.combined_queries


def nodes(node):
    """``node`` and everything under it, through nested queries."""
    yield node
    if isinstance(node, Query):
        children = list(query_parts(node))
    elif isinstance(node, (list, tuple)):
        children = node
    else:
        children = node.get_source_expressions() if hasattr(node, "get_source_expressions") else []
        if isinstance(node, lookups.Lookup) and isinstance(node.rhs, (list, tuple)):
            children = [*children, node.rhs]  # an __in list may hold expressions
    for child in children:
        if child is not None:
            yield from nodes(child)


def aliases_within(query):
    """The table aliases of ``query`` and of the queries nested in it."""
    return {alias for node in nodes(query) if isinstance(node, Query) for alias in node.alias_map}


def reads_outside(node, aliases):
    """Whether ``node`` reads a column of a table not among ``aliases`` (an enclosing query's)."""
    return any(
        isinstance(n, (OuterRef, ResolvedOuterRef)) or (isinstance(n, Col) and n.alias not in aliases)
        for n in nodes(node)
    )


def reads_any(node, aliases):
    return any(isinstance(n, Col) and n.alias in aliases for n in nodes(node))


def reads_outer_query(query):
    return reads_outside(query, aliases_within(query))


def conjuncts(node):
    """The conditions that ``node`` ANDs together."""
    if isinstance(node, WhereNode) and node.connector == AND and not node.negated:
        for child in node.children:
            yield from conjuncts(child)
    else:
        yield node


def equality_sides(condition, aliases, own):
    """``(inner, outer)`` of an equality between the subquery (``aliases``) and the enclosing query, else None."""
    if not is_plain_equality(condition) or not hasattr(condition.rhs, "as_sql"):
        return None
    for inner, outer in ((condition.lhs, condition.rhs), (condition.rhs, condition.lhs)):
        if not reads_outside(inner, aliases) and not reads_any(outer, own):
            return inner, outer
    return None


def split(query, pairs=()):
    """``(pairs, outer_conditions, rest)`` for a subquery correlated as above, else None.

    ``pairs`` are the ``(inner, outer)`` sides of the equalities, ``rest``
    the subquery without them and without ``outer_conditions``, selecting
    the inner sides (as it is when there are none).
    """
    if query.combinator or query.group_by is not None or query.distinct_fields or query.low_mark:
        return None
    if query.high_mark == 0 or query.where.contains_aggregate:
        return None
    aliases, own = aliases_within(query), set(query.alias_map)
    pairs, outer_conditions, kept = list(pairs), [], []
    for condition in conjuncts(query.where):
        if not reads_outside(condition, aliases):
            kept.append(condition)
        elif not reads_any(condition, own):
            outer_conditions.append(condition)
        elif sides := equality_sides(condition, aliases, own):
            pairs.append(sides)
        else:
            return None
    rest = query.clone()
    rest.where = WhereNode(kept, AND)
    if pairs:
        rest.clear_select_clause()
        rest.select = tuple(inner for inner, _ in pairs)
        rest.clear_limits()
        rest.clear_ordering(force=True)
    if reads_outer_query(rest):
        return None
    return pairs, outer_conditions, rest


def matching_rows(rest, connection):
    """The distinct rows of ``rest`` that have no NULL."""
    rows = [row for row in rest.get_compiler(connection=connection).results_iter(tuple_expected=True) if None not in row]
    try:
        return list(dict.fromkeys(rows))
    except TypeError:  # unhashable values (JSON)
        return rows


def correlated_sql(pairs, outer_conditions, rest, compiler, connection):
    """The condition that a subquery split by :func:`split` has rows (see above)."""
    outers = [outer for _, outer in pairs]
    if not pairs:
        matches = rest.get_compiler(connection=connection).has_results()
    elif len(pairs) == 1:
        matches = lookups.In(outers[0], [row[0] for row in matching_rows(rest, connection)])
    else:
        rows = matching_rows(rest, connection)
        matches = bool(rows) and WhereNode(
            [WhereNode([lookups.Exact(outer, value) for outer, value in zip(outers, row)], AND) for row in rows], OR
        )
    if matches is False:
        return compiler.compile(Value(False))
    guards = [lookups.IsNull(outer, False) for outer in outers if may_be_null(outer, compiler)]
    conditions = [*outer_conditions, *guards] + ([] if matches is True else [matches])
    try:
        sql, params = compiler.compile(WhereNode(conditions, AND))
    except EmptyResultSet:
        return compiler.compile(Value(False))
    except FullResultSet:
        return compiler.compile(Value(True))
    return f"({sql})", params


def never_has_rows(query, connection):
    """Whether a subquery that reads the outer query has no rows for any outer row.

    It has none when, without its conditions that read the outer query, it
    has none (and adds none by aggregating).
    """
    if query.combinator or query.group_by is not None or query.where.contains_aggregate:
        return False
    if any(getattr(e, "contains_aggregate", False) for e in [*query.select, *query.annotation_select.values()]):
        return False
    aliases = aliases_within(query)
    relaxed = query.exists()
    relaxed.where = WhereNode([c for c in conjuncts(query.where) if not reads_outside(c, aliases)], AND)
    if reads_outer_query(relaxed):
        return False
    return not relaxed.get_compiler(connection=connection).has_results()


def exists_sql(exists, compiler, connection):
    """An EXISTS on immudb 1.9, its subquery run first (see above)."""
    query = exists.query
    if not reads_outer_query(query):
        return compiler.compile(Value(query.clone().get_compiler(connection=connection).has_results()))
    return _correlated_sql_or_refuse(
        split(query),
        query,
        compiler,
        connection,
        "an EXISTS can be run first only when it refers to the outer query through equalities and conditions "
        "on the outer query, ANDed in its WHERE.",
    )


def correlated_in_sql(lhs, query, compiler, connection):
    """``<lhs> IN (<subquery>)`` on immudb 1.9, for a subquery that reads the outer query."""
    selected = [*query.select, *query.annotation_select.values()]
    parts = None
    if len(selected) == 1 and not query.is_sliced and not reads_outside(selected[0], aliases_within(query)):
        parts = split(query, pairs=[(selected[0], lhs)])
    return _correlated_sql_or_refuse(
        parts,
        query,
        compiler,
        connection,
        "an IN subquery that refers to the outer query can be run first only when it does so through "
        "equalities and conditions on the outer query, ANDed in its WHERE.",
    )


def _correlated_sql_or_refuse(parts, query, compiler, connection, refusal):
    """The correlated subquery of ``split`` ``parts`` run first; FALSE if it never has rows; else refused."""
    if parts is not None:
        return correlated_sql(*parts, compiler, connection)
    if never_has_rows(query, connection):
        return compiler.compile(Value(False))
    raise NotSupportedError(f"immudb 1.9 has no subqueries outside FROM: {refusal}")


def scalar_sql(query, output_field, compiler, connection):
    """A scalar subquery on immudb 1.9, run first: its value, NULL when it has no row."""
    if reads_outer_query(query):
        if never_has_rows(query, connection):
            return compiler.compile(Value(None, output_field=output_field))
        raise NotSupportedError(
            "immudb 1.9 has no subqueries outside FROM: a scalar subquery that refers to the outer query cannot "
            "be run first."
        )
    # The first of several rows, as SQLite takes it (other databases refuse the query).
    rows = query.clone().get_compiler(connection=connection).results_iter(tuple_expected=True)
    value = next(iter(rows), (None,))[0]
    return compiler.compile(Value(value, output_field=output_field))
