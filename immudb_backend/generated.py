"""Generated columns (``GeneratedField``), which immudb has on no version.

A generated field is an ordinary column that the backend fills on every
write Django makes: an INSERT sends the field's expression over the row's
own values, an UPDATE sets it from the new values of the columns it reads
(immudb evaluates every SET of an UPDATE against the row as it was). So the
value is stored, part of the row's history and proofs, whether the field
says ``db_persist=True`` or not. A write in raw SQL that changes a column
the expression reads leaves the generated value as it was.

The column is nullable: the expression's own NULLs come from the columns it
reads, which keep their NOT NULL.
"""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import ExpressionWrapper, Value
from django.db.models.expressions import Col
from django.utils.functional import cached_property


class GeneratedValue(ExpressionWrapper):
    """A generated field's expression; it may be a condition (a WhereNode), which Django cannot ask this."""

    @cached_property
    def contains_column_references(self):
        return any(True for _ in _cols(self.expression))

    def as_sql(self, compiler, connection):
        # A condition on values alone may be decided already, as a NULL's IS NULL is.
        try:
            return super().as_sql(compiler, connection)
        except EmptyResultSet:
            return compiler.compile(Value(False))
        except FullResultSet:
            return compiler.compile(Value(True))


def generated_fields(model):
    return [field for field in model._meta.local_concrete_fields if field.generated]


def insert_value(field, obj):
    """The SQL expression of generated ``field`` for ``obj``, a row being inserted."""
    return _with_values(field, lambda source: _as_expression(source, getattr(obj, source.attname)))


def update_values(model, values):
    """``(field, model, expression)`` for each generated field that an UPDATE of ``values`` changes.

    ``values`` are an UpdateQuery's ``(field, model, value)``; a generated
    field reading none of those fields keeps its value.
    """
    generated = generated_fields(model)
    if not generated:
        return []
    new = {field: _as_expression(field, value) for field, _, value in values}
    updates = []
    for field in generated:
        expression = _resolved(field)
        if any(col.target in new for col in _cols(expression)):
            updates.append((field, None, _with_values(field, new.get, expression)))
    return updates


def backfill_sql(editor, model, field):
    """``UPDATE <table> SET <column> = <expression>``: the new generated field's value in every row."""
    sql, params = field.generated_sql(editor.connection)
    table, column = editor.quote_name(model._meta.db_table), editor.quote_name(field.column)
    return f"UPDATE {table} SET {column} = ({sql})", params


def _resolved(field):
    # The field's own query resolves the expression to columns without a
    # table alias, which both INSERT and UPDATE can name.
    return field.expression.resolve_expression(field._query, allow_joins=False)


def _with_values(field, value_of, expression=None):
    """``field``'s expression with each column for which ``value_of`` has a value replaced by it."""
    if expression is None:
        expression = _resolved(field)
    replacements = {}
    for col in _cols(expression):
        value = value_of(col.target)
        if value is not None:
            replacements[col] = value
    return GeneratedValue(expression.replace_expressions(replacements), output_field=field.output_field)


def _as_expression(field, value):
    if hasattr(value, "resolve_expression"):
        return value
    if field.remote_field and hasattr(value, "prepare_database_save"):  # a model instance
        value = value.prepare_database_save(field)
    return Value(value, output_field=field)


def _cols(expression):
    if isinstance(expression, Col):
        yield expression
    for source in expression.get_source_expressions():
        if source is not None:
            yield from _cols(source)
