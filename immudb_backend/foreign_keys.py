"""Foreign keys, kept and enforced by the backend.

immudb enforces no foreign keys: 1.9 has no syntax for them, and 1.11
parses ``FOREIGN KEY ... REFERENCES`` and throws it away. So the backend
keeps each constraint in a catalog table of the database (CATALOG_TABLE,
created on first use and never listed by introspection), and:

- the schema editor records a constraint wherever Django would create one
  (a ForeignKey or OneToOneField with ``db_constraint=True``) and forgets
  it with its column or table (SchemaEditorMixin);
- introspection reports the constraints (get_constraints, get_relations);
- the SQL compilers check Django's writes: an INSERT or UPDATE that sets a
  foreign key column to a value the referenced table lacks, and a DELETE
  (or an UPDATE of a referenced column) that leaves rows pointing to
  nothing, raise IntegrityError before anything is written. A statement
  costs one query per constraint it touches (plus one per referenced column
  a DELETE or UPDATE reads), never one per row. The check and the write run
  in one transaction (in autocommit the compiler opens one), so a concurrent
  write to the rows read makes immudb fail one of the two transactions with
  a read conflict. NULL never violates.

Raw SQL sent through a cursor is not checked: rows it leaves pointing to
nothing are found by ``connection.check_constraints()``, as they are after
``connection.disable_constraint_checking()``.
"""

import uuid
from collections import namedtuple
from contextlib import contextmanager, nullcontext

from django.core.exceptions import EmptyResultSet
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.sql.constants import MULTI
from django.db.models.sql.query import Query

from . import names
from .catalog_tables import CatalogTable

CATALOG_TABLE = "immudb_foreign_keys"

ForeignKey = namedtuple("ForeignKey", "id name table column ref_table ref_column")


def server_name(name):
    """The name under which immudb keeps table or column ``name`` (as its catalog functions report it).

    A name in double quotes is taken as it is, as quote_name() takes it.
    """
    if name.startswith('"') and name.endswith('"'):
        return name[1:-1].lower()
    return names.encode(name).lower()


def _quote(server_name):
    return f'"{server_name}"'


# The catalog -----------------------------------------------------------------
FOREIGN_KEYS = CatalogTable(
    CATALOG_TABLE, ("constraint_name", "table_name", "column_name", "referenced_table", "referenced_column"), ForeignKey
)


def catalog(connection):
    """Every foreign key of the database, or None without a catalog (see catalog_tables.py)."""
    return FOREIGN_KEYS.rows(connection)


def forget_catalog(connection):
    FOREIGN_KEYS.forget(connection)


def constraints_of(connection, table):
    """The foreign keys of Django table ``table``."""
    table = server_name(table)
    return [fk for fk in catalog(connection) or () if fk.table == table]


def constraints_to(connection, table):
    """The foreign keys that reference Django table ``table``."""
    table = server_name(table)
    return [fk for fk in catalog(connection) or () if fk.ref_table == table]


# Schema changes ----------------------------------------------------------------
def has_constraint(field):
    """Whether Django makes a foreign key constraint for ``field``."""
    return bool(field.concrete and field.column and field.remote_field and getattr(field, "db_constraint", False))


