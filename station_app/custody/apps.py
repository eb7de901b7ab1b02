from django.apps import AppConfig


class CustodyConfig(AppConfig):
    name = "station_app.custody"
    label = "custody"
    verbose_name = "Chain of custody"
    default_auto_field = "django.db.models.BigAutoField"
