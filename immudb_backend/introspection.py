from collections import namedtuple

from django.db.backends.base.introspection import BaseDatabaseIntrospection
from django.db.backends.base.introspection import FieldInfo as BaseFieldInfo
from django.db.backends.base.introspection import TableInfo

from . import foreign_keys, index_names
from .names import decode, encode

# Tables dropped by renaming them out of sight (schema.py, execute).
HIDDEN_TABLE_PREFIX = "immudb_dropped_"

FieldInfo = namedtuple("FieldInfo", BaseFieldInfo._fields + ("is_autofield",))


class DatabaseIntrospection(BaseDatabaseIntrospection):
    data_types_reverse = {
        "INTEGER": "IntegerField",
        "BOOLEAN": "BooleanField",
        "VARCHAR": "CharField",
        "BLOB": "BinaryField",
        "TIMESTAMP": "DateTimeField",
        "FLOAT": "FloatField",
        "UUID": "UUIDField",
        "JSON": "JSONField",
    }

    def identifier_converter(self, name):
        """immudb folds names to lower case, and reports them so."""
        return name.lower()

    def get_field_type(self, data_type, description):
        field_type = super().get_field_type(data_type, description)
        if description.is_autofield:
            return "AutoField"
        if field_type == "CharField" and not description.display_size:
            return "TextField"  # VARCHAR without a length
        return field_type

    def get_table_list(self, cursor):
        cursor.execute("SELECT name FROM TABLES()")
        return [
            TableInfo(decode(row[0]), "t")
            for row in cursor.fetchall()
            if not _is_hidden(row[0])
        ]

    def _columns(self, cursor, table_name):
        """immudb's COLUMNS(table) rows: table, name, type, max_length, nullable,
        auto_increment, indexed, primary, unique."""
        cursor.execute("SELECT * FROM COLUMNS(%s)", [_server_name(table_name)])
        return [(table, decode(name), *rest) for table, name, *rest in cursor.fetchall()]

    def get_table_description(self, cursor, table_name):
        description = []
        for _, name, kind, max_length, nullable, auto_increment, _, primary, _ in self._columns(cursor, table_name):
            size = max_length if kind == "VARCHAR" and max_length else None
            # immudb reports primary key columns as nullable; they never are.
            null_ok = nullable and not primary
            description.append(FieldInfo(name, kind, size, size, None, None, null_ok, None, None, auto_increment))
        return description

    def get_sequences(self, cursor, table_name, table_fields=()):
        for _, name, _, _, _, auto_increment, *_ in self._columns(cursor, table_name):
            if auto_increment:
                return [{"table": table_name, "column": name}]
        return []

    def get_primary_key_columns(self, cursor, table_name):
        return [row[1] for row in self._columns(cursor, table_name) if row[7]]

    def get_relations(self, cursor, table_name):
        """{column: (referenced column, referenced table)} of the table's foreign keys (foreign_keys.py)."""
        return {
            decode(fk.column): (decode(fk.ref_column), decode(fk.ref_table))
            for fk in foreign_keys.constraints_of(self.connection, table_name)
        }

    def get_constraints(self, cursor, table_name):
        """Every index and every foreign key.

        An index is reported under each name the backend recorded for its
        columns (index_names.py), or else as immudb names it (``table(col1,col2)``).
        """
        indexes = server_indexes(cursor, _server_name(table_name))
        names = {}
        for recorded in index_names.names_of(self.connection, table_name):
            if recorded.columns in indexes:
                names.setdefault(recorded.columns, []).append(recorded.name)
        constraints = {}
        for columns, (name, unique, primary) in indexes.items():
            for index_name in names.get(columns, [name]):
                constraints[index_name] = {
                    "columns": [decode(column) for column in columns],
                    "primary_key": primary,
                    "unique": unique,
                    "foreign_key": None,
                    "check": False,
                    "index": not primary,
                    "type": "idx",
                    "orders": [],
                }
        for fk in foreign_keys.constraints_of(self.connection, table_name):
            constraints[fk.name] = {
                "columns": [decode(fk.column)],
                "primary_key": False,
                "unique": False,
                "foreign_key": (decode(fk.ref_table), decode(fk.ref_column)),
                "check": False,
                "index": False,
            }
        return constraints


def server_indexes(cursor, table):
    """{server column names: (immudb's name, unique, primary)} of the indexes of server table ``table``."""
    cursor.execute("SELECT * FROM INDEXES(%s)", [table])
    return {
        tuple(name[name.index("(") + 1 : -1].split(",")): (name, unique, primary)
        for _, name, unique, primary in cursor.fetchall()
    }


def _is_hidden(table):
    """Whether ``table`` is a dropped one or the backend's own, which are no part of the project's schema."""
    return table.startswith(HIDDEN_TABLE_PREFIX) or table in (foreign_keys.CATALOG_TABLE, index_names.CATALOG_TABLE)


def _server_name(table_name):
    """The name under which immudb keeps ``table_name``, as its catalog functions take it."""
    return encode(table_name).lower()
