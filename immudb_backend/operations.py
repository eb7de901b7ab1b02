import datetime
import decimal
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.db import DataError, NotSupportedError
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.models.constants import OnConflict
from django.db.models.fields.json import KeyTextTransform
from django.utils import dateparse, timezone

from . import datetimes, names
from .json_lookups import convert_key_text


class DatabaseOperations(BaseDatabaseOperations):
    compiler_module = "immudb_backend.compiler"
    cast_char_field_without_max_length = "VARCHAR"
    # A query plan, as text rows (1.11; features.supports_explaining_query_execution).
    explain_prefix = "EXPLAIN"

    def quote_name(self, name):
        if name.startswith('"') and name.endswith('"'):
            return name
        # Even quoted, immudb takes only letters, digits and underscores: other names are encoded.
        return f'"{names.encode(name)}"'

    def last_executed_query(self, cursor, sql, params):
        """The statement with its parameters written in as SQL literals, for logs and debugging."""
        if params is None:
            return sql  # the driver interpolates nothing either
        if isinstance(params, Mapping):
            return sql % {key: _logged_literal(value) for key, value in params.items()}
        return sql % tuple(_logged_literal(value) for value in params)

    def max_name_length(self):
        return 128

    def no_limit_value(self):
        return None

    def last_insert_id(self, cursor, table_name, pk_name):
        """The new primary key, from the server's lastInsertedPKs.

        Inside an interactive transaction immudb 1.9 reports nothing until
        commit and has no RETURNING. The transaction reads its own snapshot,
        in which the newest key is the one it just inserted: a concurrent
        insert that took the same key makes the commit fail with a conflict,
        so this read cannot return another writer's key.
        """
        if cursor.lastrowid is not None:
            return cursor.lastrowid
        table, pk = self.quote_name(table_name), self.quote_name(pk_name)
        cursor.execute(f"SELECT {pk} FROM {table} ORDER BY {pk} DESC LIMIT 1")
        return cursor.fetchone()[0]

    def return_insert_columns(self, fields):
        if not fields:
            return "", ()
        columns = ", ".join(f"{self.quote_name(f.model._meta.db_table)}.{self.quote_name(f.column)}" for f in fields)
        return f"RETURNING {columns}", ()

    def fetch_returned_insert_rows(self, cursor):
        return cursor.fetchall()

    def on_conflict_suffix_sql(self, fields, on_conflict, update_fields, unique_fields):
        # Only a primary key conflicts here; compiler.py leaves out the rows
        # that would repeat another unique value (conflicts.py).
        if on_conflict == OnConflict.IGNORE:
            return "ON CONFLICT DO NOTHING"
        return super().on_conflict_suffix_sql(fields, on_conflict, update_fields, unique_fields)

    def pk_default_value(self):
        return "NULL"

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))}" for t in tables]

    # Values to the database -------------------------------------------
    def adapt_datetimefield_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if timezone.is_aware(value):
            if not settings.USE_TZ:
                raise ValueError("immudb backend does not support timezone-aware datetimes when USE_TZ is False.")
            return value.astimezone(datetime.timezone.utc)
        return value

    def adapt_datefield_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return value.isoformat()

    def adapt_timefield_value(self, value):
        if value is None or hasattr(value, "resolve_expression"):
            return value
        if timezone.is_aware(value):
            raise ValueError("immudb backend does not support timezone-aware times.")
        # A fixed width keeps the strings in time order.
        return value.isoformat(timespec="microseconds")

    def adapt_decimalfield_value(self, value, max_digits=None, decimal_places=None):
        """Decimals are stored exactly as INTEGER counts of 10**-decimal_places."""
        if value is None or hasattr(value, "resolve_expression"):
            return value
        places = decimal_places or 0
        scaled = decimal.Decimal(value).scaleb(places).to_integral_value(decimal.ROUND_HALF_EVEN)
        if not scaled.is_finite() or not -(2**63) <= scaled < 2**63:
            raise DataError(
                f"immudb stores decimals as 64-bit integers of 10^-{places}; {value} does not fit."
            )
        return int(scaled)

    def adapt_integerfield_value(self, value, internal_type):
        return value

    def adapt_json_value(self, value, encoder):
        import json

        return json.dumps(value, cls=encoder)

    # Values from the database -----------------------------------------
    def get_db_converters(self, expression):
        converters = super().get_db_converters(expression)
        internal_type = expression.output_field.get_internal_type()
        converter = {
            "DateTimeField": self.convert_datetimefield_value,
            "DateField": self.convert_datefield_value,
            "TimeField": self.convert_timefield_value,
            "DecimalField": self.convert_decimalfield_value,
            "UUIDField": self.convert_uuidfield_value,
            "BooleanField": self.convert_booleanfield_value,
            "FloatField": self.convert_floatfield_value,
        }.get(internal_type)
        if converter:
            converters.append(converter)
        if isinstance(expression, KeyTextTransform):
            converters.append(convert_key_text)
        return converters

    def convert_datetimefield_value(self, value, expression, connection):
        if isinstance(value, str):
            # A date moved by a duration is computed as text (datetimes.shifted).
            value = dateparse.parse_datetime(value)
        if value is not None and settings.USE_TZ:
            value = timezone.make_aware(value, datetime.timezone.utc)
        return value

    def convert_datefield_value(self, value, expression, connection):
        if isinstance(value, str):
            return datetime.date.fromisoformat(value)
        if isinstance(value, datetime.datetime):
            return value.date()
        return value

    def convert_timefield_value(self, value, expression, connection):
        if isinstance(value, str):
            return datetime.time.fromisoformat(value)
        return value

    def convert_decimalfield_value(self, value, expression, connection):
        if value is None:
            return None
        places = expression.output_field.decimal_places or 0
        if isinstance(value, float):
            return decimal.Decimal(repr(value)).scaleb(-places)
        return decimal.Decimal(value).scaleb(-places)

    def convert_uuidfield_value(self, value, expression, connection):
        if isinstance(value, str):
            return uuid.UUID(value)
        return value

    def convert_booleanfield_value(self, value, expression, connection):
        return bool(value) if value in (0, 1) else value

    def convert_floatfield_value(self, value, expression, connection):
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    # Dates, times and durations (see datetimes.py) ---------------------------
    def date_extract_sql(self, lookup_type, sql, params):
        return datetimes.date_extract(self.connection, lookup_type, sql, params)

    def time_extract_sql(self, lookup_type, sql, params):
        return datetimes.time_extract(lookup_type, sql, params)

    def datetime_extract_sql(self, lookup_type, sql, params, tzname):
        return datetimes.datetime_extract(self.connection, lookup_type, sql, params, tzname)

    def date_trunc_sql(self, lookup_type, sql, params, tzname=None):
        return datetimes.date_trunc(self.connection, lookup_type, sql, params)

    def datetime_trunc_sql(self, lookup_type, sql, params, tzname):
        return datetimes.datetime_trunc(self.connection, lookup_type, sql, params, tzname)

    def time_trunc_sql(self, lookup_type, sql, params, tzname=None):
        return datetimes.time_trunc(lookup_type, sql, params)

    def datetime_cast_date_sql(self, sql, params, tzname):
        return datetimes.datetime_cast_date(self.connection, sql, params, tzname)

    def datetime_cast_time_sql(self, sql, params, tzname):
        return datetimes.datetime_cast_time(self.connection, sql, params, tzname)

    def subtract_temporals(self, internal_type, lhs, rhs):
        return datetimes.subtract_temporals(self.connection, internal_type, lhs, rhs)

    def regex_lookup(self, lookup_type):
        return "%s LIKE %s"

    def prep_for_like_query(self, x):
        return str(x)

    def conditional_expression_supported_in_where_clause(self, expression):
        return True

    def combine_expression(self, connector, sub_expressions):
        """immudb has no operator for powers (1.11 has POWER) and none for bits (see bitwise.py)."""
        if connector == "^":
            if not self.connection.features.is_immudb_1_11:
                raise NotSupportedError("immudb 1.9 has no POWER function or operator.")
            return "POWER(%s)" % ", ".join(sub_expressions)
        if connector in ("&", "|", "#", "<<", ">>"):
            raise NotSupportedError("immudb has no bitwise operators.")
        return super().combine_expression(connector, sub_expressions)


def _logged_literal(value):
    """``value`` as it reads in SQL, for a log: never fails (the driver's own literals may refuse a value)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"x'{bytes(value).hex()}'"
    return "'%s'" % str(value).replace("'", "''")
