"""``bulk_create(ignore_conflicts=True)`` on immudb.

Both server versions take ``INSERT ... ON CONFLICT DO NOTHING``, but there a
conflict is only a row with the primary key of another: a row that repeats a
value of a UNIQUE index still fails the whole statement. So before the
statement is sent, the rows that would repeat a unique value, of a row in the
table or of an earlier row of the same insert, are left out; the server skips
those that repeat a primary key. As in immudb's UNIQUE indexes, NULL repeats
NULL. The rows are read in the insert's transaction, whose snapshot a
concurrent insert of the same value cannot change unnoticed: that insert or
this one fails.
"""

from django.db.models import Q, UniqueConstraint

# Rows looked up in one query, within the server's parameter limit.
LOOKUP_BATCH = 100


def without_unique_conflicts(query, using):
    """The objects of insert ``query`` that repeat no unique value but their primary key."""
    objs = list(query.objs)
    inserted = set(query.fields)
    for group in unique_groups(query.get_meta()):
        # A column the insert leaves to the server gets a value not known here.
        if set(group) <= inserted:
            objs = _first_with_new_values(query.model, group, objs, using)
    return objs


def unique_groups(meta):
    """The field groups of ``meta``'s UNIQUE indexes other than the primary key."""
    groups = [(field,) for field in meta.local_concrete_fields if field.unique and not field.primary_key]
    groups += [tuple(map(meta.get_field, names)) for names in meta.unique_together]
    groups += [
        tuple(map(meta.get_field, c.fields))
        for c in meta.constraints
        if isinstance(c, UniqueConstraint) and c.fields and c.condition is None
    ]
    return list(dict.fromkeys(groups))


def _first_with_new_values(model, group, objs, using):
    keys = [row_key(group, obj) for obj in objs]
    existing = existing_rows(model, group, [key for key in keys if key is not None], using)
    kept, seen = [], set()
    for obj, key in zip(objs, keys):
        if key is None:
            kept.append(obj)  # an expression: the server decides
        elif key not in existing and key not in seen:
            seen.add(key)
            kept.append(obj)
    return kept


def row_key(group, obj):
    """``obj``'s values of the fields ``group``; None if one is an expression, which only the server evaluates."""
    values = [getattr(obj, field.attname) for field in group]
    if any(hasattr(value, "resolve_expression") for value in values):
        return None
    return tuple(field.to_python(value) for field, value in zip(group, values))


def existing_rows(model, group, keys, using):
    """The primary keys of ``model``'s rows that have values ``keys`` of the fields ``group``, by key."""
    names = [field.attname for field in group]
    pk_names = [field.attname for field in model._meta.pk_fields]
    found = {}
    for start in range(0, len(keys), LOOKUP_BATCH):
        condition = Q()
        for key in keys[start : start + LOOKUP_BATCH]:
            condition |= Q(**dict(zip(names, key)))
        rows = model._base_manager.db_manager(using).filter(condition).values_list(*names, *pk_names)
        for row in rows:
            key = tuple(field.to_python(value) for field, value in zip(group, row))
            pk = row[len(names) :]
            found[key] = pk if len(pk) > 1 else pk[0]
    return found
