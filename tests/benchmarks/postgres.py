"""A throwaway PostgreSQL server from Debian's binaries: initdb in a temp dir, a free loopback port."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from immudb_backend.server import free_port


def find_bin_dir() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise FileNotFoundError("No PostgreSQL server binaries under /usr/lib/postgresql; apt-get install postgresql.")
    return found[-1].parent


class TempPostgres:
    host = "127.0.0.1"

    def __init__(self):
        self.bin = find_bin_dir()
        self.port = 0
        self.dir: Path | None = None
        # PostgreSQL refuses to run as root; then it runs as Debian's postgres user.
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> "TempPostgres":
        self.dir = Path(tempfile.mkdtemp(prefix="bench-postgres-"))
        if self._as:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.port = free_port()
        options = f"-h {self.host} -p {self.port} -k {self.dir}"
        try:
            self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.dir / "data" / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def create_database(self, name: str) -> None:
        self._run(str(self.bin / "createdb"), "-h", self.host, "-p", str(self.port), "-U", "postgres", name)

    def __enter__(self) -> "TempPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