class SchemaEditorMixin:
    """Keeps the catalog in step with the schema editor's changes; goes before the schema editor's class."""

    def __enter__(self):
        forget_catalog(self.connection)  # read again when first needed, in case another process changed it
        return super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        result = super().__exit__(exc_type, exc_value, traceback)
        if exc_type is None and not self.collect_sql:
            # Read the changed catalog now, not in the middle of the next write.
            catalog(self.connection)
        return result

    def create_model(self, model):
        super().create_model(model)
        fields = [field for field in model._meta.local_concrete_fields if has_constraint(field)]
        if fields:
            table = server_name(model._meta.db_table)
            # A table of this name dropped by raw SQL may have left its constraints.
            self._delete_constraints(lambda fk: fk.table == table)
        for field in fields:
            self._add_constraint(model, field)

    def add_field(self, model, field):
        super().add_field(model, field)
        if has_constraint(field):
            self._add_constraint(model, field)

    def remove_field(self, model, field):
        super().remove_field(model, field)
        if field.concrete and field.column:
            table, column = server_name(model._meta.db_table), server_name(field.column)
            self._delete_constraints(
                lambda fk: (fk.table, fk.column) == (table, column) or (fk.ref_table, fk.ref_column) == (table, column)
            )

    def alter_field(self, model, old_field, new_field, strict=False):
        super().alter_field(model, old_field, new_field, strict)
        if not (old_field.concrete and new_field.concrete and old_field.column and new_field.column):
            return  # a many-to-many field: its through table's fields are altered on their own
        table = server_name(model._meta.db_table)
        old_column, new_column = server_name(old_field.column), server_name(new_field.column)
        if old_column == new_column and _target(old_field) == _target(new_field):
            return  # the same constraint, or none, on the same column
        # As Django does on other databases: the field's constraint is dropped, and made again if it has one.
        self._delete_constraints(lambda fk: (fk.table, fk.column) == (table, old_column))
        if old_column != new_column:
            self._update_catalog("referenced_column", new_column, lambda fk: (fk.ref_table, fk.ref_column) == (table, old_column))
        if has_constraint(new_field):
            self._add_constraint(model, new_field)

    def alter_db_table(self, model, old_db_table, new_db_table):
        super().alter_db_table(model, old_db_table, new_db_table)
        old, new = server_name(old_db_table), server_name(new_db_table)
        if old != new:
            self._update_catalog("table_name", new, lambda fk: fk.table == old)
            self._update_catalog("referenced_table", new, lambda fk: fk.ref_table == old)

    def delete_model(self, model):
        super().delete_model(model)
        if self.collect_sql:  # run, its DROP TABLE has done it (execute)
            self._delete_constraints_of(server_name(model._meta.db_table))

    def execute(self, sql, params=()):
        """A dropped table takes its constraints, and those that reference it, along (as CASCADE would).

        Written out, a table rebuild drops the old table before it gives the
        new one its name (schema.py, _swap_tables): the constraints stay then.
        """
        result = super().execute(sql, params)
        dropped = _dropped_table(sql)
        if dropped is not None and not self.collect_sql:
            self._delete_constraints_of(dropped)
        return result

    def _delete_constraints_of(self, table):
        self._delete_constraints(lambda fk: table in (fk.table, fk.ref_table))

    # Catalog writes, sent through execute() so that collected SQL has them too.
    def _add_constraint(self, model, field):
        target = field.target_field
        to_table, to_column = target.model._meta.db_table, target.column
        name = self._create_index_name(model._meta.db_table, [field.column], suffix=f"_fk_{to_table}_{to_column}")
        if catalog(self.connection) is None:
            self.execute(
                f"CREATE TABLE IF NOT EXISTS {CATALOG_TABLE} (id INTEGER AUTO_INCREMENT, "
                "constraint_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, column_name VARCHAR NOT NULL, "
                "referenced_table VARCHAR NOT NULL, referenced_column VARCHAR NOT NULL, PRIMARY KEY (id))"
            )
        self.execute(
            f"INSERT INTO {CATALOG_TABLE} (constraint_name, table_name, column_name, referenced_table, "
            "referenced_column) VALUES (%s, %s, %s, %s, %s)",
            [name, *map(server_name, (model._meta.db_table, field.column, to_table, to_column))],
        )
        forget_catalog(self.connection)

    def _delete_constraints(self, matches):
        """Delete the constraints for which ``matches(foreign_key)`` is true."""
        FOREIGN_KEYS.delete(self, matches)

    def _update_catalog(self, column, value, matches):
        """Set ``column`` to ``value`` in the constraints for which ``matches(foreign_key)`` is true."""
        FOREIGN_KEYS.update(self, column, value, matches)


def _target(field):
    """What ``field``'s constraint references, or None if it has none."""
    if not has_constraint(field):
        return None
    return field.target_field.model._meta.db_table, field.target_field.column


def _dropped_table(sql):
    """The server name of the table that ``sql`` drops, if it is a DROP TABLE."""
    words = str(sql).split()
    if len(words) == 3 and [w.upper() for w in words[:2]] == ["DROP", "TABLE"]:
        return server_name(words[2].strip('"'))
    return None


# Enforcement ---------------------------------------------------------------------
def checks_enabled(connection):
    """Whether writes are checked: disable_constraint_checking() turns the checks off."""
    return connection.foreign_key_checks


def guard_insert(compiler):
    """A context for the INSERT of ``compiler``'s rows: checks their foreign keys first."""
    connection = compiler.connection
    if not checks_enabled(connection):
        return nullcontext()
    columns = {server_name(f.column): f for f in compiler.query.fields if f.column}
    outgoing = [fk for fk in constraints_of(connection, compiler.query.get_meta().db_table) if fk.column in columns]
    if not outgoing:
        return nullcontext()

    # A value Django refuses to insert (an F() expression) fails before the check sends a query.
    for obj in compiler.query.objs:
        for field in compiler.query.fields:
            if hasattr(value := getattr(obj, field.attname, None), "resolve_expression"):
                compiler.prepare_value(field, value)

    def check():
        values = {}
        for fk in outgoing:
            values[fk] = {_insert_value(compiler, columns[fk.column], obj) for obj in compiler.query.objs}
            if fk.ref_table == fk.table and (target := columns.get(fk.ref_column)) is not None:
                # A row may reference another row of the same statement.
                values[fk] -= {_insert_value(compiler, target, obj) for obj in compiler.query.objs}
        _require_referenced(connection, values)

    return _checked(compiler, check)


