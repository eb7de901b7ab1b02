"""Find the app's resources (sounds, icons, stylesheet)."""

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """The path of ``resources/<parts...>``.

    In a PyInstaller bundle the files are unpacked under ``sys._MEIPASS``, so
    the bundle spec must copy the ``resources`` folder there under that name;
    in a source checkout they sit at the repository root.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
