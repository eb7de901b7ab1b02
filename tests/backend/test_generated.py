"""GeneratedField on both servers: the backend writes the expression's value
with every INSERT and with every UPDATE of a column it reads; a generated
field added to a table with rows is filled for them."""

from functools import partial

from django.db import connection, migrations, models
from django.db.migrations.state import ProjectState
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Lower

from tests.backend import migration_ops

APP = "generatedtest"


apply = partial(migration_ops.apply_operations, APP)


def generated(expression, output_field, db_persist=True, **options):
    return models.GeneratedField(expression=expression, output_field=output_field, db_persist=db_persist, **options)


def create(fields):
    state = apply(ProjectState(), migrations.CreateModel("Item", [("id", models.AutoField(primary_key=True)), *fields]))
    return state.apps.get_model(APP, "Item")


def stored(Item, *names):
    """The columns as stored, read in raw SQL: what the history and proofs hold."""
    table = Item._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT {", ".join(names)} FROM "{table}" ORDER BY id')
        return cursor.fetchall()


def test_generated_values_are_written_on_insert_and_update(empty_db):
    Item = create(
        [
            ("a", models.IntegerField()),
            ("b", models.IntegerField()),
            ("name", models.CharField(max_length=10, null=True)),
            ("total", generated(F("a") + F("b"), models.IntegerField())),
            ("lower_name", generated(Lower("name"), models.CharField(max_length=10), db_persist=False, null=True)),
            ("label", generated(Concat("name", Value("-"), "a", output_field=models.TextField()), models.TextField(), null=True)),
            ("named", generated(Q(name__isnull=False), models.BooleanField())),
        ]
    )
    first = Item.objects.create(a=1, b=2, name="BoX")
    Item.objects.bulk_create([Item(a=10, b=20), Item(a=5, b=5, name="Crate")])
    assert stored(Item, "total", "lower_name", "label", "named") == [
        (3, "box", "BoX-1", True),
        (30, None, "-10", False),
        (10, "crate", "Crate-5", True),
    ]

    Item.objects.filter(a=10).update(b=F("b") + F("a"), name="Bag")
    first.a = 4
    first.save(update_fields=["a"])
    assert list(Item.objects.order_by("id").values_list("total", "lower_name", "label", "named")) == [
        (6, "box", "BoX-4", True),
        (40, "bag", "Bag-10", True),
        (10, "crate", "Crate-5", True),
    ]
    assert list(Item.objects.filter(total__gte=10).order_by("total").values_list("a", flat=True)) == [5, 10]


def test_generated_field_added_to_a_table_with_rows(empty_db):
    state = apply(
        ProjectState(),
        migrations.CreateModel(
            "Item", [("id", models.AutoField(primary_key=True)), ("weight", models.IntegerField())]
        ),
    )
    state.apps.get_model(APP, "Item").objects.bulk_create([state.apps.get_model(APP, "Item")(weight=w) for w in (2, 3)])
    state = apply(state, migrations.AddField("Item", "double", generated(F("weight") * 2, models.IntegerField(), db_index=True)))
    Item = state.apps.get_model(APP, "Item")
    Item.objects.create(weight=7)
    assert list(Item.objects.order_by("id").values_list("double", flat=True)) == [4, 6, 14]
    assert Item.objects.get(double=6).weight == 3

    state = apply(state, migrations.RemoveField("Item", "double"))
    assert stored(state.apps.get_model(APP, "Item"), "weight") == [(2,), (3,), (7,)]
