"""The custody ledger: parties, stations, parcels and append-only handovers.

Field meanings follow GS1 EPCIS 2.0: a Handover is an ObjectEvent whose
source and destination are possessing parties, whose disposition is the
parcel's condition and whose readPoint is the station.
"""

import uuid

from django.db import models

from .barcodes import ParcelFormat


class Party(models.Model):
    class Kind(models.TextChoices):
        COURIER = "courier", "Courier"
        SUBCONTRACTOR = "subcontractor", "Subcontractor"
        WAREHOUSE = "warehouse", "Warehouse"
        CUSTOMER = "customer", "Customer"

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "parties"

    def __str__(self):
        return f"{self.name} ({self.code})"


class Station(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=200)
    location = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.name


class Parcel(models.Model):
    normalized_id = models.CharField(max_length=64, unique=True)
    scanned_code = models.CharField(max_length=200)
    format = models.CharField(max_length=16, choices=ParcelFormat.choices)

    def __str__(self):
        return self.normalized_id


class Condition(models.TextChoices):
    """EPCIS dispositions for the parcel's state at handover."""

    INTACT = "intact", "Intact"
    DAMAGED_PACKAGING = "damaged_packaging", "Damaged packaging"
    DAMAGED_CONTENTS = "damaged_contents", "Damaged contents"
    WET = "wet", "Wet"
    OPENED = "opened", "Opened / seal broken"
    MISSING_ITEMS = "missing_items", "Missing items"


class AppendOnlyError(Exception):
    """A recorded handover can never be changed or deleted; record a correction."""


class Handover(models.Model):
    event_id = models.UUIDField(default=uuid.uuid4, unique=True)
    parcel = models.ForeignKey(Parcel, models.PROTECT, related_name="handovers")
    sequence = models.PositiveIntegerField()
    from_party = models.ForeignKey(Party, models.PROTECT, null=True, related_name="handed_over")
    to_party = models.ForeignKey(Party, models.PROTECT, related_name="received")
    condition = models.CharField(max_length=20, choices=Condition.choices)
    note = models.TextField(blank=True, default="")
    station = models.ForeignKey(Station, models.PROTECT, related_name="handovers")
    clerk = models.CharField(max_length=150)
    occurred_at = models.DateTimeField()
    corrects = models.ForeignKey("self", models.PROTECT, null=True, related_name="corrections")
    photo = models.BinaryField(null=True)
    photo_sha256 = models.CharField(max_length=64, blank=True, default="")
    signature = models.BinaryField(null=True)
    signature_sha256 = models.CharField(max_length=64, blank=True, default="")
    previous_hash = models.CharField(max_length=64)
    event_hash = models.CharField(max_length=64)

    class Meta:
        # One event per place in a parcel's trail: a second station racing
        # for the same place fails, so the trail never forks.
        unique_together = [("parcel", "sequence")]
        # The browser pages newest first by (occurred_at, id); immudb sorts by
        # an index only when one covers every ORDER BY column.
        indexes = [models.Index(fields=["occurred_at"]), models.Index(fields=["occurred_at", "id"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"Handover {self.event_id} is recorded; record a correction instead of editing it.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"Handover {self.event_id} is recorded; it cannot be deleted.")

    def __str__(self):
        return f"{self.parcel_id}#{self.sequence}"


class Badge(models.Model):
    """The code printed on a staff badge; scanning it signs its holder in."""

    user = models.OneToOneField("auth.User", models.CASCADE, related_name="badge")
    code = models.CharField(max_length=64, unique=True)

    def __str__(self):
        return self.code
