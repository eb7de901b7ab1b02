"""Turn failures into sentences a clerk can act on."""

from django.db import DatabaseError, OperationalError

from station_app.custody.barcodes import BarcodeError
from station_app.custody.services import CustodyError
from immudb_backend import dbapi


def sentence(error: Exception) -> str:
    if isinstance(error, (CustodyError, BarcodeError)):
        return str(error)
    if isinstance(error, (OperationalError, dbapi.OperationalError)):
        return f"The ledger server cannot be reached, so nothing was recorded. Check the connection in Settings. ({error})"
    if isinstance(error, (DatabaseError, dbapi.Error)):
        return f"The ledger server refused the request; nothing was recorded. Tell a supervisor: {error}"
    return f"Something went wrong; tell a supervisor: {error}"
