"""Point Django's default connection at a test server's database and migrate it."""

from pathlib import Path

from django.core.management import call_command
from django.db import connections

from immudb_backend.server import ImmudbServer


def use_database(server: ImmudbServer, database: str, trusted_state_dir: Path) -> None:
    """Close open connections, aim ``default`` at ``database`` on ``server``, migrate it."""
    connections.close_all()
    connections.settings["default"].update(
        HOST=server.host,
        PORT=server.port,
        NAME=database,
        OPTIONS={"server_public_key": server.public_key_pem, "trusted_state_dir": str(trusted_state_dir)},
    )
    call_command("migrate", run_syncdb=True, verbosity=0)
