"""A Django database backend for immudb, the immutable database."""

import importlib.machinery
import importlib.util
import sys


def _google_as_namespace() -> None:
    """Make ``google`` the plain namespace package it is meant to be.

    immudb-py depends on Hive's ``google-api`` package, whose
    ``google/__init__.py`` turns the shared ``google`` namespace into a regular
    package that imports the appier web framework: about 0.4 s and a read of
    appier's configuration files on every start. Only ``google.protobuf`` is
    used here, so the namespace is set up without running that file.
    """
    if "google" in sys.modules:
        return
    found = importlib.machinery.PathFinder.find_spec("google")
    if found is None or found.origin is None or found.submodule_search_locations is None:
        return  # absent, or already a namespace package
    spec = importlib.machinery.ModuleSpec("google", None, is_package=True)
    spec.submodule_search_locations = list(found.submodule_search_locations)
    sys.modules["google"] = importlib.util.module_from_spec(spec)


_google_as_namespace()
