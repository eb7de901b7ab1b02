"""Build the PyInstaller bundle and run the built station's ``--self-test``.

Deselected from the regular run; ``packaging/bootstrap.sh bundle`` installs
what it needs, then ``.venv/bin/python -m pytest -m bundle`` runs it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from immudb_backend.server import binary_name
from station_app.embedded import EMBEDDED_VERSION

ROOT = Path(__file__).resolve().parents[1]
NAME = "station-app"

pytestmark = pytest.mark.bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    pytest.importorskip("PyInstaller", reason="the bundle extra is needed: pip install -e '.[bundle]'")
    work = tmp_path_factory.mktemp("pyinstaller")
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(ROOT / "packaging" / "station.spec")],
        cwd=ROOT, check=True, timeout=1500,
    )
    return work / "dist" / NAME


@pytest.mark.timeout(1800)
def test_built_station_passes_its_self_test_with_the_server_it_ships(bundle, tmp_path):
    executable = bundle / (NAME + ".exe" if os.name == "nt" else NAME)
    env = {key: value for key, value in os.environ.items() if not key.startswith("IMMUDB_BIN")}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_DATA_HOME=str(tmp_path / "data"))
    result = subprocess.run([str(executable), "--self-test"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    shipped_server = bundle / "_internal" / "bin" / binary_name(EMBEDDED_VERSION)
    assert f"immudb {EMBEDDED_VERSION} from {shipped_server} " in result.stdout
    assert result.stdout.splitlines()[-1].startswith("Self-test passed")


def test_bundle_carries_licences_resources_and_only_the_qt_it_uses(bundle):
    internal = bundle / "_internal"
    licences = internal / "licenses"
    assert "Business Source License" in (licences / f"immudb-{EMBEDDED_VERSION}" / "LICENSE").read_text()
    index = (licences / "README.txt").read_text()
    for shipped in ("Django-", "PySide6-", "immudb-py-", "grpcio-", "protobuf-", "cryptography-", "keyring-"):
        assert shipped in index, f"no licence for {shipped}"
    for resource in ("style.qss", "icons/station.svg", "sounds/scan_ok.wav"):
        assert (internal / "resources" / resource).is_file()
    qt = internal / "PySide6"
    assert not list(qt.glob("*WebEngine*")) and not list(qt.glob("*Quick*")) and not list(qt.glob("Qt3D*"))
    assert not list((qt / "Qt" / "lib").glob("libQt6WebEngine*"))
