"""Names of indexes and unique constraints, kept by the backend.

immudb knows an index only by its table and columns (its catalog names it
``table(col1,col2)``), while Django knows indexes and constraints by name.
So the backend keeps the names in a catalog table of the database
(CATALOG_TABLE, created on first use and never listed by introspection):

- the schema editor records the name of each index or unique constraint it
  makes or a model declares (Meta.indexes, Meta.constraints, unique_together,
  index_together, a field's db_index or unique; these under the names
  Django's base schema editor gives them), and forgets it with the index,
  constraint, field or table; it follows renamed tables and columns, and
  RenameIndex is only a change of the catalog. Django's own CREATE INDEX
  statements with a name (as Index.create_sql() makes them) are sent
  without it and the name is recorded (SchemaEditorMixin);
- introspection reports each name on the columns of an existing index with
  that index's flags (get_constraints). One immudb index on a group of
  columns serves every declaration there (see schema.py), so several names
  may share an index.

Names are kept in lower case, as introspection reports names.
"""

import re
from collections import namedtuple

from . import introspection, schema
from .catalog_tables import CatalogTable
from .foreign_keys import server_name
from .names import decode

CATALOG_TABLE = "immudb_index_names"

# ``kind`` is "index" or "unique": what the name was declared as, whatever
# the index serving it is. ``columns`` are server names.
IndexName = namedtuple("IndexName", "id name kind table columns")

# A statement Django makes with an index name (see the schema editor's
# sql_create_index); an order (DESC) is dropped, as for Meta.indexes.
_NAMED_INDEX = re.compile(
    r'CREATE (?P<unique>UNIQUE )?INDEX (?P<name>"\w+") ON (?P<table>"\w+") '
    r'\((?P<columns>"\w+"(?: (?:ASC|DESC))?(?:, "\w+"(?: (?:ASC|DESC))?)*)\)',
    re.IGNORECASE,
)


# The catalog -----------------------------------------------------------------
def _index_name(id, name, kind, table, columns):
    return IndexName(id, name, kind, table, tuple(columns.split(",")))


INDEX_NAMES = CatalogTable(CATALOG_TABLE, ("index_name", "kind", "table_name", "column_names"), _index_name)


def catalog(connection):
    """Every recorded name of the database, or None without a catalog (see catalog_tables.py)."""
    return INDEX_NAMES.rows(connection)


def forget_catalog(connection):
    INDEX_NAMES.forget(connection)


def names_of(connection, table):
    """The recorded names of Django table ``table``."""
    table = server_name(table)
    return [name for name in catalog(connection) or () if name.table == table]


