"""The immudb server, fresh databases on it, and Django in this process."""

from __future__ import annotations

import uuid
from pathlib import Path

from immudb import ImmudbClient

from immudb_backend.server import ImmudbServer


def create_database(server: ImmudbServer) -> str:
    name = "bench" + uuid.uuid4().hex[:10]
    client = ImmudbClient(server.address)
    client.login("immudb", "immudb")
    client.createDatabaseV2(name, settings=None, ifNotExists=False)
    client.logout()
    return name


def database_settings(server: ImmudbServer, name: str, trusted_state_dir: Path) -> dict:
    return {
        "ENGINE": "immudb_backend",
        "HOST": server.host,
        "PORT": server.port,
        "NAME": name,
        "USER": "immudb",
        "PASSWORD": "immudb",
        "OPTIONS": {"server_public_key": server.public_key_pem, "trusted_state_dir": str(trusted_state_dir)},
    }


def configure_django(db_settings: dict) -> None:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        USE_TZ=True,
        TIME_ZONE="UTC",
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "station_app.custody"],
        DATABASES={"default": db_settings},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    )
    django.setup()


def use_database(db_settings: dict, migrate: bool = True) -> None:
    """Point Django's default connection at another database, then migrate it."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    connections.settings["default"].update(db_settings)  # in place: every thread's wrapper shares it
    if migrate:
        call_command("migrate", verbosity=0)


def raw_client(server: ImmudbServer, database: str) -> ImmudbClient:
    """An immudb-py session on ``database``; statements go straight to its gRPC stub."""
    client = ImmudbClient(server.address)
    client.openSession("immudb", "immudb", database.encode())
    return client
