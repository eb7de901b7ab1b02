"""Django test-suite settings for immudb_backend.

The server comes from ``CONFORMANCE_IMMUDB_HOST`` and ``CONFORMANCE_IMMUDB_PORT``
(default 127.0.0.1:3322). Django's test runner creates ``test_<NAME>`` for each
alias; ``CONFORMANCE_DB_PREFIX`` keeps the names of test processes that share
one server apart.
"""

import os

from tests.conformance.settings_sqlite import *  # noqa: F401,F403

_prefix = os.environ.get("CONFORMANCE_DB_PREFIX", "")


def _database(alias):
    return {
        "ENGINE": "immudb_backend",
        "NAME": f"{_prefix}{alias}",
        "HOST": os.environ.get("CONFORMANCE_IMMUDB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("CONFORMANCE_IMMUDB_PORT", "3322"),
        "USER": "immudb",
        "PASSWORD": "immudb",
    }


DATABASES = {alias: _database(alias) for alias in ("default", "other")}
