"""Build the official immudb server from its Go module, cached by version.

Usage: python packaging/immudb/build.py 1.9.6 1.11.1

immudb's own go.mod has two replace directives, so ``go install`` of its
cmd/immudb is refused. This script writes a throwaway module that requires
immudb at the wanted version, repeats those replace lines, and builds
main.go next to this file. The version is stamped with -ldflags, otherwise
the server reports an empty version.
"""

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


def build(version: str) -> Path:
    target = cached_binary_path(version)
    if target.exists():
        print(f"immudb {version}: cached at {target}")
        return target
    go = shutil.which("go")
    if go is None:
        sys.exit(
            "Building immudb needs Go 1.23 or newer: install it from "
            "https://go.dev/dl/ (or `apt-get install golang`), or set "
            "IMMUDB_BIN to an official immudb release binary."
        )
    print(f"immudb {version}: building from github.com/codenotary/immudb ...", flush=True)
    with tempfile.TemporaryDirectory(prefix="immudb-build-") as work:
        work = Path(work)
        shutil.copy(HERE / "main.go", work / "main.go")
        (work / "go.mod").write_text(
            "module immudb-launcher\n\ngo 1.23\n\n"
            f"require github.com/codenotary/immudb v{version}\n" + REPLACES
        )
        env = dict(os.environ, CGO_ENABLED="0")
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
    for v in sys.argv[1:] or PINNED_VERSIONS:
        build(v)
