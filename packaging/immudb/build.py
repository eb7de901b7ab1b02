"""Build the official immudb server from its Go module, cached by version.

Usage: python packaging/immudb/build.py 1.9.6 1.11.1
       python packaging/immudb/build.py --goos windows --goarch amd64 1.11.1

With --goos/--goarch the server is cross-compiled for another system (Go
needs no other toolchain for that, as immudb builds without cgo) and cached
as immudb-<version>-<goos>-<goarch>[.exe]; copy it to that system and point
IMMUDB_BIN at it there.

immudb's own go.mod has two replace directives, so ``go install`` of its
cmd/immudb is refused. This script writes a throwaway module that requires
immudb at the wanted version, repeats those replace lines, and builds
main.go next to this file. The version is stamped with -ldflags, otherwise
the server reports an empty version.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from immudb_backend.server import PINNED_VERSIONS, cached_binary_path  # noqa: E402

REPLACES = """
replace github.com/takama/daemon v0.12.0 => github.com/codenotary/daemon v0.0.0-20200507161650-3d4bcb5230f4

replace github.com/spf13/afero => github.com/spf13/afero v1.5.1
"""


def target_path(version: str, goos: str | None, goarch: str | None) -> Path:
    native = cached_binary_path(version)
    if not (goos or goarch):
        return native
    goos, goarch = goos or go_env("GOOS"), goarch or go_env("GOARCH")
    suffix = ".exe" if goos == "windows" else ""
    return native.with_name(f"immudb-{version}-{goos}-{goarch}{suffix}")


def go_env(name: str) -> str:
    return subprocess.run([go_command(), "env", name], capture_output=True, text=True, check=True).stdout.strip()


def go_command() -> str:
    go = shutil.which("go")
    if go is None:
        sys.exit(
            "Building immudb needs Go 1.23 or newer: install it from "
            "https://go.dev/dl/ (or `apt-get install golang`), or set "
            "IMMUDB_BIN to an official immudb release binary."
        )
    return go


def build(version: str, goos: str | None = None, goarch: str | None = None) -> Path:
    target = target_path(version, goos, goarch)
    if target.exists():
        print(f"immudb {version}: cached at {target}")
        return target
    go = go_command()
    print(f"immudb {version}: building from github.com/codenotary/immudb ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="immudb-build-") as work:
        work = Path(work)
        shutil.copy(HERE / "main.go", work / "main.go")
        (work / "go.mod").write_text(
            "module immudb-launcher\n\ngo 1.23\n\n"
            f"require github.com/codenotary/immudb v{version}\n" + REPLACES
        )
        env = dict(os.environ, CGO_ENABLED="0")
        env.update({name: value for name, value in (("GOOS", goos), ("GOARCH", goarch)) if value})
        subprocess.run([go, "mod", "tidy"], cwd=work, env=env, check=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        ldflags = f"-s -w -X github.com/codenotary/immudb/cmd/version.Version={version}"
        subprocess.run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(partial), "."],
            cwd=work,
            env=env,
            check=True,
        )
        partial.replace(target)
    print(f"immudb {version}: built {target}")
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Build immudb servers from their Go module, cached by version.")
    parser.add_argument("versions", nargs="*", default=PINNED_VERSIONS)
    parser.add_argument("--goos", help="target operating system, as Go names it (windows, darwin, linux)")
    parser.add_argument("--goarch", help="target architecture, as Go names it (amd64, arm64)")
    args = parser.parse_args()
    for v in args.versions:
        build(v, args.goos, args.goarch)
