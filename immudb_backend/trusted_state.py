"""The trusted state of each immudb database a client verifies against.

A trusted state is the last transaction (id and hash) whose consistency with
everything seen before has been proven, plus the server's signature over it.
Every proof starts from it, so it must survive restarts and must never be
silently replaced.

Layout of the store's directory:

* one ``<server>@<database>.json`` file per trusted state: ``tx_id``,
  ``tx_hash`` (hex), ``signature`` (hex, DER ECDSA) and the fingerprint of the
  public key that signed it; written atomically (temp file, fsync,
  ``os.replace``);
* ``enrolment.json``, the enrolment registry: which (server, database) pairs
  an administrator has enrolled, and the highest transaction ever trusted for
  each. Enrolment is known from the registry, never from the state file, so a
  deleted state file is an error (``TrustedStateMissing``) rather than a
  reason to trust the server afresh; a state file older than the highest
  transaction ever trusted is a rollback (``StateRollback``).

Deleting or rolling back both files together cannot be told apart from a
fresh installation; it shows up as ``NotEnrolled`` and needs an
administrator to enrol again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote

REGISTRY_NAME = "enrolment.json"
FORMAT_VERSION = 1


class VerificationError(Exception):
    """Something immudb handed us could not be proven, or the trusted state is unusable."""


class NotEnrolled(VerificationError):
    """No administrator has enrolled this server and database yet."""


class AlreadyEnrolled(VerificationError):
    """Enrolling again would replace a trusted state; pass ``replace=True`` to mean it."""


class TrustedStateMissing(VerificationError):
    """The server and database are enrolled but their trusted state file is gone."""


class TrustedStateCorrupt(VerificationError):
    """A trusted state file or the enrolment registry cannot be read or does not add up."""


class StateRollback(VerificationError):
    """A trusted state is older than one already trusted."""


class ForkDetected(VerificationError):
    """Two proven states disagree on the hash of the same transaction."""


def key_fingerprint(public_key_pem: bytes) -> str:
    """SHA-256 (hex) of the DER form of a PEM public key."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_public_key(public_key_pem)
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


@dataclass(frozen=True)
class TrustedState:
    tx_id: int
    tx_hash: bytes
    signature: bytes
    public_key_fingerprint: str

    def to_json(self) -> dict:
        return {
            "tx_id": self.tx_id,
            "tx_hash": self.tx_hash.hex(),
            "signature": self.signature.hex(),
            "public_key_fingerprint": self.public_key_fingerprint,
        }

    @classmethod
    def from_json(cls, data: dict) -> "TrustedState":
        tx_id = data["tx_id"]
        if not isinstance(tx_id, int) or isinstance(tx_id, bool) or tx_id < 0:
            raise ValueError(f"tx_id {tx_id!r} is not a transaction id")
        tx_hash = bytes.fromhex(data["tx_hash"])
        if len(tx_hash) != 32:
            raise ValueError("tx_hash is not a SHA-256 digest")
        fingerprint = data["public_key_fingerprint"]
        if not isinstance(fingerprint, str):
            raise ValueError("public_key_fingerprint is not text")
        return cls(tx_id, tx_hash, bytes.fromhex(data["signature"]), fingerprint)


