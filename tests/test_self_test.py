"""``station-app --self-test`` from the source tree: every step passes, a failing one is named."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from station_app.embedded import EMBEDDED_VERSION

ROOT = Path(__file__).resolve().parents[1]
STEPS = [
    "load Qt, the screens and the resources",
    "start the embedded immudb server",
    "migrate",
    "commit demo handovers",
    "verify their trail",
    "stop the server",
]


def self_test(tmp_path, **env):
    # Fresh config and data dirs, to show that the self-test writes nothing to them.
    home = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    return subprocess.run(
        [sys.executable, "-m", "station_app.main", "--self-test"],
        cwd=ROOT, env={**os.environ, **home, **env}, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.timeout(150)
def test_self_test_passes_every_step_and_leaves_the_users_files_alone(tmp_path):
    result = self_test(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    lines = result.stdout.splitlines()
    for number, title in enumerate(STEPS, 1):
        assert any(line.startswith(f"[{number}/{len(STEPS)}] {title}: ok") for line in lines), result.stdout
    assert f"immudb {EMBEDDED_VERSION} from " in result.stdout
    assert "2 events verified" in result.stdout
    assert lines[-1].startswith("Self-test passed")
    assert not (tmp_path / "config").exists() and not (tmp_path / "data").exists()


@pytest.mark.timeout(150)
def test_self_test_names_the_failing_step(tmp_path):
    result = self_test(tmp_path, IMMUDB_BIN=str(tmp_path / "no-such-immudb"))
    assert result.returncode == 1
    assert "[2/6] start the embedded immudb server: FAILED: FileNotFoundError" in result.stdout
    assert "Self-test passed" not in result.stdout
