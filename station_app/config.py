"""The station's connection to its immudb server, and where its secrets live.

The connection is JSON in the user's config dir, written atomically. Passwords
never go in that file: they go in the OS keyring when a usable one exists,
else in a file only the user can read.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import keyring
import platformdirs
from keyring.errors import KeyringError

APP_NAME = "handover-station"
EMBEDDED_SECRET = "embedded-admin"
REMOTE_SECRET = "remote"


@dataclass
class ConnectionConfig:
    mode: str = "embedded"  # "embedded" or "remote"
    host: str = "127.0.0.1"
    port: int = 0
    database: str = "defaultdb"
    user: str = "immudb"
    public_key_pem: str = ""

    @property
    def secret_name(self) -> str:
        return EMBEDDED_SECRET if self.mode == "embedded" else REMOTE_SECRET


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME))


def _config_file() -> Path:
    return config_dir() / "connection.json"


def load() -> ConnectionConfig:
    """The saved connection, or the embedded default on first launch."""
    try:
        saved = json.loads(_config_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ConnectionConfig()
    known = {f.name for f in fields(ConnectionConfig)}
    return ConnectionConfig(**{k: v for k, v in saved.items() if k in known})


def save(config: ConnectionConfig) -> None:
    write_atomically(_config_file(), json.dumps(asdict(config), indent=2).encode("utf-8"))


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.chmod(temp, mode)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _keyring_usable() -> bool:
    # The "fail" backend and the null backend both have a priority below 1.
    return getattr(keyring.get_keyring(), "priority", 0) >= 1


def _secret_file(name: str) -> Path:
    return config_dir() / f"{name}.secret"


def get_password(name: str) -> str | None:
    if _keyring_usable():
        try:
            return keyring.get_password(APP_NAME, name)
        except KeyringError:
            pass
    try:
        return _secret_file(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def set_password(name: str, password: str) -> None:
    if _keyring_usable():
        try:
            keyring.set_password(APP_NAME, name, password)
            return
        except KeyringError:
            pass
    write_atomically(_secret_file(name), password.encode("utf-8"), mode=0o600)


def database_settings(config: ConnectionConfig) -> dict:
    """The Django DATABASES entry for ``config``."""
    return {
        "ENGINE": "immudb_backend",
        "HOST": config.host,
        "PORT": config.port,
        "NAME": config.database,
        "USER": config.user,
        "PASSWORD": get_password(config.secret_name) or "",
        "OPTIONS": {"timeout": 10.0, "server_public_key": config.public_key_pem},
    }
