"""bulk_create(ignore_conflicts=True) on both servers: rows that repeat a
primary key or another unique value, of the table or of the same insert,
are skipped; the others are inserted. bulk_create(update_conflicts=True):
rows that repeat the unique fields' values update the row that has them,
the others are inserted, all or nothing."""

from functools import partial

import pytest
from django.db import IntegrityError, ProgrammingError, connection, migrations, models
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
                ("label", models.CharField(max_length=10, default="")),
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


def rows(Tag):
    return sorted(Tag.objects.values_list("code", "row", "seat", "label"), key=str)


def test_update_conflicts_updates_matching_rows_and_inserts_the_rest(state):
    Tag = state.apps.get_model(APP, "Tag")
    one, two = Tag.objects.create(code="a", row=1, seat=1), Tag.objects.create(code="b", row=1, seat=2)
    proposed = [
        Tag(code="b", row=5, seat=5, label="B"),  # updates two
        Tag(code="c", row=2, seat=1, label="C"),  # new
        Tag(code="a", row=6, seat=6, label="A"),  # updates one
    ]
    result = Tag.objects.bulk_create(proposed, update_conflicts=True, unique_fields=["code"], update_fields=["label", "seat"])
    assert result == proposed
    assert rows(Tag) == [("a", 1, 6, "A"), ("b", 1, 5, "B"), ("c", 2, 1, "C")]
    if connection.features.can_return_rows_from_bulk_insert:
        new = Tag.objects.get(code="c")
        assert [obj.pk for obj in proposed] == [two.pk, new.pk, one.pk]


def test_update_conflicts_on_a_unique_together_or_the_primary_key(state):
    Tag = state.apps.get_model(APP, "Tag")
    one = Tag.objects.create(code="a", row=1, seat=1)
    Tag.objects.bulk_create(
        [Tag(code="x", row=1, seat=1, label="by seat")], update_conflicts=True, unique_fields=["seat", "row"], update_fields=["label"]
    )
    Tag.objects.bulk_create(
        [Tag(id=one.pk, code="y", row=9, seat=9), Tag(id=one.pk + 1, code="z", row=9, seat=9, label="new")],
        update_conflicts=True,
        unique_fields=["pk"],
        update_fields=["code"],
    )
    assert rows(Tag) == [("y", 1, 1, "by seat"), ("z", 9, 9, "new")]


def test_update_conflicts_null_matches_no_row(state):
    Tag = state.apps.get_model(APP, "Tag")
    Tag.objects.create(code="a", row=1, seat=1)
    Tag.objects.bulk_create(
        [Tag(code=None, row=2, seat=2, label="null")], update_conflicts=True, unique_fields=["code"], update_fields=["label"]
    )
    assert rows(Tag) == [("a", 1, 1, ""), (None, 2, 2, "null")]
    # immudb's UNIQUE index takes a second NULL for a repeated value.
    with pytest.raises(IntegrityError):
        Tag.objects.bulk_create(
            [Tag(code=None, row=3, seat=3)], update_conflicts=True, unique_fields=["code"], update_fields=["label"]
        )
    assert Tag.objects.count() == 2


def test_update_conflicts_writes_nothing_when_a_row_fails(state):
    Tag = state.apps.get_model(APP, "Tag")
    Tag.objects.create(code="a", row=1, seat=1)
    Tag.objects.create(code="b", row=1, seat=2)
    with pytest.raises(IntegrityError):
        Tag.objects.bulk_create(
            [Tag(code="a", row=1, seat=1, label="A"), Tag(code="c", row=1, seat=2, label="C")],  # c repeats b's seat
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["label"],
        )
    assert rows(Tag) == [("a", 1, 1, ""), ("b", 1, 2, "")]


def test_update_conflicts_refuses_an_ambiguous_target(state):
    Tag = state.apps.get_model(APP, "Tag")
    Tag.objects.create(code="a", row=1, seat=1)
    with pytest.raises(ProgrammingError, match="no primary key or UNIQUE constraint"):
        Tag.objects.bulk_create([Tag(code="a", row=1, seat=1)], update_conflicts=True, unique_fields=["row"], update_fields=["label"])
    with pytest.raises(ProgrammingError, match="cannot change one row twice"):
        Tag.objects.bulk_create(
            [Tag(code="b", row=2, seat=1), Tag(code="b", row=2, seat=2)], update_conflicts=True, unique_fields=["code"], update_fields=["label"]
        )
    assert rows(Tag) == [("a", 1, 1, "")]
