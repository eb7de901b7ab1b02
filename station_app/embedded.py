"""Embedded mode: a local immudb child process with persistent data."""

from __future__ import annotations

from immudb_backend.server import ImmudbServer, free_port, random_password

from station_app import config as station_config

EMBEDDED_VERSION = "1.11.1"


class PinnedKeyMismatch(RuntimeError):
    """The local server signs with a key other than the one pinned at first start."""


def start_embedded(config: station_config.ConnectionConfig) -> ImmudbServer:
    """Start the local server for ``config`` and persist its port and public key into it.

    The admin password is generated once and kept with the other secrets;
    immudb takes it only when it creates its data directory.
    """
    password = station_config.get_password(station_config.EMBEDDED_SECRET)
    if password is None:
        password = random_password()
        station_config.set_password(station_config.EMBEDDED_SECRET, password)
    port = config.port or free_port()
    server = ImmudbServer(
        version=EMBEDDED_VERSION,
        data_dir=station_config.data_dir() / "immudb",
        port=port,
        admin_password=password,
    )
    server.start()
    public_key = server.public_key_pem.decode("ascii")
    if config.public_key_pem and config.public_key_pem != public_key:
        server.stop()
        raise PinnedKeyMismatch(
            "The local immudb server signs with a different key than the one pinned at its first start; "
            "its data may have been replaced. Ask an administrator before using this station."
        )
    config.mode, config.host, config.port = "embedded", server.host, port
    config.user, config.database, config.public_key_pem = "immudb", "defaultdb", public_key
    station_config.save(config)
    return server
