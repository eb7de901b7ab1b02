"""The licence texts of everything a PyInstaller bundle ships, for its ``licenses/`` folder.

Used by station.spec after the analysis: a Python distribution counts as
shipped when one of its files is in the bundle. Its licence files come from
its installed dist-info (or, for the few wheels without one, from the texts
kept in ``packaging/licenses/``). Python itself, PyInstaller's bootloader and
the immudb server (from the Go module cache) are added too, and
``licenses/README.txt`` lists them all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
# A few wheels declare a licence but carry no text of it (PySide6 and
# shiboken6; google-api, which immudb-py requires): the standard texts of
# what they declare, by a word of the declaration.
KEPT_TEXTS = {
    # The LGPL v3 is the GPL v3 plus its exceptions; the FFmpeg libraries in
    # PySide6's wheels (for Qt Multimedia) are LGPL-2.1-or-later.
    "LGPL-3.0": ["LGPL-3.0.txt", "GPL-3.0.txt", "LGPL-2.1.txt"],
    "Apache": ["Apache-2.0.txt"],
}
OUR_DISTRIBUTION = "handover-station"


def collect(analysis, immudb_version: str, work_dir: str) -> list[tuple[str, str, str]]:
    """DATA entries (destination, source, "DATA") for ``licenses/`` in the bundle."""
    shipped = _shipped_paths(analysis)
    entries, index = [], []
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"].lower()):
        name = dist.metadata["Name"]
        if name == OUR_DISTRIBUTION or not any(str(PurePosixPath(f)) in shipped for f in dist.files or ()):
            continue
        folder = f"{name}-{dist.version}"
        expression = _licence_expression(dist)
        files = _licence_files(dist, expression)
        if not files:
            raise SystemExit(f"{name} ships in the bundle but no licence text was found for it ({expression}).")
        entries += [(f"licenses/{folder}/{path.name}", str(path), "DATA") for path in files]
        index.append(f"{folder}: {expression}")
    for folder, expression, path in _outside_python_packages(immudb_version):
        entries.append((f"licenses/{folder}/{path.name}", str(path), "DATA"))
        index.append(f"{folder}: {expression}")

    readme = Path(work_dir) / "licenses-README.txt"
    readme.write_text(
        "Licences of the software in this bundle, one folder each.\n"
        "The handover station itself is Apache-2.0.\n\n" + "\n".join(index) + "\n",
        encoding="utf-8",
    )
    entries.append(("licenses/README.txt", str(readme), "DATA"))
    return entries


def _shipped_paths(analysis) -> set[str]:
    """Every bundled file as a site-packages-relative posix path, modules by their source paths."""
    shipped = set()
    for name, _, _ in analysis.pure:
        dotted = name.replace(".", "/")
        shipped |= {f"{dotted}.py", f"{dotted}/__init__.py"}
    for dest, _, _ in analysis.binaries + analysis.datas:
        shipped.add(PurePosixPath(*Path(dest).parts).as_posix())
    return shipped


def _licence_expression(dist) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression") or meta.get("License") or ""
    if not expression or len(expression) > 80:  # some wheels put the whole text in License
        classifiers = [c.rsplit(" :: ", 1)[-1] for c in meta.get_all("Classifier") or () if c.startswith("License ::")]
        expression = ", ".join(classifiers) or expression[:80]
    return expression.strip()


def _licence_files(dist, expression: str) -> list[Path]:
    found = []
    for file in dist.files or ():
        parts = PurePosixPath(file).parts
        in_dist_info = parts[0].endswith(".dist-info")
        if in_dist_info and (len(parts) > 2 and parts[1] == "licenses" or LICENSE_NAME.match(parts[-1])):
            found.append(Path(dist.locate_file(file)))
    if not found:
        for licence, texts in KEPT_TEXTS.items():
            if licence in expression:
                found += [HERE / "licenses" / text for text in texts]
    return found


def _outside_python_packages(immudb_version: str) -> list[tuple[str, str, Path]]:
    python = _python_licence()
    # The bootloader is part of PyInstaller; its COPYING.txt states the exception.
    pyinstaller = metadata.distribution("pyinstaller")
    bootloader = [p for p in _licence_files(pyinstaller, "") if p.name == "COPYING.txt"]
    if not bootloader:
        raise SystemExit("PyInstaller's COPYING.txt (the bootloader's licence) was not found.")
    return [
        (f"python-{sys.version.split()[0]}", "PSF-2.0", python),
        (f"pyinstaller-bootloader-{pyinstaller.version}", "GPL-2.0-or-later WITH Bootloader-exception", bootloader[0]),
        (f"immudb-{immudb_version}", "BUSL-1.1 (Business Source License 1.1)", immudb_licence(immudb_version)),
    ]


def _python_licence() -> Path:
    base = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [base / "LICENSE.txt", base / "lib" / version / "LICENSE.txt",
                  Path("/usr/share/doc") / version / "copyright"]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        raise SystemExit(f"Python's licence text was not found under {base}.")
    return found


def immudb_licence(version: str) -> Path:
    """immudb's LICENSE from the Go module cache, where packaging/immudb/build.py left the module."""
    try:
        cache = subprocess.run(["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cache = os.environ.get("GOMODCACHE", "")
    path = Path(cache, "github.com", "codenotary", f"immudb@v{version}", "LICENSE")
    if not cache or not path.is_file():
        raise SystemExit(
            f"immudb {version}'s LICENSE is not in the Go module cache; fetch it with "
            f"`go mod download github.com/codenotary/immudb@v{version}`."
        )
    return path
