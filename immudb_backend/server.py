"""Start and stop a real immudb server as a child process.

Used by the test fixtures and by applications that embed a local server.
The binary is built from immudb's Go module by ``packaging/immudb/build.py``
and cached per version; ``IMMUDB_BIN_<version>`` (dots as underscores) or
``IMMUDB_BIN`` point at an official release binary instead. An application
frozen with PyInstaller can ship the binary as ``bin/immudb-<version>`` inside
its bundle.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

PINNED_VERSIONS = ("1.9.6", "1.11.1")
DEFAULT_VERSION = "1.11.1"


def binary_name(version: str) -> str:
    return f"immudb-{version}.exe" if os.name == "nt" else f"immudb-{version}"


def cached_binary_path(version: str) -> Path:
    return Path(platformdirs.user_cache_dir("immudb-backend")) / "bin" / binary_name(version)


def bundled_binary_path(version: str) -> Path | None:
    """Where a PyInstaller bundle carries the binary, when running from one."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "bin" / binary_name(version) if bundle else None


def find_binary(version: str = DEFAULT_VERSION) -> Path:
    """The immudb executable for ``version``, or a clear error saying how to get it."""
    override = os.environ.get(f"IMMUDB_BIN_{version.replace('.', '_')}") or os.environ.get("IMMUDB_BIN")
    if override:
        path = Path(override)
        if not path.is_file():
            raise FileNotFoundError(f"IMMUDB_BIN points at {path}, which is not a file.")
        return path
    bundled = bundled_binary_path(version)
    if bundled is not None and bundled.is_file():
        return bundled
    path = cached_binary_path(version)
    if not path.is_file():
        raise FileNotFoundError(
            f"No immudb {version} server binary at {path}. Build it with "
            f"`python packaging/immudb/build.py {version}` (needs Go), or set IMMUDB_BIN."
        )
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def generate_signing_key(path: Path) -> bytes:
    """Write a fresh ECDSA P-256 private key to ``path``; return the public key PEM."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_of(private_key_path: Path) -> bytes:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_key_path.read_bytes(), password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass
class ImmudbServer:
    """A real immudb server bound to 127.0.0.1.

    With no ``data_dir`` the server is throwaway: it gets a temp directory
    that is removed on stop. A persistent ``data_dir`` keeps its data and
    signing key between starts (embedded mode).
    """

    version: str = DEFAULT_VERSION
    data_dir: Path | None = None
    port: int = 0
    signing: bool = True
    admin_password: str | None = None
    start_timeout: float = 30.0
    public_key_pem: bytes | None = field(default=None, init=False)
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _temp_dir: str | None = field(default=None, init=False, repr=False)

    host = "127.0.0.1"

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> "ImmudbServer":
        binary = find_binary(self.version)
        if self.data_dir is None:
            self._temp_dir = tempfile.mkdtemp(prefix="immudb-")
            self.data_dir = Path(self._temp_dir)
        self.data_dir = Path(self.data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        args = [
            str(binary),
            "--dir", str(self.data_dir / "data"),
            "--address", self.host,
            "--port", str(self.port),
            "--pgsql-server=false",
            "--web-server=false",
            "--metrics-server=false",
        ]
        if self.signing:
            key_path = self.data_dir / "signing-key.pem"
            if key_path.exists():
                self.public_key_pem = public_key_of(key_path)
            else:
                self.public_key_pem = generate_signing_key(key_path)
            args += ["--signingKey", str(key_path)]
        env = dict(os.environ)
        if self.admin_password:
            # Through the environment, not argv, where any local user could read it.
            env["IMMUDB_ADMIN_PASSWORD"] = self.admin_password
        with open(self.data_dir / "immudb.log", "ab") as log:
            self.process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"immudb {self.version} exited with code {self.process.returncode} "
                    f"while starting; see {self.data_dir / 'immudb.log'}"
                )
            if self._answers():
                return
            time.sleep(0.1)
        raise TimeoutError(f"immudb {self.version} did not answer on {self.address} within {self.start_timeout:.0f} s")

    def _answers(self) -> bool:
        import grpc
        from immudb.grpc import schema_pb2_grpc
        from google.protobuf import empty_pb2

        channel = grpc.insecure_channel(self.address)
        try:
            schema_pb2_grpc.ImmuServiceStub(channel).Health(empty_pb2.Empty(), timeout=1)
            return True
        except grpc.RpcError:
            return False
        finally:
            channel.close()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout``; remove a throwaway data dir."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._temp_dir:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None
            self.data_dir = None

    def kill(self) -> None:
        """SIGKILL without cleanup, as a crash would; data dir is kept."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def __enter__(self) -> "ImmudbServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def random_password() -> str:
    """A password immudb accepts: it demands upper, lower, digit and symbol."""
    return "Aa1!" + secrets.token_urlsafe(18)