def write_atomically(path: Path, data: dict) -> None:
    """Replace ``path`` with ``data`` as JSON so a crash leaves the old or the new file, never half of one."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as temp:
            json.dump(data, temp, indent=2, sort_keys=True)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":
        return  # directories cannot be opened for fsync on Windows
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TrustedStateStore:
    """Trusted states per (server, database), in one directory.

    ``server_id`` is whatever names the server for the caller; the verifier
    uses the fingerprint of the pinned signing key, so a replica serving the
    primary's history shares the primary's trusted state.
    """

    def __init__(self, directory: os.PathLike | str):
        self.directory = Path(directory)
        self._lock = threading.Lock()

    def state_path(self, server_id: str, database: str) -> Path:
        return self.directory / (quote(f"{server_id}@{database}", safe="@-_.") + ".json")

    @property
    def registry_path(self) -> Path:
        return self.directory / REGISTRY_NAME

    def is_enrolled(self, server_id: str, database: str) -> bool:
        with self._lock:
            return _pair_name(server_id, database) in self._read_registry()

    def enroll(self, server_id: str, database: str, state: TrustedState, *, replace: bool = False) -> None:
        """Trust ``state`` as the first state of this server and database (an administrator's decision)."""
        pair = _pair_name(server_id, database)
        with self._lock:
            self.directory.mkdir(parents=True, exist_ok=True)
            registry = self._read_registry()
            if pair in registry and not replace:
                raise AlreadyEnrolled(
                    f"{database} on server {server_id} is already enrolled at tx "
                    f"{registry[pair]['highest_tx_id']}; enrolling again would replace its trusted state."
                )
            self._write_state(server_id, database, state)
            registry[pair] = {
                "highest_tx_id": state.tx_id,
                "public_key_fingerprint": state.public_key_fingerprint,
                "enrolled_at": datetime.now(timezone.utc).isoformat(),
            }
            self._write_registry(registry)

    def load(self, server_id: str, database: str) -> TrustedState:
        with self._lock:
            return self._load(server_id, database)

    def advance(self, server_id: str, database: str, state: TrustedState) -> TrustedState:
        """Store ``state`` if it is newer than the stored one; return whichever is now trusted.

        The caller must already have proven ``state`` consistent with the
        stored state. An older ``state`` (another verifier got further) leaves
        the store alone; the same tx with another hash is a fork.
        """
        with self._lock:
            stored = self._load(server_id, database)
            if state.tx_id == stored.tx_id and state.tx_hash != stored.tx_hash:
                raise ForkDetected(
                    f"{database} on server {server_id}: tx {state.tx_id} was proven with hash "
                    f"{state.tx_hash.hex()} but is trusted with hash {stored.tx_hash.hex()}."
                )
            if state.tx_id <= stored.tx_id:
                return stored
            self._write_state(server_id, database, state)
            registry = self._read_registry()
            registry[_pair_name(server_id, database)]["highest_tx_id"] = state.tx_id
            self._write_registry(registry)
            return state

    def _load(self, server_id: str, database: str) -> TrustedState:
        pair = _pair_name(server_id, database)
        enrolment = self._read_registry().get(pair)
        path = self.state_path(server_id, database)
        if enrolment is None and path.exists():
            raise TrustedStateCorrupt(
                f"{path.name} holds a trusted state but the enrolment registry does not list it; "
                f"the registry was lost or replaced."
            )
        if enrolment is None:
            raise NotEnrolled(f"{database} on server {server_id} is not enrolled; an administrator must enrol it.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TrustedStateMissing(
                f"The trusted state of {database} on server {server_id} is missing ({path.name}), "
                f"though it was enrolled; it will not be trusted afresh."
            ) from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrustedStateCorrupt(f"The trusted state file {path.name} cannot be read: {exc}") from exc
        try:
            if data.get("format") != FORMAT_VERSION or data.get("server") != server_id or data.get("database") != database:
                raise ValueError("it belongs to another server or database, or has an unknown format")
            state = TrustedState.from_json(data)
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise TrustedStateCorrupt(f"The trusted state file {path.name} is corrupt: {exc}") from exc
        highest = enrolment["highest_tx_id"]
        if state.tx_id < highest:
            raise StateRollback(
                f"The trusted state of {database} on server {server_id} is at tx {state.tx_id}, "
                f"but tx {highest} was already trusted: the file was rolled back."
            )
        return state

    def _write_state(self, server_id: str, database: str, state: TrustedState) -> None:
        data = {"format": FORMAT_VERSION, "server": server_id, "database": database, **state.to_json()}
        write_atomically(self.state_path(server_id, database), data)

    def _read_registry(self) -> dict:
        try:
            data = json.loads(self.registry_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise TrustedStateCorrupt(f"The enrolment registry {self.registry_path} cannot be read: {exc}") from exc
        enrolled = data.get("enrolled") if isinstance(data, dict) and data.get("format") == FORMAT_VERSION else None
        if not isinstance(enrolled, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("highest_tx_id"), int) for entry in enrolled.values()
        ):
            raise TrustedStateCorrupt(f"The enrolment registry {self.registry_path} is corrupt.")
        return enrolled

    def _write_registry(self, enrolled: dict) -> None:
        write_atomically(self.registry_path, {"format": FORMAT_VERSION, "enrolled": enrolled})


def _pair_name(server_id: str, database: str) -> str:
    return f"{server_id}@{database}"
