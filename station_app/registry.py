"""The admin's lists of parties and stations; run inside ops, plain rows out."""

from __future__ import annotations

from dataclasses import dataclass

from station_app.custody.models import Party, Station


@dataclass(frozen=True)
class PartyEntry:
    code: str
    name: str
    kind: str
    active: bool


@dataclass(frozen=True)
class StationEntry:
    code: str
    name: str
    location: str
    active: bool


class RegistryError(ValueError):
    """A party or station cannot be added as asked; the message says why."""


def parties() -> list[PartyEntry]:
    return [PartyEntry(p.code, p.name, p.kind, p.active) for p in Party.objects.order_by("code")]


def add_party(code: str, name: str, kind: str) -> None:
    code, name = code.strip().upper(), name.strip()
    if not code or not name or kind not in Party.Kind.values:
        raise RegistryError("Enter a code and a name, and pick a kind.")
    if Party.objects.filter(code=code).exists():
        raise RegistryError(f"There is already a party with code {code}.")
    Party.objects.create(code=code, name=name, kind=kind)


def deactivate_party(code: str) -> None:
    """The party is no longer offered as a recipient; its handovers stay as they are."""
    Party.objects.filter(code=code).update(active=False)


def stations() -> list[StationEntry]:
    return [StationEntry(s.code, s.name, s.location, s.active) for s in Station.objects.order_by("code")]


def add_station(code: str, name: str, location: str = "") -> None:
    code, name = code.strip().upper(), name.strip()
    if not code or not name:
        raise RegistryError("Enter the station's code and name.")
    if Station.objects.filter(code=code).exists():
        raise RegistryError(f"There is already a station with code {code}.")
    Station.objects.create(code=code, name=name, location=location.strip())


def deactivate_station(code: str) -> None:
    """The station no longer starts; the handovers it recorded stay as they are."""
    Station.objects.filter(code=code).update(active=False)
