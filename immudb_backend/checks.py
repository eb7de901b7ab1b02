"""CHECK constraints as immudb can keep them.

Both server versions enforce the CHECK constraints of CREATE TABLE on INSERT,
UPDATE and UPSERT, and drop one by name (ALTER TABLE ... DROP CONSTRAINT);
none can add one to an existing table, so schema.py rebuilds the table. Two
server traits shape the SQL made here:

- immudb stores a check as the text its parsed expression prints, and parses
  that text again at the start of every transaction. The printed text is not
  always SQL it can read: quotes inside a string are not doubled, column names
  lose their quotes (a column named like a keyword reads as that keyword),
  and ``NOT IN``, ``CASE`` (without its parentheses) and subqueries print
  wrongly. Once
  such a check is stored, every later statement on the database fails. So a
  check goes to the server only if its SQL is made of parts that print back
  as they were read (``stored_safely``).
- A comparison with NULL is not unknown on immudb: NULL sorts first and
  equals NULL, and arithmetic on NULL is an error. SQL passes a row whose
  check is unknown, so a check is sent as ``NOT <definitely false>``, where a
  comparison is decided only once the nullable columns it reads are not NULL.
  So its arithmetic needs no CASE guard against NULL operands (null_arithmetic.py).
"""

import re

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import NotSupportedError
from django.db.models import CheckConstraint
from django.db.models.expressions import Case, Col, ExpressionWrapper
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, IsNull
from django.db.models.sql import Query
from django.db.models.sql.where import AND, XOR, WhereNode

from .null_arithmetic import is_plain_arithmetic, unguarded_sql

# Words the lexer of immudb 1.9.6 or 1.11.1 takes for a keyword, type,
# aggregate or literal, which 1.11.1's grammar does not also accept as a
# column name (its colNameKeyword and unreserved_keyword). A column named so
# is printed unquoted in a stored check and read back as the keyword; both
# versions count, as a database may move to the newer server.
UNSAFE_WORDS = frozenset(
    """
    ALL AND AS ASC AUTO_INCREMENT AVG BIGINT BIGSERIAL BLOB BOOLEAN BY BYTEA CASCADE CASE CAST CHECK COLUMN
    COUNT CREATE CROSS DATABASES DATE DECIMAL DEFAULT DESC DIFF DISTINCT DO DOUBLE ELSE END EXCEPT EXISTS
    EXPLAIN EXTRACT FALSE FETCH FIRST FLOAT FOR FOREIGN FROM FULL GRANTS GROUP HAVING HISTORY ILIKE IN INNER
    INT INTEGER INTERSECT INTO IS JOIN JSON JSONB LAST LATERAL LEFT LIKE LIMIT MAX MIN NATURAL NOT NOTHING
    NULL NULLS NUMERIC OFFSET ON ONLY OR ORDER OVER PARTITION PASSWORD PRIMARY READ READWRITE REAL RECURSIVE
    REFERENCES RELEASE RETURNING RIGHT ROWS SAVEPOINT SELECT SEQUENCE SERIAL SET SINCE SMALLINT STRING_AGG
    SUM TABLE THEN TIMESTAMP TIMESTAMPTZ TO TRUE TRUNCATE TX UNION UNIQUE UNTIL UPSERT USE USER USING UUID
    VALUES VARCHAR VIEW WHEN WHERE WITH
    ADD ADMIN AFTER ALTER BEFORE BEGIN COMMIT CONFLICT CONSTRAINT DATABASE DELETE DROP GRANT IF INDEX INSERT
    KEY OF PRIVILEGES RENAME REVOKE ROLLBACK SHOW SNAPSHOT TABLES TRANSACTION UPDATE USERS
    DAY HOUR MINUTE MONTH SECOND YEAR BETWEEN
    """.split()
)
# Keywords a stored check may use: they print back as they were written.
SYNTAX_WORDS = frozenset(
    "AND OR NOT IS NULL IN LIKE ILIKE TRUE FALSE CAST AS INTEGER VARCHAR FLOAT BOOLEAN TIMESTAMP UUID BLOB JSON".split()
)
TOKEN = re.compile(r"""\s+|"[^"]*"|[xX]'[^']*'|'(?:[^']|'')*'|[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|.""", re.DOTALL)
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def stored_safely(sql):
    """Whether immudb reads back the text it prints for the check ``sql``."""
    tokens = [t for t in TOKEN.findall(sql) if not t.isspace()]
    for position, token in enumerate(tokens):
        following = tokens[position + 1] if position + 1 < len(tokens) else ""
        word = token.upper()
        if token[0] in "xX" and token.endswith("'"):
            return False  # a blob literal prints as bare hex
        if token.startswith("'"):
            if "''" in token[1:-1]:
                return False  # printed as one quote, which ends the string
        elif token.startswith('"'):
            if not _column_name_safe(token[1:-1]):
                return False
        elif IDENTIFIER.fullmatch(token.lower()):
            if word == "NOT" and following.upper() == "IN":
                return False  # printed without the NOT
            if word not in SYNTAX_WORDS and not _column_name_safe(token):
                return False
        elif token in ("@", "$", "?", ";"):
            return False  # parameters and statement separators
    return True


