"""The same handover workload on immudb, PostgreSQL and SQLite, as ratios measured within one run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from immudb_backend.server import ImmudbServer
from tests.benchmarks.postgres import TempPostgres
from tests.benchmarks.stats import Figure, figure

ROOT = Path(__file__).resolve().parents[2]


def _workload(db_settings: dict, handovers: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.peer_workload", json.dumps(db_settings), str(handovers)],
        cwd=ROOT, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {db_settings['ENGINE']} workload failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.splitlines()[-1])


def compare(server: ImmudbServer, fresh_database: Callable[[], str], runs: int, handovers: int,
            work_dir: Path) -> dict[str, Figure]:
    ratios: dict[str, list[float]] = {}
    with TempPostgres() as postgres:
        for run in range(runs):
            postgres.create_database(f"bench{run}")
            results = {
                "immudb": _workload({"ENGINE": "immudb_backend", "HOST": server.host, "PORT": server.port,
                                     "NAME": fresh_database()}, handovers),
                "PostgreSQL": _workload({"ENGINE": "django.db.backends.postgresql", "HOST": postgres.host,
                                         "PORT": postgres.port, "NAME": f"bench{run}", "USER": "postgres"}, handovers),
                "SQLite": _workload({"ENGINE": "django.db.backends.sqlite3",
                                     "NAME": str(work_dir / f"bench{run}.sqlite3")}, handovers),
            }
            immudb = results.pop("immudb")
            for peer, measured in results.items():
                ratios.setdefault(f"Peers: {handovers} handovers, immudb ÷ {peer}", []).append(
                    immudb["handover_seconds"] / measured["handover_seconds"])
                ratios.setdefault(f"Peers: trail read, immudb ÷ {peer}", []).append(
                    immudb["trail_ms"] / measured["trail_ms"])
    return {name: figure(samples, "×") for name, samples in ratios.items()}
