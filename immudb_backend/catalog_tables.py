"""Tables in which the backend keeps what immudb's own catalog lacks.

Foreign keys (foreign_keys.py) and index names (index_names.py) each live in
a table of the database, created by the schema editor on first use and never
listed by introspection. A connection reads such a table once and keeps the
rows across transactions: only the schema editor changes them, never inside
a transaction, and it reads them again when it has changed them. A new
connection reads them again.
"""


class CatalogTable:
    """One catalog table: ``columns`` besides its ``id``, each row read as ``row(id, *columns)``."""

    def __init__(self, name, columns, row):
        self.name, self.columns, self.row = name, columns, row
        self._cache = f"_{name}"

    def rows(self, connection):
        """Every row, or None while the table does not exist."""
        if self._cache not in connection.__dict__:
            connection.__dict__[self._cache] = self._read(connection)
        return connection.__dict__[self._cache]

    def forget(self, connection):
        """Have the rows read again when next needed."""
        connection.__dict__.pop(self._cache, None)

    def _read(self, connection):
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM TABLES()")
            if self.name not in {row[0] for row in cursor.fetchall()}:
                return None
            cursor.execute(f"SELECT id, {', '.join(self.columns)} FROM {self.name}")
            return tuple(self.row(*row) for row in cursor.fetchall())

    # Writes go through the schema editor, so that SQL it collects has them too.
    def delete(self, editor, matches):
        """Delete the rows for which ``matches(row)`` is true."""
        ids = self._ids(editor, matches)
        if ids:
            editor.execute(f"DELETE FROM {self.name} WHERE id IN ({', '.join(['%s'] * len(ids))})", ids)
            self.forget(editor.connection)

    def update(self, editor, column, value, matches):
        """Set ``column`` to ``value`` in the rows for which ``matches(row)`` is true."""
        ids = self._ids(editor, matches)
        if ids:
            placeholders = ", ".join(["%s"] * len(ids))
            editor.execute(f"UPDATE {self.name} SET {column} = %s WHERE id IN ({placeholders})", [value, *ids])
            self.forget(editor.connection)

    def _ids(self, editor, matches):
        return [row.id for row in self.rows(editor.connection) or () if matches(row)]