def _column_name_safe(name):
    return bool(IDENTIFIER.fullmatch(name.lower())) and name.upper() not in UNSAFE_WORDS


def check_constraints(model):
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]


def condition_sql(model, condition, schema_editor, nullable, renamed=None):
    """The SQL of a check's ``condition`` on ``model``'s table, with SQL's NULL semantics.

    ``nullable`` are the table's columns that may be NULL; ``renamed`` maps
    the model's column names to the table's, for a table being rebuilt.
    """
    query = Query(model=model, alias_cols=False)
    compiler = query.get_compiler(connection=schema_editor.connection)
    if renamed:
        quote = compiler.quote_name_unless_alias
        compiler.quote_name_unless_alias = lambda name: quote(renamed.get(name, name))
    compile_guarded = compiler.compile
    compiler.compile = lambda node: (
        unguarded_sql(node, compiler, compiler.connection) if is_plain_arithmetic(node) else compile_guarded(node)
    )
    decide = _Decider(compiler, {column: column for column in nullable}, renamed or {})
    sql, params = decide(query.build_where(condition), False)
    return f"NOT {sql}" % tuple(schema_editor.quote_value(p) for p in params)


def condition_columns(model, condition):
    """The columns of ``model`` that a check's ``condition`` reads."""
    where = Query(model=model, alias_cols=False).build_where(condition)
    return {node.target.column for node in _walk(where) if isinstance(node, Col)}


class _Decider:
    """SQL that is true exactly when a condition is known to be true (or false)."""

    def __init__(self, compiler, nullable, renamed):
        self.compiler = compiler
        self.nullable = nullable
        self.renamed = renamed

    def __call__(self, node, value):
        if isinstance(node, WhereNode) and node.connector != XOR:
            return self._node(node, value)
        if isinstance(node, ExpressionWrapper):
            return self(node.expression, value)
        if isinstance(node, Exact) and isinstance(node.rhs, bool) and getattr(node.lhs, "conditional", False):
            return self(node.lhs, value if node.rhs else not value)
        return self._leaf(node, value)

    def _node(self, node, value):
        if node.negated:
            value = not value
        if not node.children:
            return ("TRUE" if value else "FALSE"), []
        # All of AND is true when each part is; it is false when one part is.
        joiner = " AND " if (node.connector == AND) == value else " OR "
        parts, params = [], []
        for child in node.children:
            sql, child_params = self(child, value)
            parts.append(sql)
            params.extend(child_params)
        return "(" + joiner.join(parts) + ")", params

    def _leaf(self, node, value):
        try:
            sql, params = self.compiler.compile(node)
        except EmptyResultSet:
            return ("FALSE" if value else "TRUE"), []
        except FullResultSet:
            return ("TRUE" if value else "FALSE"), []
        known = [f"{self.compiler.compile(col)[0]} IS NOT NULL" for col in self._nullable_columns(node)]
        test = f"({sql})" if value else f"NOT ({sql})"
        return "(" + " AND ".join([*known, test]) + ")", list(params)

    def _nullable_columns(self, node):
        """The nullable columns whose NULL makes ``node`` unknown."""
        columns, seen = [], set()
        for expression in _walk(node, opaque=(IsNull, Coalesce, Case)):
            if isinstance(expression, Col):
                column = self.renamed.get(expression.target.column, expression.target.column)
                if column in self.nullable and column not in seen:
                    seen.add(column)
                    columns.append(expression)
        return columns


def _walk(node, opaque=()):
    """``node`` and the expressions under it, not looking inside ``opaque`` ones."""
    if isinstance(node, opaque):
        return
    yield node
    children = node.children if isinstance(node, WhereNode) else node.get_source_expressions()
    for child in children:
        if isinstance(child, WhereNode) or hasattr(child, "get_source_expressions"):
            yield from _walk(child, opaque)


def refuse(what, table):
    raise NotSupportedError(
        f"immudb cannot keep {what} on table {table!r}: it stores a check as text that it must read back, and "
        "this one would not read back (a quote inside a string, a column named like an SQL keyword, NOT IN, "
        "a subquery, or a binary value)."
    )
