"""Django database backend for immudb."""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.asyncio import async_unsafe

from . import dbapi as Database
from .client import DatabaseClient
from .creation import DatabaseCreation
from .datetimes import register as register_datetimes
from .derived_aggregation import register as register_derived_aggregation
from .features import DatabaseFeatures
from .foreign_keys import SchemaEditorMixin as ForeignKeySchemaEditorMixin
from .foreign_keys import check_constraints, forget_catalog
from .index_names import SchemaEditorMixin as IndexNameSchemaEditorMixin
from .index_names import forget_catalog as forget_index_names
from .introspection import DatabaseIntrospection
from .lookups import register as register_lookups
from .null_arithmetic import register as register_null_arithmetic
from .operations import DatabaseOperations
from .schema import DatabaseSchemaEditor
from .validation import DatabaseValidation


register_lookups()
register_datetimes()
register_derived_aggregation()
register_null_arithmetic()


class SchemaEditor(IndexNameSchemaEditorMixin, ForeignKeySchemaEditorMixin, DatabaseSchemaEditor):
    """The schema editor, keeping the catalogs of index names (index_names.py) and foreign keys (foreign_keys.py)."""


class DatabaseWrapper(BaseDatabaseWrapper):
    vendor = "immudb"
    display_name = "immudb"

    # CharField max_length counts characters; immudb's VARCHAR[n] counts
    # UTF-8 bytes, so room is made for four bytes a character. Indexed
    # columns are capped by the server's key length (see schema.py).
    data_types = {
        "AutoField": "INTEGER AUTO_INCREMENT",
        "BigAutoField": "INTEGER AUTO_INCREMENT",
        "SmallAutoField": "INTEGER AUTO_INCREMENT",
        "BinaryField": "BLOB",
        "BooleanField": "BOOLEAN",
        "CharField": "VARCHAR[%(max_length)s]",
        "DateField": "VARCHAR[10]",
        "DateTimeField": "TIMESTAMP",
        "DecimalField": "INTEGER",
        "DurationField": "INTEGER",
        "FileField": "VARCHAR[%(max_length)s]",
        "FilePathField": "VARCHAR[%(max_length)s]",
        "FloatField": "FLOAT",
        "IntegerField": "INTEGER",
        "BigIntegerField": "INTEGER",
        "IPAddressField": "VARCHAR[15]",
        "GenericIPAddressField": "VARCHAR[39]",
        "JSONField": "JSON",
        "OneToOneField": "INTEGER",
        "PositiveBigIntegerField": "INTEGER",
        "PositiveIntegerField": "INTEGER",
        "PositiveSmallIntegerField": "INTEGER",
        "SlugField": "VARCHAR[%(max_length)s]",
        "SmallIntegerField": "INTEGER",
        "TextField": "VARCHAR",
        "TimeField": "VARCHAR[15]",
        "UUIDField": "UUID",
    }
    data_types_suffix = {}
    data_type_check_constraints = {
        "PositiveBigIntegerField": '"%(column)s" >= 0',
        "PositiveIntegerField": '"%(column)s" >= 0',
        "PositiveSmallIntegerField": '"%(column)s" >= 0',
    }
    operators = {
        "exact": "= %s",
        "iexact": "LIKE %s",
        "contains": "LIKE %s",
        "icontains": "LIKE %s",
        "regex": "LIKE %s",
        "iregex": "LIKE %s",
        "gt": "> %s",
        "gte": ">= %s",
        "lt": "< %s",
        "lte": "<= %s",
        "startswith": "LIKE %s",
        "endswith": "LIKE %s",
        "istartswith": "LIKE %s",
        "iendswith": "LIKE %s",
    }
    pattern_esc = None
    pattern_ops = {}

    Database = Database
    SchemaEditorClass = SchemaEditor
    client_class = DatabaseClient
    creation_class = DatabaseCreation
    features_class = DatabaseFeatures
    introspection_class = DatabaseIntrospection
    ops_class = DatabaseOperations
    validation_class = DatabaseValidation

    def get_connection_params(self):
        settings = self.settings_dict
        options = settings.get("OPTIONS", {})
        if not settings["NAME"]:
            raise ImproperlyConfigured("settings.DATABASES is missing NAME, the immudb database to use.")
        return {
            "host": settings["HOST"] or "localhost",
            "port": int(settings["PORT"] or 3322),
            "user": settings["USER"] or "immudb",
            "password": settings["PASSWORD"] or "immudb",
            "database": settings["NAME"],
            "timeout": float(options.get("timeout", 30.0)),
        }

    # Django's writes are checked against the foreign keys (foreign_keys.py)
    # unless disable_constraint_checking() turned the checks off.
    foreign_key_checks = True

    def disable_constraint_checking(self):
        self.foreign_key_checks = False
        return True

    def enable_constraint_checking(self):
        self.foreign_key_checks = True

    def check_constraints(self, table_names=None):
        """Raise IntegrityError for a row whose foreign key value has no referenced row."""
        check_constraints(self, table_names)

    # The address and version of the server of the latest connection. Kept
    # after close(): compiling a query reads version-dependent features, and
    # must not need a connection when one was made to the same address.
    _last_server = None

    @async_unsafe
    def get_new_connection(self, conn_params):
        connection = Database.connect(**conn_params)
        server = ((conn_params["host"], conn_params["port"]), connection.server_version)
        if self._last_server not in (None, server):
            self.features.forget_server_version()
        self._last_server = server
        # The catalogs of the database connected to are read again.
        forget_catalog(self)
        forget_index_names(self)
        return connection

    def init_connection_state(self):
        pass

    @async_unsafe
    def create_cursor(self, name=None):
        return self.connection.cursor()

    def _set_autocommit(self, autocommit):
        self.connection.autocommit = autocommit

    # Savepoints live in the driver, which replays the statements before a
    # savepoint to roll back to it (see dbapi.py): immudb has none that work.
    def _savepoint(self, sid):
        with self.wrap_database_errors:
            self.connection.savepoint(sid)

    def _savepoint_rollback(self, sid):
        with self.wrap_database_errors:
            self.connection.rollback_to_savepoint(sid)

    def _savepoint_commit(self, sid):
        with self.wrap_database_errors:
            self.connection.release_savepoint(sid)

    def _close(self):
        if self.connection is not None:
            with self.wrap_database_errors:
                self.connection.close()

    def is_usable(self):
        try:
            self.connection.ping()
        except Database.Error:
            return False
        return True

    @property
    def server_version(self):
        """The server's (major, minor, patch), connecting only for a server not met before."""
        params = self.get_connection_params()
        if self._last_server is None or self._last_server[0] != (params["host"], params["port"]):
            self.ensure_connection()
            return self.connection.server_version
        return self._last_server[1]

    def close(self):
        super().close()
        # The settings may name another server before the next connection.
        self.features.forget_server_version()
