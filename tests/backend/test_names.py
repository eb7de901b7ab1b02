"""Table and column names beyond immudb's letters, digits and underscores."""

import io

import pytest
from django.core.management import call_command
from django.db import connection, models

from immudb_backend.names import decode, encode


@pytest.mark.parametrize(
    "name",
    ["prc(%) x", "tamaño", "field-with-dash", "inspectdb_special.table name", "föö", "a\"b", "_enc_x", "x" * 200],
)
def test_an_encoded_name_decodes_back(name):
    encoded = encode(name)
    assert all(c.isascii() and (c.isalnum() or c == "_") for c in encoded)
    assert decode(encoded) == name.lower()


def test_plain_names_keep_their_spelling():
    for name in ("parcel_scan", "Field_", "__field", "123", "INTEGERPK"):
        assert encode(name) == name
        assert decode(name) == name


def test_encoding_is_one_to_one():
    names = ["a-b", "a_2db", "_enc_a_2db", "a b", "a_b", "A-B"]
    # A-B is a-b: immudb folds case, encoded names too.
    assert len({encode(n) for n in names}) == len(names) - 1


def test_an_unknown_encoded_looking_name_is_left_alone():
    assert decode("_enc_ab") == "_enc_ab"  # "ab" needs no encoding
    assert decode("_enc__ff") == "_enc__ff"  # 0xff is no UTF-8 text
    assert decode("_enc_x_zz") == "_enc_x_zz"


class Odd(models.Model):
    percent = models.IntegerField(db_column="prc(%) x", null=True)
    dashed = models.CharField(max_length=10, db_column="with-dash", db_index=True, null=True)
    accented = models.IntegerField(db_column="tamaño", null=True)

    class Meta:
        app_label = "backend"
        db_table = "odd.table name"


def test_a_model_with_odd_names_round_trips(empty_db):
    with connection.schema_editor() as editor:
        editor.create_model(Odd)
    Odd.objects.create(percent=5, dashed="x", accented=3)
    assert list(Odd.objects.filter(dashed="x").values_list("percent", "accented")) == [(5, 3)]
    assert list(Odd.objects.extra(select={"plus-one": "1"}).values("plus-one")) == [{"plus-one": 1}]
    # Raw SQL names the table as quote_name() spells it for immudb.
    raw = list(Odd.objects.raw(f"SELECT * FROM {connection.ops.quote_name('odd.table name')}"))
    assert (raw[0].percent, raw[0].dashed, raw[0].accented) == (5, "x", 3)

    introspection = connection.introspection
    with connection.cursor() as cursor:
        assert "odd.table name" in introspection.table_names(cursor)
        columns = [d.name for d in introspection.get_table_description(cursor, "odd.table name")]
        constraints = introspection.get_constraints(cursor, "odd.table name")
    assert columns == ["id", "prc(%) x", "with-dash", "tamaño"]
    assert sorted(c["columns"] for c in constraints.values()) == [["id"], ["with-dash"]]

    out = io.StringIO()
    call_command("inspectdb", "odd.table name", stdout=out)
    assert "db_table = 'odd.table name'" in out.getvalue()
    assert "db_column='prc(%) x'" in out.getvalue()

    with connection.schema_editor() as editor:
        editor.remove_field(Odd, Odd._meta.get_field("dashed"))
        editor.delete_model(Odd)
    with connection.cursor() as cursor:
        assert "odd.table name" not in introspection.table_names(cursor)
