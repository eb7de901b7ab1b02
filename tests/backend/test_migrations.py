"""Schema changes keep data on both servers: run as real migration operations
on tables with rows, checked through introspection and the server's own
enforcement of NOT NULL and UNIQUE."""

from functools import partial

import pytest
from django.db import DataError, IntegrityError, NotSupportedError, ProgrammingError, connection, migrations, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

from tests.backend import migration_ops

APP = "schematest"


def next_state(state, operation):
    return migration_ops.next_state(APP, state, operation)


apply = partial(migration_ops.apply_operations, APP)


def pony_state(**options):
    fields = [
        ("id", models.AutoField(primary_key=True)),
        ("name", models.CharField(max_length=10)),
        ("weight", models.IntegerField(null=True)),
    ]
    return apply(ProjectState(), migrations.CreateModel("Pony", fields, options=options))


def add_ponies(state, *rows):
    Pony = state.apps.get_model(APP, "Pony")
    for name, weight in rows:
        Pony.objects.create(name=name, weight=weight)


def rows(table, *columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(map(connection.ops.quote_name, columns))} FROM {connection.ops.quote_name(table)} ORDER BY {connection.ops.quote_name(columns[0])}")
        return cursor.fetchall()


def indexes(table):
    """{(columns...): unique} for the table's indexes other than the primary key."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {tuple(c["columns"]): c["unique"] for c in constraints.values() if not c["primary_key"]}


def columns(table):
    with connection.cursor() as cursor:
        return {(c.name, c.type_code, c.display_size, c.null_ok) for c in connection.introspection.get_table_description(cursor, table)}


def tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def insert(table, **values):
    names = ", ".join(connection.ops.quote_name(c) for c in values)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(table)} ({names}) VALUES ({', '.join(['%s'] * len(values))})",
            list(values.values()),
        )


def test_create_model_with_indexes_and_delete_model(empty_db):
    state = apply(
        ProjectState(),
        migrations.CreateModel(
            "Stable",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("code", models.CharField(max_length=8, unique=True)),
                ("town", models.CharField(max_length=20, db_index=True)),
                ("row", models.IntegerField()),
                ("seat", models.IntegerField()),
            ],
            options={"unique_together": {("row", "seat")}, "indexes": [models.Index(fields=["town", "row"], name="town_row")]},
        ),
    )
    assert indexes("schematest_stable") == {
        ("code",): True,
        ("row", "seat"): True,
        ("town",): False,
        ("town", "row"): False,
    }
    insert("schematest_stable", code="a", town="x", row=1, seat=1)
    with pytest.raises(IntegrityError):
        insert("schematest_stable", code="a", town="y", row=2, seat=2)
    with pytest.raises(IntegrityError):
        insert("schematest_stable", code="b", town="y", row=1, seat=1)
    apply(state, migrations.DeleteModel("Stable"))
    assert "schematest_stable" not in tables()


def test_add_nullable_field_in_place_and_not_null_field_with_backfill(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("b", None))
    state = apply(
        state,
        migrations.AddField("Pony", "colour", models.CharField(max_length=10, null=True)),
        migrations.AddField("Pony", "legs", models.IntegerField(default=4)),
        migrations.AddField("Pony", "tag", models.CharField(max_length=5, null=True, default="t")),
    )
    assert rows("schematest_pony", "name", "weight", "colour", "legs", "tag") == [
        ("a", 1, None, 4, "t"),
        ("b", None, None, 4, "t"),
    ]
    assert ("legs", "INTEGER", None, False) in columns("schematest_pony")
    with pytest.raises(IntegrityError, match="can not be null"):
        insert("schematest_pony", name="c", legs=None)
    # The rebuilt table keeps its AUTO_INCREMENT primary key.
    Pony = state.apps.get_model(APP, "Pony")
    assert Pony.objects.create(name="c").pk == 3


def test_not_null_field_without_default_on_rows_is_refused_and_nothing_changes(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    before = columns("schematest_pony")
    with pytest.raises(IntegrityError, match="'schematest_pony', which is left unchanged.*can not be null"):
        apply(state, migrations.AddField("Pony", "legs", models.IntegerField()))
    assert columns("schematest_pony") == before
    assert rows("schematest_pony", "id", "name", "weight") == [(1, "a", 1)]
    assert tables() == {"schematest_pony"}


def test_add_unique_field_with_rows_rebuilds_and_enforces(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    chip = models.CharField(max_length=12, null=True, unique=True)
    state = apply(state, migrations.AddField("Pony", "chip", chip))
    assert indexes("schematest_pony") == {("chip",): True}
    insert("schematest_pony", name="b", chip="x1")
    with pytest.raises(IntegrityError):
        insert("schematest_pony", name="c", chip="x1")
    # A UNIQUE index on immudb counts NULLs as equal values.
    with pytest.raises(IntegrityError, match="already exists"):
        insert("schematest_pony", name="d", chip=None)


def test_unique_field_on_many_rows_is_refused_as_nulls_collide(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("b", 2))
    with pytest.raises(IntegrityError, match="'schematest_pony', which is left unchanged.*already exists"):
        apply(state, migrations.AddField("Pony", "chip", models.CharField(max_length=12, null=True, unique=True)))
    assert rows("schematest_pony", "id", "name", "weight") == [(1, "a", 1), (2, "b", 2)]
    assert indexes("schematest_pony") == {}


def test_remove_indexed_fields(empty_db):
    state = apply(
        pony_state(),
        migrations.AddField("Pony", "chip", models.CharField(max_length=12, null=True, unique=True)),
        migrations.AddField("Pony", "stall", models.IntegerField(null=True, db_index=True)),
        migrations.AddIndex("Pony", models.Index(fields=["name", "weight"], name="name_weight")),
    )
    Pony = state.apps.get_model(APP, "Pony")
    Pony.objects.create(name="a", weight=1, chip="c1", stall=1)
    Pony.objects.create(name="b", weight=2, chip="c2", stall=1)
    state = apply(state, migrations.RemoveField("Pony", "chip"), migrations.RemoveField("Pony", "stall"))
    assert indexes("schematest_pony") == {("name", "weight"): False}
    # A column in a multi-column index goes with a rebuild that drops that index.
    Pony = state.apps.get_model(APP, "Pony")
    with connection.schema_editor() as editor:
        editor.remove_field(Pony, Pony._meta.get_field("weight"))
    assert indexes("schematest_pony") == {}
    assert rows("schematest_pony", "id", "name") == [(1, "a"), (2, "b")]
    assert {c[0] for c in columns("schematest_pony")} == {"id", "name"}


def test_rename_field_keeps_rows_and_index(empty_db):
    state = apply(pony_state(), migrations.AlterField("Pony", "weight", models.IntegerField(null=True, db_index=True)))
    add_ponies(state, ("a", 7))
    apply(state, migrations.RenameField("Pony", "weight", "mass"))
    assert rows("schematest_pony", "name", "mass") == [("a", 7)]
    assert indexes("schematest_pony") == {("mass",): False}


def test_rename_model_renames_the_table(empty_db):
    state = pony_state(unique_together={("name", "weight")})
    add_ponies(state, ("a", 1))
    apply(state, migrations.RenameModel("Pony", "Horse"))
    assert tables() == {"schematest_horse"}
    assert rows("schematest_horse", "name", "weight") == [("a", 1)]
    assert indexes("schematest_horse") == {("name", "weight"): True}


def test_alter_field_max_length_null_and_type(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("b", None))
    state = apply(
        state,
        migrations.AlterField("Pony", "name", models.CharField(max_length=30, db_index=True)),
        migrations.AlterField("Pony", "weight", models.IntegerField(default=0)),
    )
    assert rows("schematest_pony", "name", "weight") == [("a", 1), ("b", 0)]
    assert {("name", "VARCHAR", 30, False), ("weight", "INTEGER", None, False)} <= columns("schematest_pony")
    assert indexes("schematest_pony") == {("name",): False}
    insert("schematest_pony", name="x" * 30, weight=5)
    with pytest.raises(IntegrityError, match="can not be null"):
        insert("schematest_pony", name="y", weight=None)
    # INTEGER to VARCHAR converts every value.
    apply(state, migrations.AlterField("Pony", "weight", models.CharField(max_length=5, null=True)))
    assert rows("schematest_pony", "name", "weight") == [("a", "1"), ("b", "0"), ("x" * 30, "5")]


def test_lossy_alter_field_is_refused_and_nothing_changes(empty_db):
    state = pony_state()
    add_ponies(state, ("abcdefghij", None))
    before = columns("schematest_pony")
    with pytest.raises(DataError, match="left unchanged.*max length"):
        apply(state, migrations.AlterField("Pony", "name", models.CharField(max_length=3)))
    with pytest.raises(IntegrityError, match="left unchanged.*can not be null"):
        apply(state, migrations.AlterField("Pony", "weight", models.IntegerField()))
    with pytest.raises(DataError, match="left unchanged: 'abcdefghij' in column 'name' is no IntegerField"):
        apply(state, migrations.AlterField("Pony", "name", models.IntegerField()))
    assert columns("schematest_pony") == before
    assert rows("schematest_pony", "name", "weight") == [("abcdefghij", None)]
    assert tables() == {"schematest_pony"}


def test_no_alter_column_on_the_server(empty_db):
    """1.9 has no ALTER COLUMN; 1.11 parses it, but the change is gone after commit."""
    pony_state()
    with connection.cursor() as cursor:
        if connection.server_version < (1, 11):
            with pytest.raises(ProgrammingError, match="syntax error"):
                cursor.execute('ALTER TABLE "schematest_pony" ALTER COLUMN "weight" SET NOT NULL')
        else:
            cursor.execute('ALTER TABLE "schematest_pony" ALTER COLUMN "weight" SET NOT NULL')
            insert("schematest_pony", name="a", weight=None)
            assert ("weight", "INTEGER", None, True) in columns("schematest_pony")


def test_add_and_remove_index(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    index = models.Index(fields=["weight", "name"], name="weight_name")
    state = apply(state, migrations.AddIndex("Pony", index))
    assert indexes("schematest_pony") == {("weight", "name"): False}
    apply(state, migrations.RemoveIndex("Pony", "weight_name"))
    assert indexes("schematest_pony") == {}


def test_alter_unique_together_on_rows(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("a", 2))
    state = apply(state, migrations.AlterUniqueTogether("Pony", {("name", "weight")}))
    assert indexes("schematest_pony") == {("name", "weight"): True}
    assert rows("schematest_pony", "id", "name", "weight") == [(1, "a", 1), (2, "a", 2)]
    with pytest.raises(IntegrityError):
        insert("schematest_pony", name="a", weight=1)
    # Duplicates in the data stop a new unique constraint.
    with pytest.raises(IntegrityError, match="left unchanged"):
        apply(state, migrations.AlterUniqueTogether("Pony", {("name",)}))
    assert indexes("schematest_pony") == {("name", "weight"): True}
    apply(state, migrations.AlterUniqueTogether("Pony", set()))
    assert indexes("schematest_pony") == {}
    insert("schematest_pony", name="a", weight=1)


def test_add_and_remove_unique_constraint(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("b", 1))
    unique_name = models.UniqueConstraint(fields=["name"], name="unique_name")
    state = apply(state, migrations.AddConstraint("Pony", unique_name))
    assert indexes("schematest_pony") == {("name",): True}
    with pytest.raises(IntegrityError):
        insert("schematest_pony", name="a", weight=3)
    with pytest.raises(IntegrityError, match="left unchanged"):
        apply(state, migrations.AddConstraint("Pony", models.UniqueConstraint(fields=["weight"], name="unique_weight")))
    assert rows("schematest_pony", "id", "name", "weight") == [(1, "a", 1), (2, "b", 1)]
    apply(state, migrations.RemoveConstraint("Pony", "unique_name"))
    assert indexes("schematest_pony") == {}


def test_reserved_words_as_table_and_column_names(empty_db):
    state = apply(
        ProjectState(),
        migrations.CreateModel(
            "Order",
            [
                ("id", models.AutoField(primary_key=True, db_column="select")),
                ("count", models.IntegerField(db_column="count", db_index=True)),
                ("group", models.CharField(max_length=5, db_column="group", null=True)),
            ],
            options={"db_table": "order"},
        ),
    )
    state.apps.get_model(APP, "Order").objects.create(count=2, group="g")
    state = apply(
        state,
        migrations.AddField("Order", "limit", models.IntegerField(db_column="limit", default=9)),
        migrations.AlterField("Order", "group", models.CharField(max_length=8, db_column="group", unique=True, null=True)),
        migrations.RenameField("Order", "count", "total"),
        migrations.AlterField("Order", "total", models.IntegerField(db_column="where", db_index=True)),
        migrations.RemoveField("Order", "total"),
    )
    assert rows("order", "select", "group", "limit") == [(1, "g", 9)]
    assert indexes("order") == {("group",): True}


class Initial(migrations.Migration):
    operations = [
        migrations.CreateModel(
            "Pony", [("id", models.AutoField(primary_key=True)), ("name", models.CharField(max_length=10))]
        )
    ]


class AddLegs(migrations.Migration):
    dependencies = [(APP, "0001_initial")]
    operations = [migrations.AddField("Pony", "legs", models.IntegerField(default=4))]


def test_migration_executor_forwards_and_backwards(empty_db):
    executor = MigrationExecutor(connection)
    state = executor.apply_migration(ProjectState(), Initial("0001_initial", APP))
    state.apps.get_model(APP, "Pony").objects.create(name="a")
    executor.apply_migration(state, AddLegs("0002_legs", APP))
    assert rows("schematest_pony", "name", "legs") == [("a", 4)]
    assert (APP, "0002_legs") in executor.recorder.applied_migrations()
    executor.unapply_migration(state, AddLegs("0002_legs", APP))
    assert rows("schematest_pony", "id", "name") == [(1, "a")]
    assert {c[0] for c in columns("schematest_pony")} == {"id", "name"}


def collected_sql(state, operation):
    with connection.schema_editor(collect_sql=True) as editor:
        operation.database_forwards(APP, editor, state, next_state(state, operation))
    return editor.collected_sql


def test_sqlmigrate_writes_a_rebuild_out_as_sql_that_runs(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    operation = migrations.AddField("Pony", "legs", models.IntegerField(default=4))
    statements = collected_sql(state, operation)
    assert tables() == {"schematest_pony"}  # written out, not run
    assert 'INSERT INTO "schematest_pony__new" ("id", "name", "weight", "legs") SELECT "id", "name", "weight", 4 FROM "schematest_pony";' in statements
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.rstrip(";"))
    assert rows("schematest_pony", "name", "weight", "legs") == [("a", 1, 4)]


def test_sqlmigrate_of_a_type_change_says_why_it_cannot_be_shown(empty_db):
    operation = migrations.AlterField("Pony", "name", models.IntegerField(default=0))
    with pytest.raises(NotSupportedError, match="converts the values of table 'schematest_pony'"):
        collected_sql(pony_state(), operation)


def test_sqlmigrate_of_a_removed_field_needs_no_table(empty_db):
    state = pony_state(unique_together={("name", "weight")})
    apply(state, migrations.DeleteModel("Pony"))
    statements = collected_sql(state, migrations.RemoveField("Pony", "weight"))
    assert statements[-1] == 'ALTER TABLE "schematest_pony__new" RENAME TO "schematest_pony";'


def test_db_default_fills_existing_rows_before_default(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    state = apply(
        state,
        migrations.AddField("Pony", "colour", models.CharField(max_length=10, default="red", db_default="blue")),
        migrations.AddField("Pony", "note", models.CharField(max_length=10, null=True, db_default="it's")),
    )
    assert rows("schematest_pony", "name", "colour", "note") == [("a", "blue", "it's")]
    Pony = state.apps.get_model(APP, "Pony")
    assert Pony.objects.create(name="b").colour == "red"


def test_db_default_is_a_literal_column_default_on_1_11(empty_db):
    if not connection.features.supports_default_in_create:
        pytest.skip("immudb 1.9 has no column defaults")
    state = pony_state()
    apply(
        state,
        migrations.AddField("Pony", "colour", models.CharField(max_length=10, db_default="50%")),
        # immudb would keep this one as text it cannot read back: the column gets no default.
        migrations.AddField("Pony", "note", models.CharField(max_length=10, null=True, db_default="it's")),
    )
    insert("schematest_pony", name="a")
    assert rows("schematest_pony", "name", "colour", "note") == [("a", "50%", None)]


def test_unique_index_made_after_deletes_refuses_the_deleted_values(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1), ("a", 1))
    state.apps.get_model(APP, "Pony").objects.all().delete()
    apply(state, migrations.AlterUniqueTogether("Pony", {("name", "weight")}))
    insert("schematest_pony", name="a", weight=1)
    with pytest.raises(IntegrityError):
        insert("schematest_pony", name="a", weight=1)


def test_one_index_serves_every_declaration_on_its_columns(empty_db):
    state = apply(pony_state(), migrations.AlterField("Pony", "weight", models.IntegerField(null=True, db_index=True)))
    state = apply(state, migrations.AddIndex("Pony", models.Index(fields=["weight"], name="by_weight")))
    assert indexes("schematest_pony") == {("weight",): False}
    # Removing the Meta index keeps the field's own; a unique constraint takes the plain index's place.
    state = apply(state, migrations.RemoveIndex("Pony", "by_weight"))
    assert indexes("schematest_pony") == {("weight",): False}
    state = apply(state, migrations.AddConstraint("Pony", models.UniqueConstraint(fields=["weight"], name="uq")))
    assert indexes("schematest_pony") == {("weight",): True}
    state = apply(state, migrations.RemoveConstraint("Pony", "uq"))
    assert indexes("schematest_pony") == {("weight",): False}
    # Dropping db_index keeps the index that a Meta index still needs.
    state = apply(state, migrations.AddIndex("Pony", models.Index(fields=["weight"], name="by_weight")))
    apply(state, migrations.AlterField("Pony", "weight", models.IntegerField(null=True)))
    assert indexes("schematest_pony") == {("weight",): False}


def test_indexes_immudb_lacks_are_not_made(empty_db):
    from django.db.models.functions import Lower

    state = apply(
        pony_state(),
        migrations.AddIndex("Pony", models.Index(Lower("name"), name="lower_name")),
        migrations.AddIndex("Pony", models.Index(fields=["name"], condition=models.Q(weight=1), name="partial")),
        migrations.AddConstraint(
            "Pony", models.UniqueConstraint(fields=["weight"], name="later", deferrable=models.Deferrable.DEFERRED)
        ),
        migrations.AddField("Pony", "story", models.TextField(null=True, db_index=True)),
    )
    assert indexes("schematest_pony") == {}
    apply(state, migrations.AddConstraint("Pony", models.UniqueConstraint(fields=["name"], name="n", nulls_distinct=False)))
    assert indexes("schematest_pony") == {("name",): True}


def test_rename_field_in_case_only(empty_db):
    state = pony_state()
    add_ponies(state, ("a", 1))
    apply(state, migrations.RenameField("Pony", "weight", "Weight"))
    assert rows("schematest_pony", "name", "weight") == [("a", 1)]


def test_contrib_auth_contenttypes_and_sessions_migrate_and_work(django_db):
    from django.contrib.auth import authenticate, get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.create_user("clerk", password="s3cret-Pass")
    assert authenticate(username="clerk", password="s3cret-Pass") == user
    assert authenticate(username="clerk", password="wrong") is None
    assert ContentType.objects.get_for_model(user).model == "user"

    session = SessionStore()
    session["user_id"] = user.pk
    session.save()
    assert SessionStore(session_key=session.session_key).load() == {"user_id": user.pk}


def index_names(table):
    """{name: (columns, unique)} of the table's indexes other than the primary key, as introspection names them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: (tuple(c["columns"]), c["unique"])
        for name, c in constraints.items()
        if not c["primary_key"] and not c["foreign_key"]
    }


