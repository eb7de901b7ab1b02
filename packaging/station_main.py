"""Entry point of the bundled station (PyInstaller runs this file as __main__)."""

import sys

from station_app.main import main

sys.exit(main())
