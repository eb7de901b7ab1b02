"""Session fixtures: real immudb servers of both pinned versions.

Each server starts once per test session and is always stopped. Tests that
use ``immudb_server`` run once per pinned version; ``IMMUDB_VERSIONS``
(comma-separated) narrows that, e.g. ``IMMUDB_VERSIONS=1.11.1``.
"""

import os
import tempfile
import uuid
from pathlib import Path

import pytest

# Keep the user's real configuration and trusted state out of the tests.
_home = tempfile.mkdtemp(prefix="station-tests-")
os.environ["XDG_CONFIG_HOME"] = str(Path(_home) / "config")
os.environ["XDG_DATA_HOME"] = str(Path(_home) / "data")

from immudb_backend.server import PINNED_VERSIONS, ImmudbServer, free_port  # noqa: E402

def _configure_django():
    import django
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY="tests-only",  # sessions sign their data
            USE_TZ=True,
            TIME_ZONE="Europe/Berlin",
            INSTALLED_APPS=[
                "django.contrib.contenttypes",
                "django.contrib.auth",
                "django.contrib.sessions",
                "station_app.custody",
                "tests.backend",
            ],
            DATABASES={"default": {"ENGINE": "immudb_backend", "NAME": "defaultdb"}},
            DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        )
        django.setup()


_configure_django()


VERSIONS = [v for v in os.environ.get("IMMUDB_VERSIONS", ",".join(PINNED_VERSIONS)).split(",") if v]


@pytest.fixture(scope="session", params=VERSIONS, ids=lambda v: f"immudb-{v}")
def immudb_server(request):
    server = ImmudbServer(version=request.param)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=VERSIONS, ids=lambda v: f"immudb-{v}")
def restartable_server(request, tmp_path):
    """A server of its own, on a data dir and port it keeps across kill(), stop() and start()."""
    server = ImmudbServer(version=request.param, data_dir=tmp_path / "immudb", port=free_port())
    server.start()
    yield server
    server.stop()


def connect(server, database="defaultdb"):
    """A logged-in immudb-py client on ``database``."""
    from immudb import ImmudbClient

    client = ImmudbClient(server.address)
    client.login("immudb", "immudb", database=database.encode())
    return client


@pytest.fixture
def immudb_database(immudb_server):
    """A fresh, empty immudb database on the session's server; its name."""
    name = "t" + uuid.uuid4().hex[:12]
    client = connect(immudb_server)
    client.createDatabaseV2(name, settings=None, ifNotExists=False)
    client.logout()
    yield name
    # A server holding hundreds of loaded databases slows down until queries
    # time out, so each test's database goes when the test does.
    client = connect(immudb_server)
    try:
        client.unloadDatabase(name)
        client.deleteDatabase(name)
    except Exception:  # noqa: BLE001 - a test that dropped or broke its database already
        pass
    finally:
        client.logout()


@pytest.fixture
def django_db(immudb_server, immudb_database, tmp_path):
    """Django's default connection on a fresh, migrated immudb database."""
    from django.db import connections

    from tests.databases import use_database

    use_database(immudb_server, immudb_database, tmp_path / "trusted")
    yield connections["default"]
    connections.close_all()