def test_indexes_and_constraints_are_reported_by_their_django_names(empty_db):
    state = pony_state(
        indexes=[models.Index(fields=["weight", "name"], name="weight_name")],
        constraints=[models.UniqueConstraint(fields=["name"], name="unique_name")],
        unique_together={("weight", "id")},
    )
    with connection.schema_editor() as editor:
        together = editor._create_index_name("schematest_pony", ["weight", "id"], suffix="_uniq")
    assert index_names("schematest_pony") == {
        "weight_name": (("weight", "name"), False),
        "unique_name": (("name",), True),
        together: (("weight", "id"), True),
    }
    # A field's own index gets the name Django's schema editor gives it.
    apply(state, migrations.AlterField("Pony", "weight", models.IntegerField(null=True, db_index=True)))
    with connection.schema_editor() as editor:
        own = editor._create_index_name("schematest_pony", ["weight"])
    assert index_names("schematest_pony")[own] == (("weight",), False)
    with connection.cursor() as cursor:
        assert "immudb_index_names" not in connection.introspection.table_names(cursor)


def test_names_sharing_one_index_are_each_reported_and_forgotten(empty_db):
    state = pony_state()
    state = apply(state, migrations.AddIndex("Pony", models.Index(fields=["weight"], name="by_weight")))
    state = apply(state, migrations.AddConstraint("Pony", models.UniqueConstraint(fields=["weight"], name="uq_weight")))
    # One immudb index, unique since the constraint came, serves both names.
    assert index_names("schematest_pony") == {"by_weight": (("weight",), True), "uq_weight": (("weight",), True)}
    state = apply(state, migrations.RemoveConstraint("Pony", "uq_weight"))
    assert index_names("schematest_pony") == {"by_weight": (("weight",), False)}
    apply(state, migrations.RemoveIndex("Pony", "by_weight"))
    assert index_names("schematest_pony") == {}
    # A new index on the columns does not bring a forgotten name back.
    with connection.cursor() as cursor:
        cursor.execute('CREATE INDEX ON "schematest_pony" ("weight")')
    assert index_names("schematest_pony") == {"schematest_pony(weight)": (("weight",), False)}


