"""Importing the backend stays light: immudb-py's stray web framework is not loaded."""

import subprocess
import sys


def test_the_backend_does_not_import_appier():
    # A fresh interpreter: this test session may have imported anything already.
    probe = "import sys, immudb_backend.base, immudb_backend.verification; print('appier' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
