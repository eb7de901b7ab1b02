"""Foreign keys kept and enforced by the backend (immudb has none of its own):
the catalog follows schema changes, introspection reports it, and Django's
writes that would leave a row pointing to nothing fail and write nothing."""

from functools import partial

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, migrations, models, transaction
from django.db.migrations.state import ProjectState
from django.test.utils import CaptureQueriesContext

from tests.backend import migration_ops

APP = "fktest"

apply = partial(migration_ops.apply_operations, APP)


def shop_state(**order_options):
    """Customer, and Order referencing it (plus a self reference and an unconstrained one)."""
    return apply(
        ProjectState(),
        migrations.CreateModel(
            "Customer",
            [("id", models.AutoField(primary_key=True)), ("code", models.CharField(max_length=10, unique=True))],
        ),
        migrations.CreateModel(
            "Order",
            [
                ("id", models.AutoField(primary_key=True)),
                ("customer", models.ForeignKey("Customer", models.CASCADE, null=True)),
                ("previous", models.ForeignKey("self", models.CASCADE, null=True)),
                ("loose", models.ForeignKey("Customer", models.DO_NOTHING, null=True, db_constraint=False, related_name="+")),
            ],
            options=order_options,
        ),
    )


def foreign_keys(table):
    """{column: (referenced table, referenced column)} as introspection reports them."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {c["columns"][0]: c["foreign_key"] for c in constraints.values() if c["foreign_key"]}


def count(model):
    return model.objects.count()


@pytest.fixture
def shop(empty_db):
    state = shop_state()
    return state, state.apps.get_model(APP, "Customer"), state.apps.get_model(APP, "Order")


def test_catalog_and_introspection(shop):
    state, Customer, Order = shop
    assert foreign_keys("fktest_order") == {
        "customer_id": ("fktest_customer", "id"),
        "previous_id": ("fktest_order", "id"),
    }
    with connection.cursor() as cursor:
        assert connection.introspection.get_relations(cursor, "fktest_order") == {
            "customer_id": ("id", "fktest_customer"),
            "previous_id": ("id", "fktest_order"),
        }
        assert "immudb_foreign_keys" not in connection.introspection.table_names(cursor)


def test_inspectdb_emits_foreign_keys(shop):
    from io import StringIO

    out = StringIO()
    call_command("inspectdb", "fktest_order", stdout=out)
    assert "customer = models.ForeignKey('FktestCustomer', models.DO_NOTHING" in out.getvalue()
    assert "previous = models.ForeignKey('self', models.DO_NOTHING" in out.getvalue()


def test_insert_needs_a_referenced_row(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    Order.objects.create(customer=customer)
    Order.objects.create(customer=None)  # NULL never violates
    with pytest.raises(IntegrityError, match="fktest_order.customer_id = 999 has no row in fktest_customer.id"):
        Order.objects.create(customer_id=999)
    with pytest.raises(IntegrityError):
        Order.objects.bulk_create([Order(customer=customer), Order(customer_id=998)])
    assert count(Order) == 2
    # db_constraint=False: no constraint, nothing checked.
    Order.objects.create(loose_id=12345)
    assert count(Order) == 3


def test_rows_of_one_statement_may_reference_each_other(shop):
    _, Customer, Order = shop
    Order.objects.bulk_create([Order(id=10), Order(id=11, previous_id=10)])
    assert Order.objects.get(id=11).previous_id == 10


def test_update_needs_a_referenced_row(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    order = Order.objects.create(customer=customer)
    with pytest.raises(IntegrityError, match="has no row in fktest_customer.id"):
        Order.objects.filter(pk=order.pk).update(customer_id=999)
    order.customer_id = 998
    with pytest.raises(IntegrityError):
        order.save()
    assert Order.objects.get().customer_id == customer.pk
    Order.objects.update(customer=None)
    assert Order.objects.get().customer_id is None


def test_update_to_an_expression_is_checked(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    order = Order.objects.create(customer=customer)
    with pytest.raises(IntegrityError):
        Order.objects.update(customer_id=models.F("customer_id") + 100)
    Order.objects.update(previous_id=models.F("id"))
    assert Order.objects.get().previous_id == order.pk


def test_delete_of_a_referenced_row_fails(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    order = Order.objects.create(customer=customer)
    with pytest.raises(IntegrityError, match="fktest_order.customer_id still references"):
        Customer.objects.filter(pk=customer.pk)._raw_delete(connection.alias)
    assert count(Customer) == 1
    order.delete()
    Customer.objects.filter(pk=customer.pk)._raw_delete(connection.alias)
    assert (count(Customer), count(Order)) == (0, 0)


def test_rows_deleted_together_may_reference_each_other(shop):
    _, Customer, Order = shop
    first = Order.objects.create()
    second = Order.objects.create(previous=first)
    Order.objects.filter(pk__in=[first.pk, second.pk])._raw_delete(connection.alias)
    assert count(Order) == 0


def test_a_failed_check_in_a_transaction_writes_nothing(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    with transaction.atomic():
        Order.objects.create(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.create(customer_id=999)
        Order.objects.create(customer=customer)
    assert count(Order) == 2


def test_the_check_sees_the_transactions_own_writes(shop):
    _, Customer, Order = shop
    with transaction.atomic():
        customer = Customer.objects.create(code="c1")
        Order.objects.create(customer=customer)
        Order.objects.create(customer=customer)
        with pytest.raises(IntegrityError), transaction.atomic():
            Customer.objects.filter(pk=customer.pk)._raw_delete(connection.alias)
    assert count(Order) == 2


def test_an_insert_costs_one_query_per_constraint(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    Order.objects.create(customer=customer)  # the catalog is read once per connection
    with transaction.atomic(), CaptureQueriesContext(connection) as checked:
        Order.objects.create(customer=customer)
    with connection.constraint_checks_disabled():
        with transaction.atomic(), CaptureQueriesContext(connection) as unchecked:
            Order.objects.create(customer=customer)
    # The check of customer_id; previous_id is NULL, loose_id unconstrained.
    assert len(checked) == len(unchecked) + 1


def test_disabled_checks_and_check_constraints(shop):
    _, Customer, Order = shop
    customer = Customer.objects.create(code="c1")
    Order.objects.create(customer=customer)
    connection.check_constraints()
    with connection.constraint_checks_disabled():
        orphan = Order.objects.create(customer_id=777)
    with pytest.raises(IntegrityError, match=f"'fktest_order' with primary key '{orphan.pk}'.*'777'"):
        connection.check_constraints(table_names=["fktest_order"])
    connection.check_constraints(table_names=["fktest_customer"])
    assert connection.disable_constraint_checking() is True
    connection.enable_constraint_checking()
    with pytest.raises(IntegrityError):
        Order.objects.create(customer_id=778)


def test_raw_sql_is_not_checked(shop):
    with connection.cursor() as cursor:
        cursor.execute('INSERT INTO "fktest_order" ("customer_id") VALUES (555)')
    with pytest.raises(IntegrityError):
        connection.check_constraints()


def test_schema_changes_keep_the_catalog(shop):
    state, Customer, Order = shop
    state = apply(state, migrations.AlterField("Order", "customer", models.ForeignKey("Customer", models.CASCADE, null=True, db_constraint=False)))
    assert "customer_id" not in foreign_keys("fktest_order")
    state = apply(state, migrations.AlterField("Order", "customer", models.ForeignKey("Customer", models.CASCADE, null=True, to_field="code")))
    assert foreign_keys("fktest_order")["customer_id"] == ("fktest_customer", "code")
    state = apply(state, migrations.AlterField("Order", "loose", models.IntegerField(null=True)))
    state = apply(state, migrations.RenameField("Order", "customer", "buyer"))
    assert foreign_keys("fktest_order") == {"buyer_id": ("fktest_customer", "code"), "previous_id": ("fktest_order", "id")}
    state = apply(state, migrations.RenameField("Customer", "code", "label"))
    assert foreign_keys("fktest_order")["buyer_id"] == ("fktest_customer", "label")
    state = apply(state, migrations.RenameModel("Customer", "Client"))
    assert foreign_keys("fktest_order")["buyer_id"] == ("fktest_client", "label")
    Client, Order = state.apps.get_model(APP, "Client"), state.apps.get_model(APP, "Order")
    Client.objects.create(label="x")
    Order.objects.create(buyer_id="x")
    with pytest.raises(IntegrityError):
        Order.objects.create(buyer_id="y")
    # A table rebuild (NOT NULL) keeps the constraint.
    state = apply(state, migrations.AlterField("Order", "buyer", models.ForeignKey("Client", models.CASCADE, to_field="label", default="x")))
    assert foreign_keys("fktest_order")["buyer_id"] == ("fktest_client", "label")
    state = apply(state, migrations.RemoveField("Order", "buyer"))
    assert foreign_keys("fktest_order") == {"previous_id": ("fktest_order", "id")}
    state = apply(state, migrations.AddField("Order", "client", models.ForeignKey("Client", models.CASCADE, null=True)))
    assert foreign_keys("fktest_order")["client_id"] == ("fktest_client", "id")
    apply(state, migrations.DeleteModel("Order"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM immudb_foreign_keys")
        assert cursor.fetchone()[0] == 0


def test_a_rebuild_written_out_as_sql_keeps_the_constraints(shop):
    state, Customer, Order = shop
    Order.objects.create()
    operation = migrations.AddField("Order", "amount", models.IntegerField(default=1))
    with connection.schema_editor(collect_sql=True) as editor:
        operation.database_forwards(APP, editor, state, migration_ops.next_state(APP, state, operation))
    assert any("DROP TABLE" in statement for statement in editor.collected_sql)  # a rebuild
    with connection.cursor() as cursor:
        for statement in editor.collected_sql:
            cursor.execute(statement.rstrip(";"))
    assert foreign_keys("fktest_order") == {"customer_id": ("fktest_customer", "id"), "previous_id": ("fktest_order", "id")}


def test_a_deleted_model_written_out_as_sql_takes_its_constraints(shop):
    state, Customer, Order = shop
    operation = migrations.DeleteModel("Order")
    with connection.schema_editor(collect_sql=True) as editor:
        operation.database_forwards(APP, editor, state, migration_ops.next_state(APP, state, operation))
    assert any(statement.startswith("DELETE FROM immudb_foreign_keys") for statement in editor.collected_sql)
    assert foreign_keys("fktest_order")  # written out, not run
