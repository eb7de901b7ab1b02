"""``bulk_create(update_conflicts=True)`` on immudb.

immudb's own ``ON CONFLICT`` cannot do it: 1.9 has only ``DO NOTHING``, and
1.11's ``DO UPDATE`` sees only primary key conflicts, cannot name the
proposed row (no ``EXCLUDED``) and fails on a table with another UNIQUE
index. So the insert is done in three steps, in one transaction: the rows of
the table that have the proposed rows' values of ``unique_fields`` are read,
those are updated with the proposed ``update_fields``, and the other proposed
rows are inserted. A failure rolls all of it back. Like any update on
immudb, one of a row written earlier in the same transaction may fail (on
1.9 mostly, on 1.11 when it changes an indexed value of a table with another
UNIQUE index; see index_updates.py).

As on PostgreSQL, ``unique_fields`` must be the fields of the primary key or
of one UNIQUE constraint, a proposed row with NULL in them matches no row
(immudb's UNIQUE index may still refuse it: there NULL repeats NULL), and two
proposed rows of one insert may not have the same values in them.
"""

from collections import Counter

from django.db import ProgrammingError, transaction
from django.db.models.sql.subqueries import InsertQuery, UpdateQuery

from .conflicts import existing_rows, row_key, unique_groups


def upsert(compiler, returning_fields):
    """Run insert ``compiler``'s query as an upsert; the returned rows as ``execute_sql`` gives them."""
    query, using = compiler.query, compiler.using
    target = conflict_target(query)
    keys = _keys(query, target)
    with transaction.atomic(using=using, savepoint=False):
        existing = existing_rows(query.model, target, [key for key in keys if key is not None], using)
        # The primary key of the row each proposed row updates; None: inserted.
        matches = [existing.get(key) for key in keys]
        for obj, pk in zip(query.objs, matches):
            if pk is not None:
                _update(compiler, obj, pk)
        new = [obj for obj, pk in zip(query.objs, matches) if pk is None]
        inserted = iter(_insert(query, new, using, returning_fields) if new else ())
        if not returning_fields:
            return []
        updated = _rows_by_pk(query.model, [pk for pk in matches if pk is not None], returning_fields, using)
    return [next(inserted) if pk is None else updated[pk] for pk in matches]


def conflict_target(query):
    """The fields of the primary key or UNIQUE constraint that ``query.unique_fields`` names."""
    meta = query.get_meta()
    target = set(query.unique_fields)
    for group in [tuple(meta.pk_fields), *unique_groups(meta)]:
        if set(group) == target:
            return group
    names = ", ".join(field.name for field in query.unique_fields)
    raise ProgrammingError(
        f"{meta.label} has no primary key or UNIQUE constraint on exactly ({names}) for bulk_create's unique_fields."
    )


def _keys(query, target):
    """Each proposed row's values of ``target``; None where it can match no row."""
    if not set(target) <= set(query.fields):
        return [None] * len(query.objs)  # values the server gives, as an AUTO_INCREMENT key
    keys = [row_key(target, obj) for obj in query.objs]
    # In a conflict target NULL equals nothing, as in SQL's own UNIQUE.
    keys = [None if key is None or None in key else key for key in keys]
    repeated = [key for key, count in Counter(filter(None, keys)).items() if count > 1]
    if repeated:
        raise ProgrammingError(
            "bulk_create(update_conflicts=True) cannot change one row twice: two objects have "
            f"{dict(zip((field.name for field in target), repeated[0]))}."
        )
    return keys


def _update(compiler, obj, pk):
    update = UpdateQuery(compiler.query.model)
    update.add_update_fields(
        (field, None, compiler.pre_save_val(field, obj)) for field in compiler.query.update_fields
    )
    update.add_filter("pk", pk)
    # Sent as is: the update compiler's row counting is of no use here.
    sql, params = update.get_compiler(compiler.using).as_sql()
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)


def _insert(query, objs, using, returning_fields):
    insert = InsertQuery(query.model)
    insert.insert_values(query.fields, objs, raw=query.raw)
    return insert.get_compiler(using=using).execute_sql(returning_fields)


def _rows_by_pk(model, pks, returning_fields, using):
    """The ``returning_fields`` values of the rows with primary keys ``pks``, by primary key."""
    if not pks:
        return {}
    pk_names = [field.attname for field in model._meta.pk_fields]
    names = [field.attname for field in returning_fields]
    rows = model._base_manager.db_manager(using).filter(pk__in=pks).values_list(*pk_names, *names)
    composite = len(pk_names) > 1
    return {
        (tuple(row[: len(pk_names)]) if composite else row[0]): tuple(row[len(pk_names) :]) for row in rows
    }
