"""SQL compilers that count affected rows inside transactions.

Inside an interactive transaction immudb reports no row counts until
commit, yet Django decides between UPDATE and INSERT on the count. The
transaction reads its own snapshot, so counting the matching rows just
before the write gives the number the write affects.
"""

import re

from django.db.models.sql import compiler
from django.db.models.sql.compiler import (  # noqa: F401 - the compilers Django looks up here
    SQLAggregateCompiler,
    SQLCompiler,
)


class RowCountMixin:
    def _count_matching(self):
        table = self.quote_name_unless_alias(self.query.base_table)
        sql, params = f"SELECT COUNT(*) FROM {table}", []
        if self.query.where:
            where, params = self.compile(self.query.where)
            if where:
                sql += f" WHERE {where}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def _in_transaction(self):
        return not self.connection.get_autocommit()


class SQLUpdateCompiler(RowCountMixin, compiler.SQLUpdateCompiler):
    def execute_sql(self, result_type):
        if not self._in_transaction() or self.query.related_updates:
            return super().execute_sql(result_type)
        try:
            count = self._count_matching()
        except Exception:
            count = None
        rows = super().execute_sql(result_type)
        return count if rows in (-1, None) and count is not None else rows


class SQLDeleteCompiler(RowCountMixin, compiler.SQLDeleteCompiler):
    def execute_sql(self, result_type=compiler.MULTI):
        if not self._in_transaction():
            return super().execute_sql(result_type)
        count = self._count_matching()
        cursor = super().execute_sql(compiler.CURSOR)
        if cursor is not None:
            cursor.close()
        return count if result_type == compiler.CURSOR else count


class SQLInsertCompiler(compiler.SQLInsertCompiler):
    def as_sql(self):
        """An object with no values to send: immudb has no NULL for an AUTO_INCREMENT key.

        immudb 1.9 spells such a row ``INSERT INTO t () VALUES ()``, 1.11
        ``INSERT INTO t VALUES ()``.
        """
        statements = super().as_sql()
        if self.query.fields:
            return statements
        pk = re.escape(self.connection.ops.quote_name(self.query.get_meta().pk.column))
        columns = "" if self.connection.features.is_immudb_1_11 else "() "
        empty = re.compile(rf"\({pk}\) VALUES \(NULL\)((?:, \(NULL\))*)")

        def rows(match):
            return f"{columns}VALUES ()" + ", ()" * match.group(1).count("(NULL)")

        return [(empty.sub(rows, sql, count=1), params) for sql, params in statements]
