"""SQL compilers that count affected rows inside transactions.

Inside an interactive transaction immudb reports no row counts until
commit, yet Django decides between UPDATE and INSERT on the count. The
transaction reads its own snapshot, so counting the matching rows just
before the write gives the number the write affects.
"""

from django.db.models.sql import compiler
from django.db.models.sql.compiler import (  # noqa: F401 - the compilers Django looks up here
    SQLAggregateCompiler,
    SQLCompiler,
    SQLInsertCompiler,
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