def guard_update(compiler):
    """A context for ``compiler``'s UPDATE: checks the new values, and the rows that referenced old ones."""
    connection = compiler.connection
    if not checks_enabled(connection):
        return nullcontext()
    meta = compiler.query.get_meta()
    values = {server_name(field.column): (field, value) for field, _, value in compiler.query.values if field.column}
    outgoing = [fk for fk in constraints_of(connection, meta.db_table) if fk.column in values]
    incoming = [fk for fk in constraints_to(connection, meta.db_table) if fk.ref_column in values]
    if not outgoing and not incoming:
        return nullcontext()

    def check():
        new_values = {}
        for fk in outgoing:
            field, value = values[fk.column]
            if hasattr(value, "resolve_expression"):
                new_values[fk] = {row[0] for row in _select_matching(compiler, [value])}
            else:
                new_values[fk] = {_update_value(compiler, field, value)}
        _require_referenced(connection, new_values)
        for column, fks in _by_ref_column(incoming).items():
            field, value = values[column]
            old_values = {row[0] for row in _select_matching(compiler, [field.attname])}
            if not hasattr(value, "resolve_expression"):
                # Rows that keep their value are no change (an expression's new values are not known).
                new_value = comparable(_update_value(compiler, field, value))
                old_values = {old for old in old_values if comparable(old) != new_value}
            for fk in fks:
                _require_unreferenced(compiler, fk, old_values, ())

    return _checked(compiler, check)


def guard_delete(compiler):
    """A context for ``compiler``'s DELETE: refuses it while other rows reference the rows it deletes."""
    connection = compiler.connection
    if not checks_enabled(connection):
        return nullcontext()
    meta = compiler.query.get_meta()
    incoming = constraints_to(connection, meta.db_table)
    if not incoming:
        return nullcontext()
    by_column = {server_name(f.column): f for f in meta.concrete_fields}

    def check():
        for column, fks in _by_ref_column(incoming).items():
            field = by_column.get(column)
            if field is None:
                continue  # the model does not have the referenced column
            rows = _select_matching(compiler, [meta.pk.attname, field.attname])
            deleted_keys = {key for key, _ in rows}
            for fk in fks:
                _require_unreferenced(compiler, fk, {value for _, value in rows}, deleted_keys)

    return _checked(compiler, check)


@contextmanager
def _checked(compiler, check):
    """Run ``check`` and then the write (the with-block) in one transaction."""
    connection = compiler.connection
    if not connection.get_autocommit():
        check()
        yield
        return
    with transaction.atomic(using=compiler.using):
        check()
        yield


def _insert_value(compiler, field, obj):
    value = compiler.prepare_value(field, compiler.pre_save_val(field, obj))
    if hasattr(value, "as_sql"):
        sql, params = compiler.compile(value)
        with compiler.connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql}{compiler.connection.features.bare_select_suffix}", params)
            return cursor.fetchone()[0]
    return value


def _update_value(compiler, field, value):
    """The value an UPDATE writes for ``value`` (not an expression), as Django's update compiler prepares it."""
    if hasattr(value, "prepare_database_save"):
        value = value.prepare_database_save(field)
    return field.get_db_prep_save(value, connection=compiler.connection)


def _select_matching(compiler, selected):
    """Raw rows of ``selected`` (field names or expressions) over the rows that an UPDATE or DELETE matches."""
    query = compiler.query.chain(klass=Query)
    query.select_related = False
    query.clear_ordering(force=True)
    query.extra = {}
    query.select = ()
    query.default_cols = False
    for index, item in enumerate(selected):
        query.add_annotation(F(item) if isinstance(item, str) else item, f"fk_{index}")
    try:
        chunks = query.get_compiler(compiler.using).execute_sql(MULTI)
    except EmptyResultSet:
        return []
    return [tuple(row[: len(selected)]) for chunk in chunks or () for row in chunk]


def _by_ref_column(fks):
    grouped = {}
    for fk in fks:
        grouped.setdefault(fk.ref_column, []).append(fk)
    return grouped


def _chunks(values, connection):
    values = sorted(values, key=repr)
    size = connection.features.max_query_params
    return [values[start : start + size] for start in range(0, len(values), size)]


