"""UPDATEs that change an indexed column, on immudb 1.11.

For the index entries of the rows a transaction writes, the server keeps one
entry per index value, without the row's primary key. An UPDATE that changes
an indexed value marks the old value's entry deleted, and fails ("cannot
change a non-transient key to transient or vice versa") when that value's
entry is one the transaction wrote itself: when any row got that value
earlier in the transaction, or earlier in the same statement
(``SET a = a + 1`` over the values 1 and 2). Once marked, the value can
no longer be written in the transaction, by an update or an insert.

``INSERT ... ON CONFLICT DO UPDATE`` writes a row without that marking; the
index loses the row's old entry at commit anyway, as on every change of a row
(the server derives it from the row's previous version). So such an UPDATE
is sent as::

    INSERT INTO t (<every column>) SELECT <the new row> FROM t WHERE <where>
    ON CONFLICT DO UPDATE SET <the UPDATE's assignments>

Every selected row exists, so each one conflicts and is only updated, once,
with the assignments evaluated against it. The new row is selected too
because the server checks NOT NULL and CHECK constraints on the inserted
values, not on the assignments. Left as UPDATEs, because the insert cannot
take them: tables with a UNIQUE index besides the primary key (the insert
checks each unique value anew and finds the row's own entry), and
assignments with a subquery (the server fails on one in the select list of
``INSERT ... SELECT``).
"""


def has_subquery(value):
    """Whether an UPDATE's new ``value`` holds a subquery."""
    if not hasattr(value, "resolve_expression"):
        return False  # a plain value, or a model instance
    # A QuerySet has a query; an expression may be or contain a subquery.
    return hasattr(value, "query") or getattr(value, "subquery", False) or getattr(value, "contains_subquery", False)


def upsert_sql(compiler, assignments, where):
    """The INSERT ... ON CONFLICT DO UPDATE statement of update ``compiler``.

    ``assignments`` maps each assigned column to its new value's SQL and
    parameters; ``where`` is the WHERE clause's SQL and parameters, or None
    for every row.
    """
    qn = compiler.connection.ops.quote_name
    table = compiler.quote_name_unless_alias(compiler.query.base_table)
    fields = compiler.query.model._meta.concrete_model._meta.local_concrete_fields
    selected, params = [], []
    for field in fields:
        sql, field_params = assignments.get(field.column) or (_current_value(table, qn(field.column), field), ())
        selected.append(sql)
        params.extend(field_params)
    sql = f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) SELECT {', '.join(selected)} FROM {table}"
    if where is not None:
        sql += f" WHERE {where[0]}"
        params.extend(where[1])
    updates = []
    for column, (value_sql, value_params) in assignments.items():
        updates.append(f"{qn(column)} = {value_sql}")
        params.extend(value_params)
    return f"{sql} ON CONFLICT DO UPDATE SET {', '.join(updates)}", tuple(params)


def _current_value(table, column, field):
    if field.get_internal_type() != "JSONField":
        return f"{table}.{column}"
    # A JSON value read from a table fails the insert into a table with
    # CHECK constraints ("unexpected end of JSON input"); as text it is
    # parsed again. Cast, SQL NULL would be the text 'null', and IS NULL
    # holds for a JSON null too; JSON_TYPEOF is NULL for SQL NULL only.
    return f"CASE WHEN JSON_TYPEOF({table}.{column}) IS NULL THEN NULL ELSE CAST({table}.{column} AS VARCHAR) END"
