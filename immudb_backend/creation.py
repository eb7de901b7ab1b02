"""Test databases, created and dropped through immudb's database API."""

from django.db.backends.base.creation import BaseDatabaseCreation
from immudb.grpc import schema_pb2

from . import dbapi


class DatabaseCreation(BaseDatabaseCreation):
    def _admin_connection(self):
        params = self.connection.get_connection_params()
        params["database"] = "defaultdb"
        return dbapi.connect(**params)

    def _database_exists(self, cursor, database_name):
        return database_name in self._database_names()

    def _database_names(self):
        admin = self._admin_connection()
        try:
            response = admin._call("DatabaseListV2", schema_pb2.DatabaseListRequestV2())
            return {db.name for db in response.databases}
        finally:
            admin.close()

    def _execute_create_test_db(self, cursor, parameters, keepdb=False):
        name = parameters["dbname"].strip('"')
        admin = self._admin_connection()
        try:
            admin._call("CreateDatabaseV2", schema_pb2.CreateDatabaseRequest(name=name, ifNotExists=keepdb))
        except dbapi.IntegrityError:
            raise dbapi.DatabaseError(f"database {name} already exists")
        finally:
            admin.close()

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        test_database_name = self._get_test_db_name()
        if keepdb and test_database_name in self._database_names():
            return test_database_name
        if test_database_name in self._database_names():
            self._destroy_test_db(test_database_name, verbosity)
        self._execute_create_test_db(None, {"dbname": test_database_name}, keepdb)
        return test_database_name

    def _destroy_test_db(self, test_database_name, verbosity):
        drop_database(self._admin_connection(), test_database_name)

    def _clone_test_db(self, suffix, verbosity, keepdb=False):
        raise NotImplementedError("immudb cannot clone databases; run the tests with --parallel=1.")


def drop_database(admin, name):
    """Unload then delete ``name``; immudb deletes only unloaded databases."""
    try:
        for method, request in (
            ("UnloadDatabase", schema_pb2.UnloadDatabaseRequest(database=name)),
            ("DeleteDatabase", schema_pb2.DeleteDatabaseRequest(database=name)),
        ):
            try:
                admin._call(method, request)
            except dbapi.ProgrammingError as e:
                if "already closed" not in str(e) and "not loaded" not in str(e):
                    raise
    finally:
        admin.close()
