"""Introspection and inspectdb on tables made outside Django, dbshell, and
test databases made and dropped through immudb's database API."""

import io
import os
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from immudb.grpc import schema_pb2

from immudb_backend import dbapi
from immudb_backend.client import DatabaseClient


def execute(*statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


SCAN_TABLE = (
    "CREATE TABLE parcel_scan (id INTEGER AUTO_INCREMENT, code VARCHAR[18] NOT NULL, note VARCHAR, "
    "weight FLOAT, seen TIMESTAMP NOT NULL, ok BOOLEAN, raw BLOB, ref UUID, extra JSON, "
    "station INTEGER, lane INTEGER, PRIMARY KEY id)"
)


def test_introspection_of_a_table_made_with_sql(empty_db):
    execute(
        SCAN_TABLE,
        "CREATE UNIQUE INDEX ON parcel_scan (code)",
        "CREATE UNIQUE INDEX ON parcel_scan (station, lane)",
        "CREATE INDEX ON parcel_scan (seen)",
    )
    introspection = connection.introspection
    with connection.cursor() as cursor:
        assert introspection.table_names(cursor) == ["parcel_scan"]
        description = {d.name: d for d in introspection.get_table_description(cursor, "parcel_scan")}
        assert introspection.get_primary_key_columns(cursor, "parcel_scan") == ["id"]
        assert introspection.get_sequences(cursor, "parcel_scan") == [{"table": "parcel_scan", "column": "id"}]
        constraints = introspection.get_constraints(cursor, "parcel_scan")
    assert {name: (d.type_code, d.display_size, d.null_ok) for name, d in description.items()} == {
        "id": ("INTEGER", None, False),
        "code": ("VARCHAR", 18, False),
        "note": ("VARCHAR", None, True),
        "weight": ("FLOAT", None, True),
        "seen": ("TIMESTAMP", None, False),
        "ok": ("BOOLEAN", None, True),
        "raw": ("BLOB", None, True),
        "ref": ("UUID", None, True),
        "extra": ("JSON", None, True),
        "station": ("INTEGER", None, True),
        "lane": ("INTEGER", None, True),
    }
    assert {tuple(c["columns"]): (c["primary_key"], c["unique"]) for c in constraints.values()} == {
        ("id",): (True, True),
        ("code",): (False, True),
        ("station", "lane"): (False, True),
        ("seen",): (False, False),
    }


def test_inspectdb_on_a_table_made_with_sql(empty_db):
    execute(
        SCAN_TABLE,
        "CREATE UNIQUE INDEX ON parcel_scan (code)",
        "CREATE UNIQUE INDEX ON parcel_scan (station, lane)",
    )
    out = io.StringIO()
    call_command("inspectdb", "parcel_scan", stdout=out)
    text = out.getvalue()
    assert "class ParcelScan(models.Model):" in text
    assert "    id = " not in text  # an AUTO_INCREMENT "id" is Django's default primary key
    for line in (
        "code = models.CharField(unique=True, max_length=18)",
        "note = models.TextField(blank=True, null=True)",
        "weight = models.FloatField(blank=True, null=True)",
        "seen = models.DateTimeField()",
        "ok = models.BooleanField(blank=True, null=True)",
        "raw = models.BinaryField(blank=True, null=True)",
        "ref = models.UUIDField(blank=True, null=True)",
        "extra = models.JSONField(blank=True, null=True)",
        "managed = False",
        "db_table = 'parcel_scan'",
        "unique_together = (('station', 'lane'),)",
    ):
        assert line in text, line
    compile(text, "models.py", "exec")


def test_reserved_words_introspection_and_inspectdb(empty_db):
    execute('CREATE TABLE "order" ("from" VARCHAR[10], "select" INTEGER, PRIMARY KEY ("from"))')
    execute('CREATE INDEX ON "order" ("select")')
    with connection.cursor() as cursor:
        assert connection.introspection.get_primary_key_columns(cursor, "order") == ["from"]
        assert [c["columns"] for c in connection.introspection.get_constraints(cursor, "order").values()] == [
            ["from"],
            ["select"],
        ]
    out = io.StringIO()
    call_command("inspectdb", "order", stdout=out)
    assert "from_field = models.CharField(db_column='from', primary_key=True, max_length=10)" in out.getvalue()
    assert "select = models.IntegerField(blank=True, null=True)" in out.getvalue()


def test_dbshell_arguments():
    settings = {"HOST": "db.example", "PORT": 3323, "USER": "clerk", "PASSWORD": "pw", "NAME": "ledger"}
    assert DatabaseClient.settings_to_cmd_args_env(settings, ["--value-only"]) == (
        [
            "immuclient",
            "--immudb-address=db.example",
            "--immudb-port=3323",
            "--username=clerk",
            "--database=ledger",
            "--value-only",
        ],
        {"IMMUCLIENT_PASSWORD": "pw"},
    )
    defaults = {"HOST": "", "PORT": "", "USER": "", "PASSWORD": "", "NAME": "defaultdb"}
    args, env = DatabaseClient.settings_to_cmd_args_env(defaults, [])
    assert args[1:4] == ["--immudb-address=localhost", "--immudb-port=3322", "--username=immudb"]
    assert env == {"IMMUCLIENT_PASSWORD": "immudb"}


def test_dbshell_without_immuclient_names_it(empty_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CommandError, match="'immuclient' program installed"):
        call_command("dbshell")


def test_dbshell_runs_immuclient_with_the_settings(empty_db, immudb_server, immudb_database, tmp_path, monkeypatch):
    # A stand-in immuclient on PATH records how dbshell runs it.
    record = tmp_path / "record"
    script = tmp_path / "immuclient"
    script.write_text(f'#!/bin/sh\necho "$@" > {record}\necho "$IMMUCLIENT_PASSWORD" >> {record}\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    call_command("dbshell")
    assert record.read_text().splitlines() == [
        f"--immudb-address={immudb_server.host} --immudb-port={immudb_server.port} --username=immudb "
        f"--database={immudb_database}",
        "immudb",
    ]


def test_test_database_is_created_and_dropped_through_the_api(empty_db, immudb_server, immudb_database):
    def names():
        admin = dbapi.connect(host=immudb_server.host, port=immudb_server.port)
        try:
            return {db.name for db in admin._call("DatabaseListV2", schema_pb2.DatabaseListRequestV2()).databases}
        finally:
            admin.close()

    creation = connection.creation
    test_name = creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        assert test_name == f"test_{immudb_database}"
        assert test_name in names()
        assert connection.settings_dict["NAME"] == test_name
        with connection.cursor() as cursor:
            assert "django_migrations" in connection.introspection.table_names(cursor)
    finally:
        creation.destroy_test_db(immudb_database, verbosity=0)
    assert test_name not in names()
    assert connection.settings_dict["NAME"] == immudb_database