# Schema changes ----------------------------------------------------------------
class SchemaEditorMixin:
    """Keeps the catalog in step with the schema editor's changes; goes before the schema editor's class."""

    def __enter__(self):
        forget_catalog(self.connection)
        if not self.collect_sql:
            # Read now: a RenameIndex then costs one statement.
            catalog(self.connection)
        return super().__enter__()

    def __exit__(self, exc_type, exc_value, traceback):
        result = super().__exit__(exc_type, exc_value, traceback)
        if exc_type is None and not self.collect_sql:
            catalog(self.connection)
        return result

    def create_model(self, model):
        super().create_model(model)
        # A table of this name dropped by raw SQL may have left its names.
        self._forget_table(server_name(model._meta.db_table))
        self._record(model, self._declared_names(model))

    def delete_model(self, model):
        super().delete_model(model)
        if self.collect_sql:  # run, its DROP TABLE has done it (execute)
            self._forget_table(server_name(model._meta.db_table))

    def add_field(self, model, field):
        super().add_field(model, field)
        if field.concrete and field.column:
            self._record(model, self._field_names(model, field))

    def remove_field(self, model, field):
        super().remove_field(model, field)
        if field.concrete and field.column:
            table, column = server_name(model._meta.db_table), server_name(field.column)
            self._forget(lambda name: name.table == table and column in name.columns)

    def alter_field(self, model, old_field, new_field, strict=False):
        super().alter_field(model, old_field, new_field, strict)
        if not (old_field.concrete and new_field.concrete and old_field.column and new_field.column):
            return  # a many-to-many field: its through table's fields are altered on their own
        table = server_name(model._meta.db_table)
        old_column, new_column = server_name(old_field.column), server_name(new_field.column)
        if old_column != new_column:
            self._rename_column(table, old_column, new_column)
        old_kind = _kind(schema._single_index(old_field, self.connection))
        new_kind = _kind(schema._single_index(new_field, self.connection))
        if old_kind != new_kind:
            if old_kind:
                # As Django does: the field's own index or constraint goes, those of Meta stay.
                self._forget_undeclared(model, old_kind, (new_column,))
            self._record(model, self._field_names(model, new_field))

    def alter_db_table(self, model, old_db_table, new_db_table):
        super().alter_db_table(model, old_db_table, new_db_table)
        old, new = server_name(old_db_table), server_name(new_db_table)
        if old != new:
            self._update("table_name", new, lambda name: name.table == old)

    def add_index(self, model, index):
        super().add_index(model, index)
        if schema._is_plain_index(index):
            self._record(model, [(index.name, "index", schema._columns(model, index.fields))])

    def remove_index(self, model, index):
        super().remove_index(model, index)
        self._forget_name(model, index.name)

    def rename_index(self, model, old_index, new_index):
        """A renamed index keeps its columns: only its name changes, in the catalog."""
        old_columns, new_columns = (
            schema._columns(model, index.fields) if schema._is_plain_index(index) else None
            for index in (old_index, new_index)
        )
        if old_columns is None or old_columns != new_columns:
            self.remove_index(model, old_index)
            self.add_index(model, new_index)
            return
        table, old_name = server_name(model._meta.db_table), old_index.name.lower()
        if any(name.table == table and name.name == old_name for name in catalog(self.connection) or ()):
            new_name = new_index.name.lower()
            self._update("index_name", new_name, lambda name: (name.table, name.name) == (table, old_name))
        else:
            self._record(model, [(new_index.name, "index", new_columns)])

    def add_constraint(self, model, constraint):
        super().add_constraint(model, constraint)
        if schema._is_plain_unique(constraint):
            self._record(model, [(constraint.name, "unique", schema._columns(model, constraint.fields))])

    def remove_constraint(self, model, constraint):
        super().remove_constraint(model, constraint)
        self._forget_name(model, constraint.name)

    def alter_unique_together(self, model, old_unique_together, new_unique_together):
        super().alter_unique_together(model, old_unique_together, new_unique_together)
        self._alter_together(model, old_unique_together, new_unique_together, "unique")

    def alter_index_together(self, model, old_index_together, new_index_together):
        super().alter_index_together(model, old_index_together, new_index_together)
        self._alter_together(model, old_index_together, new_index_together, "index")

    def execute(self, sql, params=()):
        """A named CREATE INDEX is sent without its name, which is recorded; a dropped table takes its names along."""
        named = _NAMED_INDEX.fullmatch(str(sql).strip())
        if named is not None:
            return self._create_named_index(named, params)
        result = super().execute(sql, params)
        words = str(sql).split()
        # Written out, a table rebuild drops the old table before it gives the
        # new one its name (schema.py, _swap_tables): the names stay then.
        if not self.collect_sql and len(words) == 3 and [w.upper() for w in words[:2]] == ["DROP", "TABLE"]:
            self._forget_table(server_name(words[2].strip('"')))
        return result

    def _create_named_index(self, named, params):
        """Make the index unless one on its columns serves already (see schema.py), and record its name."""
        columns = [column.split()[0] for column in named["columns"].split(", ")]
        table, unique = server_name(named["table"]), bool(named["unique"])
        existing = None
        if not self.collect_sql:
            with self.connection.cursor() as cursor:
                existing = introspection.server_indexes(cursor, table).get(tuple(map(server_name, columns)))
        if existing is None or (unique and not existing[1]):
            if existing is not None:
                super().execute(self.sql_delete_index % {"table": named["table"], "columns": ", ".join(columns)})
            super().execute(
                self.sql_create_unnamed_index
                % {"unique": named["unique"] or "", "table": named["table"], "columns": ", ".join(columns)},
                params,
            )
        kind = "unique" if unique else "index"
        self._record_in(table, [(decode(server_name(named["name"])), kind, list(map(server_name, columns)))])

    # Django's names ------------------------------------------------------------
    def _declared_names(self, model):
        """(name, kind, columns) of every index and unique constraint ``model`` declares that immudb makes."""
        meta = model._meta
        declared = [n for field in meta.local_concrete_fields for n in self._field_names(model, field)]
        declared += [self._together_name(model, fields, "unique") for fields in meta.unique_together]
        declared += [
            (i.name, "index", schema._columns(model, i.fields)) for i in meta.indexes if schema._is_plain_index(i)
        ]
        declared += [
            (c.name, "unique", schema._columns(model, c.fields)) for c in meta.constraints if schema._is_plain_unique(c)
        ]
        return declared

    def _field_names(self, model, field):
        """The (name, kind, columns) of ``field``'s own index, as Django names it: none, or one."""
        kind = _kind(schema._single_index(field, self.connection))
        if kind is None:
            return []
        suffix = "_uniq" if kind == "unique" else ""
        return [(self._create_index_name(model._meta.db_table, [field.column], suffix=suffix), kind, [field.column])]

    def _together_name(self, model, fields, kind):
        columns = schema._columns(model, fields)
        suffix = "_uniq" if kind == "unique" else "_idx"
        return self._create_index_name(model._meta.db_table, columns, suffix=suffix), kind, columns

    def _alter_together(self, model, olds, news, kind):
        olds, news = {tuple(fields) for fields in olds}, {tuple(fields) for fields in news}
        for fields in sorted(olds - news):
            self._forget_undeclared(model, kind, tuple(map(server_name, schema._columns(model, fields))))
        self._record(model, [self._together_name(model, fields, kind) for fields in sorted(news - olds)])

    def _forget_undeclared(self, model, kind, columns):
        """Forget the names of ``kind`` on ``columns`` but those of ``model``'s Meta indexes and constraints.

        As Django's base schema editor does when a field or a together option
        drops its index: it drops every other one of that kind there.
        """
        table = server_name(model._meta.db_table)
        kept = {i.name.lower() for i in model._meta.indexes} | {c.name.lower() for c in model._meta.constraints}
        self._forget(
            lambda name: (name.table, name.kind, name.columns) == (table, kind, columns) and name.name not in kept
        )

    def _forget_table(self, table):
        self._forget(lambda name: name.table == table)

    def _forget_name(self, model, index_name):
        table, index_name = server_name(model._meta.db_table), index_name.lower()
        self._forget(lambda name: (name.table, name.name) == (table, index_name))

    def _rename_column(self, table, old_column, new_column):
        for name in catalog(self.connection) or ():
            if name.table == table and old_column in name.columns:
                columns = ",".join(new_column if c == old_column else c for c in name.columns)
                self._update("column_names", columns, lambda other, id=name.id: other.id == id)

    # Catalog writes, sent through execute() so that collected SQL has them too.
    def _record(self, model, entries):
        """Record ``entries``, (name, kind, Django column names) on ``model``'s table."""
        table = server_name(model._meta.db_table)
        self._record_in(table, [(name, kind, list(map(server_name, columns))) for name, kind, columns in entries])

    def _record_in(self, table, entries):
        """Record ``entries``, (name, kind, server column names) on server table ``table``, in one statement."""
        rows = [(name.lower(), kind, table, ",".join(columns)) for name, kind, columns in entries]
        if not rows:
            return
        known = catalog(self.connection)
        replaced = {row[0] for row in rows}
        self._forget(lambda name: name.table == table and name.name in replaced)
        if known is None:
            self.execute(
                f"CREATE TABLE IF NOT EXISTS {CATALOG_TABLE} (id INTEGER AUTO_INCREMENT, "
                "index_name VARCHAR NOT NULL, kind VARCHAR NOT NULL, table_name VARCHAR NOT NULL, "
                "column_names VARCHAR NOT NULL, PRIMARY KEY (id))"
            )
        self.execute(
            f"INSERT INTO {CATALOG_TABLE} (index_name, kind, table_name, column_names) VALUES "
            + ", ".join(["(%s, %s, %s, %s)"] * len(rows)),
            [value for row in rows for value in row],
        )
        forget_catalog(self.connection)

    def _forget(self, matches):
        """Delete the names for which ``matches(name)`` is true."""
        INDEX_NAMES.delete(self, matches)

    def _update(self, column, value, matches):
        """Set ``column`` to ``value`` in the names for which ``matches(name)`` is true."""
        INDEX_NAMES.update(self, column, value, matches)


def _kind(single_index):
    """The kind of name a field's own index has ("unique" or "plain" from _single_index)."""
    return {"unique": "unique", "plain": "index"}.get(single_index)