def test_rename_index(empty_db):
    state = apply(pony_state(), migrations.AddIndex("Pony", models.Index(fields=["weight"], name="by_weight")))
    add_ponies(state, ("a", 1))
    state = apply(state, migrations.RenameIndex("Pony", new_name="heavy", old_name="by_weight"))
    assert index_names("schematest_pony") == {"heavy": (("weight",), False)}
    # An unnamed index (from index_together) is found by its columns.
    state = apply(state, migrations.AlterIndexTogether("Pony", {("name", "weight")}))
    apply(state, migrations.RenameIndex("Pony", new_name="name_weight", old_fields=("name", "weight")))
    assert index_names("schematest_pony") == {"heavy": (("weight",), False), "name_weight": (("name", "weight"), False)}
    assert rows("schematest_pony", "name", "weight") == [("a", 1)]


def test_names_follow_table_and_column_renames_and_rebuilds(empty_db):
    state = pony_state(unique_together={("weight", "name")}, indexes=[models.Index(fields=["name"], name="by_name")])
    add_ponies(state, ("a", 1))
    with connection.schema_editor() as editor:
        together = editor._create_index_name("schematest_pony", ["weight", "name"], suffix="_uniq")
    state = apply(state, migrations.RenameModel("Pony", "Horse"))
    assert index_names("schematest_horse") == {together: (("weight", "name"), True), "by_name": (("name",), False)}
    state = apply(state, migrations.RenameField("Horse", "weight", "mass"))
    assert index_names("schematest_horse") == {together: (("mass", "name"), True), "by_name": (("name",), False)}
    # A rebuild (the column made NOT NULL) keeps the indexes and their names.
    state = apply(state, migrations.AlterField("Horse", "mass", models.IntegerField(default=0)))
    assert index_names("schematest_horse") == {together: (("mass", "name"), True), "by_name": (("name",), False)}
    assert rows("schematest_horse", "name", "mass") == [("a", 1)]
    # Names made under the old table name are still forgotten with what made them.
    state = apply(state, migrations.AlterUniqueTogether("Horse", set()))
    assert index_names("schematest_horse") == {"by_name": (("name",), False)}
    # A removed column takes the names of its indexes along.
    state = apply(state, migrations.AlterField("Horse", "mass", models.IntegerField(default=0, db_index=True)))
    assert set(index_names("schematest_horse")) == {"by_name", editor._create_index_name("schematest_horse", ["mass"])}
    state = apply(state, migrations.RemoveField("Horse", "mass"))
    assert index_names("schematest_horse") == {"by_name": (("name",), False)}
    apply(state, migrations.DeleteModel("Horse"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM immudb_index_names")
        assert cursor.fetchone()[0] == 0


def test_named_index_statements_of_django_record_their_names(empty_db):
    state = pony_state()
    Pony = state.apps.get_model(APP, "Pony")
    with connection.schema_editor() as editor:
        editor.execute(editor._create_index_sql(Pony, fields=[Pony._meta.get_field("weight")], name="ByWeight"))
        editor.execute(editor._create_unique_sql(Pony, [Pony._meta.get_field("name")], "UniqueName"))
    assert index_names("schematest_pony") == {"byweight": (("weight",), False), "uniquename": (("name",), True)}
    with pytest.raises(IntegrityError):
        Pony.objects.bulk_create([Pony(name="a"), Pony(name="a")])


def test_a_rebuild_written_out_as_sql_keeps_the_names(empty_db):
    state = pony_state(indexes=[models.Index(fields=["name"], name="by_name")])
    add_ponies(state, ("a", 1))
    with connection.cursor() as cursor:
        for statement in collected_sql(state, migrations.AddField("Pony", "legs", models.IntegerField(default=4))):
            cursor.execute(statement.rstrip(";"))
    assert index_names("schematest_pony") == {"by_name": (("name",), False)}
