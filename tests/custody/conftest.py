import pytest

from station_app.custody.models import Party, Station

SSCC = "376130321109103420"  # a valid SSCC-18
OTHER_SSCC = "006141411234567890"


@pytest.fixture
def ledger(django_db):
    """Parties and a station on a fresh database."""
    parties = {
        code: Party.objects.create(code=code, name=name, kind=kind)
        for code, name, kind in [
            ("WH1", "Central warehouse", Party.Kind.WAREHOUSE),
            ("DHX", "Express courier", Party.Kind.COURIER),
            ("SUB", "Last-mile subcontractor", Party.Kind.SUBCONTRACTOR),
            ("CUS", "Anna Müller", Party.Kind.CUSTOMER),
        ]
    }
    station = Station.objects.create(code="ST1", name="Dock 1", location="Hamburg")
    return parties, station