def _referencing_where(connection, column, count):
    """WHERE of a read of a referencing (indexed, not unique) column, by values.

    In a transaction, immudb 1.11 reading through an index finds only the
    rows with a value that the transaction's latest statement wrote, missing
    those of earlier statements; ``OR FALSE`` reads around the index (see
    compiler.py).
    """
    where = f"{_quote(column)} IN ({', '.join(['%s'] * count)})"
    if not connection.get_autocommit() and connection.features.is_immudb_1_11:
        where = f"({where}) OR FALSE"
    return where


def _missing(connection, ref_table, ref_column, values):
    """Those of ``values`` (NULL aside) that column ``ref_column`` of ``ref_table`` lacks, as comparable()."""
    values = {comparable(value): value for value in values if value is not None}
    found = set()
    with connection.cursor() as cursor:
        for chunk in _chunks(values.values(), connection):
            # The referenced column is unique: reading it through its index is right even in a transaction.
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {_quote(ref_column)} FROM {_quote(ref_table)} WHERE {_quote(ref_column)} IN ({placeholders})",
                chunk,
            )
            found.update(comparable(row[0]) for row in cursor.fetchall())
    return set(values) - found


def comparable(value):
    """``value`` as the server returns it: a UUID is sent as such but read back as text."""
    return str(value) if isinstance(value, uuid.UUID) else value


def _require_referenced(connection, values_by_fk):
    """Raise IntegrityError unless each value (NULL aside) of each foreign key is in its referenced column.

    Foreign keys to the same column (as two references to one table) are checked by one query.
    """
    by_target = {}
    for fk, values in values_by_fk.items():
        by_target.setdefault((fk.ref_table, fk.ref_column), []).append(fk)
    for (ref_table, ref_column), fks in by_target.items():
        missing = _missing(connection, ref_table, ref_column, set().union(*(values_by_fk[fk] for fk in fks)))
        for fk in fks:
            if bad := missing & {comparable(value) for value in values_by_fk[fk]}:
                raise IntegrityError(
                    f"FOREIGN KEY constraint {fk.name} failed: {_describe(fk.table, fk.column)} = "
                    f"{min(bad, key=repr)!r} has no row in {_describe(ref_table, ref_column)}."
                )


def _require_unreferenced(compiler, fk, values, leaving_keys):
    """Raise IntegrityError if rows of ``fk``'s table reference any of ``values``.

    ``leaving_keys`` are the primary keys of rows the statement deletes:
    those may reference each other (``fk`` on their own table).
    """
    connection = compiler.connection
    values = {value for value in values if value is not None}
    if not values:
        return
    self_referencing = fk.table == server_name(compiler.query.get_meta().db_table)
    pk = _quote(server_name(compiler.query.get_meta().pk.column))
    selected = f"{pk}, {_quote(fk.column)}" if self_referencing else f"{_quote(fk.column)}, {_quote(fk.column)}"
    with connection.cursor() as cursor:
        for chunk in _chunks(values, connection):
            cursor.execute(
                f"SELECT {selected} FROM {_quote(fk.table)} WHERE {_referencing_where(connection, fk.column, len(chunk))}"
                + ("" if self_referencing else " LIMIT 1"),
                chunk,
            )
            for key, value in cursor.fetchall():
                if not self_referencing or key not in leaving_keys:
                    raise IntegrityError(
                        f"FOREIGN KEY constraint {fk.name} failed: {_describe(fk.table, fk.column)} still "
                        f"references {value!r} in {_describe(fk.ref_table, fk.ref_column)}."
                    )


def _describe(table, column):
    return f"{names.decode(table)}.{names.decode(column)}"


# Checking stored rows ---------------------------------------------------------------
def check_constraints(connection, table_names=None):
    """Raise IntegrityError for the first row of ``table_names`` (default: all) whose foreign key finds no row."""
    fks = catalog(connection) or ()
    if table_names is not None:
        tables = {server_name(name) for name in table_names}
        fks = [fk for fk in fks if fk.table in tables]
    for fk in fks:
        _check_stored_rows(connection, fk)


def _check_stored_rows(connection, fk):
    with connection.cursor() as cursor:
        pk = connection.introspection.get_primary_key_column(cursor, names.decode(fk.table))
        cursor.execute(
            f"SELECT {connection.ops.quote_name(pk)}, {_quote(fk.column)} FROM {_quote(fk.table)} "
            f"WHERE {_quote(fk.column)} IS NOT NULL"
        )
        rows = cursor.fetchall()
    missing = _missing(connection, fk.ref_table, fk.ref_column, {value for _, value in rows})
    if missing:
        key, value = next((key, value) for key, value in rows if comparable(value) in missing)
        raise IntegrityError(
            f"The row in table '{names.decode(fk.table)}' with primary key '{key}' has an invalid foreign key: "
            f"{_describe(fk.table, fk.column)} contains a value '{value}' that does not have a corresponding value "
            f"in {_describe(fk.ref_table, fk.ref_column)}."
        )
