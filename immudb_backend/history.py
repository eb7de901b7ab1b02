"""Time travel and revisions: immudb keeps every version of every row.

    from immudb_backend.history import as_of, revisions

    as_of(Parcel.objects.filter(code="A1"), tx=1200)    # the table as it was at tx 1200
    as_of(Parcel.objects.all(), at=some_aware_datetime)  # ... or at a moment
    revisions(parcel)                                    # every stored version of one row

``as_of`` applies to the queryset's own table; tables it joins are read as
they are now. immudb stamps transactions to the second, so ``at=`` resolves
to whole seconds; ``tx=`` is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections, router


def as_of(queryset, *, tx: int | None = None, at=None):
    """A copy of ``queryset`` that reads its table as it was after transaction ``tx`` or at moment ``at``."""
    if (tx is None) == (at is None):
        raise ValueError("as_of() takes exactly one of tx= or at=.")
    clone = queryset.all()
    if tx is not None:
        clone.query.immudb_period = (f"UNTIL TX {int(tx)}", [])
    else:
        clone.query.immudb_period = ("UNTIL %s", [at])
    return clone


@dataclass(frozen=True)
class Revision:
    number: int  # 1 for the row as first written
    values: dict


def revisions(instance, using: str | None = None) -> list[Revision]:
    """Every stored version of ``instance``'s row, oldest first, field name → value.

    A deletion appears as a last revision repeating the final values.
    """
    model = type(instance)
    using = using or router.db_for_read(model, instance=instance)
    connection = connections[using]
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (
        f"SELECT _rev, {columns} FROM (HISTORY OF {quote(model._meta.db_table)}) "
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    pk_value = model._meta.pk.get_db_prep_value(instance.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk_value])
        rows = cursor.fetchall()
    result = []
    for rev, *values in rows:
        converted = {}
        for field, value in zip(fields, values):
            for converter in connection.ops.get_db_converters(field.get_col(model._meta.db_table)):
                value = converter(value, field.get_col(model._meta.db_table), connection)
            if hasattr(field, "from_db_value"):
                value = field.from_db_value(value, None, connection)
            converted[field.attname] = value
        result.append(Revision(rev, converted))
    return sorted(result, key=lambda r: r.number)
