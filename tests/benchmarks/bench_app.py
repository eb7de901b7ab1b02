"""App cold start and memory, each in a fresh station process (offscreen)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from immudb_backend.server import ImmudbServer
from tests.benchmarks.stats import Figure, figure

ROOT = Path(__file__).resolve().parents[2]


class BrowseFailed(RuntimeError):
    """The station could not show a browser page; the message is the station's own."""


def _station_env(server: ImmudbServer, database: str, home: Path) -> dict:
    """A station configuration of its own, pointing at ``database`` on the running server."""
    config_dir = home / "config" / "handover-station"
    config_dir.mkdir(parents=True, exist_ok=True)
    connection = {"mode": "remote", "host": server.host, "port": server.port, "database": database,
                  "user": "immudb", "public_key_pem": server.public_key_pem.decode()}
    (config_dir / "connection.json").write_text(json.dumps(connection))
    (config_dir / "remote.secret").write_text("immudb")
    return {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",  # so the password comes from the file
        "QT_QPA_PLATFORM": "offscreen",
    }


def _launch(env: dict, *args: str) -> tuple[float, list[str]]:
    """Seconds from launch to ``ready``, and every line the probe printed."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.app_probe", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    ready_after = None
    lines = []
    for line in process.stdout:
        lines.append(line.strip())
        if line.strip() == "ready":
            ready_after = time.perf_counter() - started
    stderr = process.stderr.read()
    exit_code = process.wait()
    if "the browser found nothing: " in stderr:
        raise BrowseFailed(stderr.rsplit("the browser found nothing: ", 1)[1].strip())
    if exit_code != 0 or ready_after is None:
        raise RuntimeError(f"the station probe failed (exit {exit_code}):\n{stderr[-3000:]}")
    return ready_after, lines


def cold_start_and_memory(server: ImmudbServer, database: str, start_runs: int, memory_runs: int,
                          pages: int) -> tuple[Figure, Figure | str]:
    """Seconds to a ready scan screen over ``start_runs`` launches; peak MB after browsing, ``memory_runs``.

    When browsing itself fails, the second value is what the station said instead.
    """
    starts, peaks = [], []
    with tempfile.TemporaryDirectory(prefix="station-bench-") as home:
        env = _station_env(server, database, Path(home))
        for _ in range(start_runs):
            starts.append(_launch(env)[0])
        for _ in range(memory_runs):
            try:
                lines = _launch(env, "--browse", str(pages))[1]
            except BrowseFailed as failure:
                return figure(starts, "s"), str(failure)
            peaks.append(float(next(line.split()[1] for line in lines if line.startswith("rss "))))
    return figure(starts, "s"), figure(peaks, "MB")
