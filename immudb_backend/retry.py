"""Retrying a transaction that lost an MVCC race.

immudb detects at commit time that another transaction changed data this
one read, and reports "tx read conflict" (raised here as TxReadConflict, an
OperationalError). The whole transaction must then run again::

    from immudb_backend.retry import retry_on_conflict

    @retry_on_conflict(attempts=5)
    def move_stock():
        with transaction.atomic():
            ...
"""

import functools
import random
import time

from django.db import OperationalError


def is_conflict(error: BaseException) -> bool:
    return isinstance(error, OperationalError) and "tx read conflict" in str(error)


def retry_on_conflict(attempts: int = 3, backoff: float = 0.02):
    """Run the decorated function again, up to ``attempts`` times, on a read conflict."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return func(*args, **kwargs)
                except OperationalError as error:
                    if not is_conflict(error) or attempt == attempts:
                        raise
                    time.sleep(backoff * attempt * (1 + random.random()))

        return wrapper

    return decorate
