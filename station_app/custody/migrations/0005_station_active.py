"""Stations can be retired: a retired station no longer starts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("custody", "0004_roles")]

    operations = [migrations.AddField("station", "active", models.BooleanField(default=True))]
