from station_app.custody.models import Party, Station
from station_app.custody.services import commit_handover


def record(code, *to_codes, condition="intact", photo=None, occurred_at=None):
    """Hand a parcel along ``to_codes`` from its first intake (all at ``occurred_at``, default now); returns the last Committed."""
    station = Station.objects.get(code="ST1")
    giver = None
    for to_code in to_codes:
        to_party = Party.objects.get(code=to_code)
        committed = commit_handover(
            scanned_code=code, to_party=to_party, from_party=giver, condition=condition,
            station=station, clerk="clerk", photo=photo, occurred_at=occurred_at,
        )
        giver = to_party
    return committed

