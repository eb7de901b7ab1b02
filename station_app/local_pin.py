"""The station's local admin PIN: unlocks Settings when no server answers, so nobody can sign in.

Stored as an scrypt hash with its salt in the config dir, readable by the user only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from station_app import config as station_config

# scrypt's interactive-login cost: about 50 ms, so guessing a short PIN stays slow.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def _file():
    return station_config.config_dir() / "local-admin-pin.json"


def _hash(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, **SCRYPT)


def problem(pin: str) -> str | None:
    """Why ``pin`` cannot be the local admin PIN, or None."""
    if len(pin) < 4 or not pin.isdigit():
        return "The local admin PIN must be at least four digits."
    return None


def is_set() -> bool:
    return _file().exists()


def set_pin(pin: str) -> None:
    salt = os.urandom(16)
    record = {"salt": salt.hex(), "scrypt": _hash(pin, salt).hex()}
    station_config.write_atomically(_file(), json.dumps(record).encode("utf-8"), mode=0o600)


def check(pin: str) -> bool:
    try:
        record = json.loads(_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    return hmac.compare_digest(_hash(pin, bytes.fromhex(record["salt"])).hex(), record["scrypt"])
