import datetime
import time

import pytest
from django.db import connection

from immudb_backend.history import as_of, revisions
from tests.backend.models import Author


def last_tx():
    return connection.connection.last_committed_tx_id


def test_as_of_tx_reads_the_table_as_it_was(django_db):
    author = Author.objects.create(name="first")
    after_create = last_tx()
    Author.objects.filter(pk=author.pk).update(name="second")
    Author.objects.create(name="later")
    assert list(as_of(Author.objects.order_by("id"), tx=after_create).values_list("name", flat=True)) == ["first"]
    assert sorted(Author.objects.values_list("name", flat=True)) == ["later", "second"]


def test_as_of_moment(django_db):
    # immudb stamps transactions to the second: keep a second on either side.
    author = Author.objects.create(name="first")
    time.sleep(1.1)
    moment = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.1)
    Author.objects.filter(pk=author.pk).update(name="second")
    assert as_of(Author.objects.all(), at=moment).get().name == "first"


def test_revisions_list_every_version(django_db):
    author = Author.objects.create(name="v1")
    Author.objects.filter(pk=author.pk).update(name="v2")
    Author.objects.filter(pk=author.pk).delete()
    history = revisions(author)
    assert [r.number for r in history] == [1, 2, 3]
    assert [r.values["name"] for r in history[:2]] == ["v1", "v2"]
    assert not Author.objects.filter(pk=author.pk).exists()


def test_as_of_needs_exactly_one_point(django_db):
    with pytest.raises(ValueError):
        as_of(Author.objects.all())
