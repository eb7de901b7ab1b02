"""CHECK constraints on both servers: made with the table, enforced by the
server on INSERT and UPDATE with SQL's NULL semantics, added by rebuilding a
table with rows, dropped by name, and refused when immudb could not read
them back."""

from functools import partial

import pytest
from django.db import IntegrityError, NotSupportedError, connection, migrations, models
from django.db.migrations.state import ProjectState

from tests.backend import migration_ops
from django.db.models import Case, F, Q, Value, When

APP = "checktest"


apply = partial(migration_ops.apply_operations, APP)


def create(fields, constraints=(), name="Item"):
    return apply(
        ProjectState(),
        migrations.CreateModel(
            name, [("id", models.AutoField(primary_key=True)), *fields], options={"constraints": list(constraints)}
        ),
    )


def check(condition, name):
    return models.CheckConstraint(condition=condition, name=name)


def model(state, name="Item"):
    return state.apps.get_model(APP, name)


def test_check_constraints_are_enforced_on_insert_and_update(empty_db):
    state = create(
        [("low", models.IntegerField()), ("high", models.IntegerField()), ("amount", models.PositiveIntegerField())],
        [check(Q(low__lte=F("high")), "low_le_high")],
    )
    Item = model(state)
    item = Item.objects.create(low=1, high=2, amount=0)
    with pytest.raises(IntegrityError, match="check constraint"):
        Item.objects.create(low=3, high=2, amount=0)
    with pytest.raises(IntegrityError, match="check constraint"):
        Item.objects.create(low=1, high=2, amount=-1)
    with pytest.raises(IntegrityError, match="check constraint"):
        Item.objects.filter(pk=item.pk).update(low=5)
    with pytest.raises(IntegrityError, match="check constraint"):
        Item.objects.filter(pk=item.pk).update(amount=F("amount") - 1)
    assert list(Item.objects.values_list("low", "high", "amount")) == [(1, 2, 0)]


def test_a_check_that_is_unknown_for_null_passes(empty_db):
    state = create(
        [
            ("a", models.IntegerField(null=True)),
            ("b", models.IntegerField(null=True)),
            ("size", models.PositiveSmallIntegerField(null=True)),
        ],
        [
            check(Q(a__gt=0) | Q(b=1), "a_positive_or_b_one"),
            check(Q(a=100 - F("b")), "sum_100"),
            check(~Q(b=7), "b_not_7"),
        ],
    )
    Item = model(state)
    # a NULL: a > 0 and a = 100 - b are unknown, so the row passes as in SQL.
    Item.objects.create(a=None, b=5, size=None)
    Item.objects.create(a=None, b=None, size=1)
    Item.objects.create(a=50, b=50)
    with pytest.raises(IntegrityError):
        Item.objects.create(a=-1, b=101)  # a > 0 false, b = 1 false
    with pytest.raises(IntegrityError):
        Item.objects.create(a=None, b=7)  # NOT (b = 7) false
    with pytest.raises(IntegrityError):
        Item.objects.create(a=1, b=2)  # a = 100 - b false
    assert Item.objects.count() == 3


def test_add_check_constraint_keeps_rows_and_checks_them(empty_db):
    state = create([("weight", models.IntegerField())])
    Item = model(state)
    Item.objects.create(weight=5)
    Item.objects.create(weight=50)
    with pytest.raises(IntegrityError):
        apply(state, migrations.AddConstraint("Item", check(Q(weight__lt=10), "light")))
    # The table is left as it was.
    Item.objects.create(weight=500)
    assert sorted(Item.objects.values_list("weight", flat=True)) == [5, 50, 500]

    state = apply(state, migrations.AddConstraint("Item", check(Q(weight__gt=0), "positive")))
    Item = model(state)
    assert sorted(Item.objects.values_list("weight", flat=True)) == [5, 50, 500]
    with pytest.raises(IntegrityError):
        Item.objects.create(weight=0)

    state = apply(state, migrations.RemoveConstraint("Item", "positive"))
    model(state).objects.create(weight=0)


def test_renaming_and_removing_checked_columns(empty_db):
    state = create(
        [("pink", models.IntegerField()), ("spots", models.PositiveIntegerField(null=True))],
        [check(Q(pink__gt=2), "pink_gt_2")],
    )
    model(state).objects.create(pink=3, spots=1)
    state = apply(state, migrations.RenameField("Item", "pink", "rose"))
    with pytest.raises(IntegrityError):
        model(state).objects.create(rose=1)
    # As the autodetector writes it: the constraint is remade with the new name.
    state = apply(
        state,
        migrations.RemoveConstraint("Item", "pink_gt_2"),
        migrations.AddConstraint("Item", check(Q(rose__gt=2), "rose_gt_2")),
        migrations.RenameField("Item", "spots", "dots"),
    )
    Item = model(state)
    Item.objects.create(rose=4, dots=None)
    with pytest.raises(IntegrityError):
        Item.objects.create(rose=1)
    with pytest.raises(IntegrityError):
        Item.objects.create(rose=5, dots=-1)
    state = apply(state, migrations.RemoveField("Item", "dots"))
    state = apply(state, migrations.RemoveConstraint("Item", "rose_gt_2"), migrations.RemoveField("Item", "rose"))
    assert model(state).objects.count() == 2


