"""Django settings for the station; the database comes from the connection config."""

from station_app import config

SECRET_KEY = "handover-station-has-no-web-views"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "station_app.custody",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": config.database_settings(config.load())}
