"""bulk_create(ignore_conflicts=True) on both servers: rows that repeat a
primary key or another unique value, of the table or of the same insert,
are skipped; the others are inserted."""

from functools import partial

import pytest
from django.db import IntegrityError, migrations, models
from django.db.migrations.state import ProjectState

from tests.backend import migration_ops

APP = "conflicttest"


apply = partial(migration_ops.apply_operations, APP)


@pytest.fixture
def state(empty_db):
    return apply(
        ProjectState(),
        migrations.CreateModel(
            "Tag",
            [
                ("id", models.AutoField(primary_key=True)),
                ("code", models.CharField(max_length=10, unique=True, null=True)),
                ("row", models.IntegerField()),
                ("seat", models.IntegerField()),
            ],
            options={"unique_together": {("row", "seat")}},
        ),
        migrations.CreateModel(
            "Post",
            [("id", models.AutoField(primary_key=True)), ("tags", models.ManyToManyField("Tag"))],
        ),
    )


def test_ignore_conflicts_skips_rows_repeating_a_unique_value(state):
    Tag = state.apps.get_model(APP, "Tag")
    Tag.objects.bulk_create([Tag(id=1, code="a", row=1, seat=1), Tag(id=2, code=None, row=1, seat=2)])
    Tag.objects.bulk_create(
        [
            Tag(id=1, code="x", row=9, seat=9),  # primary key
            Tag(code="a", row=9, seat=8),  # unique code
            Tag(code="b", row=1, seat=1),  # unique together
            Tag(code=None, row=9, seat=7),  # NULL repeats NULL in immudb's unique indexes
            Tag(code="c", row=2, seat=1),  # new
            Tag(code="c", row=2, seat=2),  # repeats the row before
            Tag(code="d", row=2, seat=1),  # repeats the row before that
            Tag(code="e", row=3, seat=1),  # new
        ],
        ignore_conflicts=True,
    )
    assert sorted(Tag.objects.values_list("row", "seat", "code")) == [(1, 1, "a"), (1, 2, None), (2, 1, "c"), (3, 1, "e")]
    Tag.objects.bulk_create([Tag(id=1, code="a", row=1, seat=1)], ignore_conflicts=True)
    assert Tag.objects.count() == 4
    with pytest.raises(IntegrityError):
        Tag.objects.bulk_create([Tag(code="a", row=7, seat=7)])


def test_many_to_many_add_of_an_existing_pair(state):
    Tag, Post = state.apps.get_model(APP, "Tag"), state.apps.get_model(APP, "Post")
    one, two = Tag.objects.create(code="a", row=1, seat=1), Tag.objects.create(code="b", row=1, seat=2)
    post = Post.objects.create()
    post.tags.add(one)
    post.tags.add(one, two)
    assert sorted(post.tags.values_list("code", flat=True)) == ["a", "b"]
