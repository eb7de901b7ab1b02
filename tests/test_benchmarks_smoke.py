"""The benchmark command runs end to end (``--quick``) against real servers and reports every row."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from immudb_backend.server import DEFAULT_VERSION, find_binary

ROOT = Path(__file__).resolve().parents[1]
ROWS = [
    "ORM overhead: create", "ORM overhead: get by pk", "ORM overhead: filtered page",
    "commit_handover + proof, p50", "commit_handover + proof, p95", "commit_handover + proof, p99",
    "verify_trail, 10 events", "verify_trail, 100 events", "verify_trail, 1,000 events",
    "Seeding", "Trail browser, first page", "Trail browser, filtered page",
    "App cold start to a ready scan screen", "App peak RSS after browsing",
    "Peers: 20 handovers, immudb ÷ PostgreSQL", "Peers: trail read, immudb ÷ PostgreSQL",
    "Peers: 20 handovers, immudb ÷ SQLite", "Peers: trail read, immudb ÷ SQLite",
]


@pytest.mark.timeout(180)
def test_quick_benchmark_reports_every_row(tmp_path):
    pytest.importorskip("psycopg", reason="the PostgreSQL peer needs the bench extra: pip install -e '.[bench]'")
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("the PostgreSQL peer needs Debian's postgresql server binaries")
    find_binary(DEFAULT_VERSION)
    markdown = tmp_path / "benchmarks.md"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks", "--quick", "--markdown", str(markdown)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=170,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = markdown.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("| What | Median | Min | Max | Goal | Result |")
    for name in ROWS:
        assert any(line.startswith(f"| {name}") for line in lines), f"no row {name!r} in:\n" + "\n".join(lines)
        assert any(line.startswith(name) for line in result.stdout.splitlines()), f"no row {name!r} printed"