def test_positive_field_added_to_a_table_with_rows(empty_db):
    state = create([("name", models.CharField(max_length=10))])
    model(state).objects.create(name="a")
    state = apply(state, migrations.AddField("Item", "stock", models.PositiveIntegerField(null=True)))
    Item = model(state)
    Item.objects.create(name="b", stock=3)
    with pytest.raises(IntegrityError):
        Item.objects.create(name="c", stock=-3)
    state = apply(state, migrations.AlterField("Item", "stock", models.IntegerField(null=True)))
    model(state).objects.create(name="c", stock=-3)


def test_percent_in_a_check_with_a_database_default(empty_db):
    state = create(
        [("rebate", models.CharField(max_length=10)), ("note", models.CharField(max_length=10, db_default="n"))],
        [check(Q(rebate__endswith="%"), "rebate_percent")],
    )
    Item = model(state)
    Item.objects.create(rebate="10%")
    with pytest.raises(IntegrityError):
        Item.objects.create(rebate="10")


def test_checks_immudb_could_not_read_back_are_refused(empty_db):
    # A quote in a string, a column named like a keyword or a CASE would be
    # stored as text the server cannot parse, breaking every later statement.
    with pytest.raises(NotSupportedError, match="cannot keep"):
        create([("name", models.CharField(max_length=10))], [check(~Q(name="it's"), "no_quote")])
    with pytest.raises(NotSupportedError, match="cannot keep"):
        create([("read", models.IntegerField())], [check(Q(read__gte=0), "read_positive")], name="Book")
    with pytest.raises(NotSupportedError, match="cannot keep"):
        # A stored CASE loses its parentheses.
        create(
            [("size", models.IntegerField())],
            [check(Q(size=Case(When(size__gt=1, then=Value(2)), default=Value(3))), "case")],
            name="Box",
        )
    # A positive field named like a keyword gets no check, as on a database without them.
    state = create([("sequence", models.PositiveIntegerField())], name="Step")
    model(state, "Step").objects.create(sequence=-1)
    # The database still works.
    state = create([("name", models.CharField(max_length=10))], [check(~Q(name="x"), "not_x")], name="Other")
    model(state, "Other").objects.create(name="y")


def test_tables_with_checks_can_be_dropped(empty_db):
    # Both servers fail DROP TABLE on a table with checks; the backend drops
    # the checks first.
    state = create([("amount", models.PositiveIntegerField())], [check(Q(amount__lt=10), "small")])
    apply(state, migrations.DeleteModel("Item"))
    # A table made before its model had a check: the missing check is passed over.
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "checktest_old" ("id" INTEGER AUTO_INCREMENT, "amount" INTEGER, PRIMARY KEY ("id"))')
    state = ProjectState()
    fields = [("id", models.AutoField(primary_key=True)), ("amount", models.PositiveIntegerField())]
    migrations.CreateModel("Old", fields).state_forwards(APP, state)
    with connection.schema_editor() as editor:
        editor.delete_model(model(state, "Old"))
    with connection.cursor() as cursor:
        assert not {"checktest_item", "checktest_old"} & set(connection.introspection.table_names(cursor))


def test_a_table_with_checks_of_unknown_names_is_dropped_out_of_sight(empty_db):
    # A check added outside the model's state: its name is not known when
    # the table is dropped as plain SQL, or rebuilt.
    state = create([("weight", models.IntegerField())])
    Item = model(state)
    with connection.schema_editor() as editor:
        editor.add_constraint(Item, check(Q(weight__gt=0), "positive"))
    Item.objects.create(weight=1)
    state = apply(state, migrations.AlterField("Item", "weight", models.BigIntegerField(null=True)))
    with connection.schema_editor() as editor:
        editor.add_constraint(model(state), check(Q(weight__lt=10), "small"))
        editor.execute(editor.sql_delete_table % {"table": editor.quote_name("checktest_item")})
    with connection.cursor() as cursor:
        assert "checktest_item" not in connection.introspection.table_names(cursor)
    # The name is free again.
    state = create([("weight", models.IntegerField())])
    model(state).objects.create(weight=-1)
