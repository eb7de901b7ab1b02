"""Django inside the station: setup, migrations and demo data."""

from __future__ import annotations

import os

DEMO_PARTIES = [
    ("WH1", "Central warehouse", "warehouse"),
    ("DHX", "Express courier", "courier"),
    ("PAK", "Parcel courier", "courier"),
    ("SUB", "Last-mile subcontractor", "subcontractor"),
    ("CUS", "Anna Müller", "customer"),
]
DEMO_STATION = ("ST1", "Dock 1", "Hamburg")
# (username, role, PIN, badge code)
DEMO_STAFF = [
    ("clerk", "clerk", "1234", "BADGE-0001"),
    ("supervisor", "supervisor", "2345", "BADGE-0002"),
    ("admin", "admin", "3456", "BADGE-0003"),
]


def setup_django() -> None:
    """Configure Django with the station's settings unless the host process already did."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "station_app.settings")
    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed_demo() -> bool:
    """Demo parties, a station and one user per role (see DEMO_STAFF) on an empty database; True if seeded."""
    from station_app import staff
    from station_app.custody.models import Party, Station

    if Party.objects.exists():
        return False
    for code, name, kind in DEMO_PARTIES:
        Party.objects.create(code=code, name=name, kind=kind)
    code, name, location = DEMO_STATION
    Station.objects.create(code=code, name=name, location=location)
    for username, role, pin, badge in DEMO_STAFF:
        staff.add_user(username, role, pin, badge)
    return True


def point_django_at(config) -> None:
    """Reconnect to the server ``config`` names; other threads reconnect on their next op."""
    from django.db import connections

    from station_app.config import database_settings

    connections.close_all()
    # In place: every thread's connection wrapper shares this dict.
    connections.settings["default"].update(database_settings(config))
