"""Test databases, created and dropped through immudb's database API.

Nothing here lists the server's databases: ``DatabaseListV2`` walks every
database directory on the server and fails ("error walking dir") while
another process creates or drops a database. ``CreateDatabaseV2`` with
``ifNotExists`` answers whether the database existed already, and dropping
tolerates a database that is gone, so test processes sharing one server
never trip over each other.
"""

import sys

from django.db.backends.base.creation import BaseDatabaseCreation
from immudb.grpc import schema_pb2

from . import dbapi


class DatabaseCreation(BaseDatabaseCreation):
    def _admin_connection(self):
        """A session on defaultdb, which every immudb server has."""
        params = self.connection.get_connection_params()
        params["database"] = "defaultdb"
        return dbapi.connect(**params)

    def _create_test_db(self, verbosity, autoclobber, keepdb=False):
        # Django's version runs CREATE DATABASE through a cursor; immudb
        # creates databases through its API.
        name = self._get_test_db_name()
        if create_database(self._admin_connection(), name) or keepdb:
            return name
        if not autoclobber:
            confirm = input(
                f"Type 'yes' if you would like to try deleting the test database '{name}', or 'no' to cancel: "
            )
            if confirm != "yes":
                self.log("Tests cancelled.")
                sys.exit(1)
        if verbosity >= 1:
            self.log(f"Destroying old test database for alias {self._get_database_display_str(verbosity, name)}...")
        drop_database(self._admin_connection(), name)
        if not create_database(self._admin_connection(), name):
            raise dbapi.DatabaseError(f"immudb database {name} still exists after it was dropped")
        return name

    def _destroy_test_db(self, test_database_name, verbosity):
        drop_database(self._admin_connection(), test_database_name)

    def _clone_test_db(self, suffix, verbosity, keepdb=False):
        raise NotImplementedError("immudb cannot clone databases; run the tests with --parallel=1.")


# Answers meaning a drop step has nothing left to do: the database is
# unloaded already, or gone (another process dropped it first).
_GONE = ("already closed", "not loaded", "does not exist", "not found")
# immudb keeps a deleted database's name, and then cannot create it again.
_DELETED = "while loading database settings"


def create_database(admin, name):
    """Create ``name`` unless it exists; True if this call created it. Closes ``admin``."""
    try:
        response = admin._call("CreateDatabaseV2", schema_pb2.CreateDatabaseRequest(name=name, ifNotExists=True))
    except dbapi.ProgrammingError as e:
        if _DELETED in str(e):
            raise dbapi.OperationalError(
                f"immudb database {name} was deleted on server {admin.address}, and immudb cannot create a "
                "database under a deleted one's name; use another test database name or a fresh server."
            ) from e
        raise
    finally:
        admin.close()
    return not response.alreadyExisted


def drop_database(admin, name):
    """Unload then delete ``name``; immudb deletes only unloaded databases. A missing one is fine. Closes ``admin``."""
    try:
        for method, request in (
            ("UnloadDatabase", schema_pb2.UnloadDatabaseRequest(database=name)),
            ("DeleteDatabase", schema_pb2.DeleteDatabaseRequest(database=name)),
        ):
            try:
                admin._call(method, request)
            except dbapi.ProgrammingError as e:
                if not any(text in str(e) for text in _GONE):
                    raise
    finally:
        admin.close()
