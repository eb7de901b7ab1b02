"""Schema changes on immudb.

immudb indexes have no names (they are known by table and columns), ADD
COLUMN must be nullable, UNIQUE indexes can only be created on an empty
table, and there is no ALTER COLUMN on 1.9. Changes the server cannot make
in place are made by rebuilding the table, as Django's SQLite backend does:
create the new table, copy the rows, drop the old one, rename the new one.
"""

import copy
import re

from django.db import NotSupportedError
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.ddl_references import Statement
from django.db.models import UniqueConstraint

INDEX_NAME = re.compile(r"^(?P<table>[^(]+)\((?P<columns>[^)]*)\)$")
COPY_BATCH = 200


class DatabaseSchemaEditor(BaseDatabaseSchemaEditor):
    sql_create_table = "CREATE TABLE %(table)s (%(definition)s)"
    sql_delete_table = "DROP TABLE %(table)s"
    sql_rename_table = "ALTER TABLE %(old_table)s RENAME TO %(new_table)s"
    sql_create_column = "ALTER TABLE %(table)s ADD COLUMN %(column)s %(definition)s"
    sql_delete_column = "ALTER TABLE %(table)s DROP COLUMN %(column)s"
    sql_rename_column = "ALTER TABLE %(table)s RENAME COLUMN %(old_column)s TO %(new_column)s"
    sql_create_index = "CREATE INDEX ON %(table)s (%(columns)s)"
    sql_create_unique_index = "CREATE UNIQUE INDEX ON %(table)s (%(columns)s)"
    sql_create_fk = None
    sql_create_inline_fk = None
    sql_create_column_inline_fk = None
    sql_create_check = None
    sql_delete_check = None
    sql_update_with_default = "UPDATE %(table)s SET %(column)s = %(default)s WHERE %(column)s IS NULL"

    def quote_value(self, value):
        if value is None:
            return "NULL"
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, (int, float)):
            return repr(value)
        if isinstance(value, str):
            return "'%s'" % value.replace("'", "''")
        raise NotSupportedError(f"Cannot quote {type(value).__name__} value {value!r} for immudb.")

    def prepare_default(self, value):
        return self.quote_value(value)

    # Columns -------------------------------------------------------------
    def _iter_column_sql(self, column_db_type, params, model, field, field_db_params, include_default):
        yield column_db_type
        if not field.null and not field.primary_key:  # a primary key is NOT NULL already
            yield "NOT NULL"
        if field.has_db_default() and self.connection.features.supports_default_in_create:
            default_sql, default_params = self.db_default_sql(field)
            yield f"DEFAULT {default_sql}"
            params.extend(default_params)

    def _column_definition(self, model, field):
        definition, params = self.column_sql(model, field)
        if definition is None:
            return None
        if field.db_type(self.connection) and "[" in definition and self._is_indexed(model, field):
            definition = self._cap_indexed_varchar(definition)
        return f"{self.quote_name(field.column)} {definition}", params

    def _is_indexed(self, model, field):
        if field.primary_key or field.unique or field.db_index:
            return True
        names = {field.name, field.column}
        groups = [index.fields for index in model._meta.indexes]
        groups += [c.fields for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
        groups += [list(t) for t in model._meta.unique_together]
        return any(names & set(group) for group in groups)

    def _cap_indexed_varchar(self, definition):
        limit = self.connection.features.max_indexed_varchar_bytes

        def cap(match):
            return f"VARCHAR[{min(int(match.group(1)), limit)}]"

        return re.sub(r"VARCHAR\[(\d+)\]", cap, definition)

    def table_sql(self, model):
        columns, params = [], []
        for field in model._meta.local_fields:
            column = self._column_definition(model, field)
            if column is None:
                continue
            columns.append(column[0])
            params.extend(column[1])
        pk = model._meta.pk
        columns.append(f"PRIMARY KEY ({self.quote_name(pk.column)})")
        sql = self.sql_create_table % {"table": self.quote_name(model._meta.db_table), "definition": ", ".join(columns)}
        return sql, params

    # Tables --------------------------------------------------------------
    def create_model(self, model):
        sql, params = self.table_sql(model)
        self.execute(sql, params or None)
        # UNIQUE indexes are only allowed on an empty table: create them now.
        for columns in self._unique_column_groups(model):
            self.execute(self._index_sql(model, columns, unique=True))
        for columns in self._plain_index_column_groups(model):
            self.execute(self._index_sql(model, columns, unique=False))
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                self.create_model(field.remote_field.through)

    def _unique_column_groups(self, model):
        meta = model._meta
        groups = [[f.column] for f in meta.local_fields if f.unique and not f.primary_key]
        groups += [[meta.get_field(n).column for n in together] for together in meta.unique_together]
        for constraint in meta.constraints:
            if isinstance(constraint, UniqueConstraint):
                if constraint.condition is not None or constraint.expressions:
                    raise NotSupportedError(
                        f"immudb cannot enforce conditional or expression constraint {constraint.name!r}."
                    )
                groups.append([meta.get_field(n).column for n in constraint.fields])
        return _distinct(groups)

    def _plain_index_column_groups(self, model):
        meta = model._meta
        unique = {tuple(g) for g in self._unique_column_groups(model)}
        groups = [[f.column] for f in meta.local_fields if f.db_index and not f.unique and not f.primary_key]
        for index in meta.indexes:
            groups.append([meta.get_field(n.lstrip("-")).column for n in index.fields])
        return [g for g in _distinct(groups) if tuple(g) not in unique]

    def _index_sql(self, model, columns, unique):
        template = self.sql_create_unique_index if unique else self.sql_create_index
        return template % {
            "table": self.quote_name(model._meta.db_table),
            "columns": ", ".join(self.quote_name(c) for c in columns),
        }

    def delete_model(self, model):
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                self.delete_model(field.remote_field.through)
        self.execute(self.sql_delete_table % {"table": self.quote_name(model._meta.db_table)})

    # Indexes and constraints ---------------------------------------------
    def add_index(self, model, index):
        if index.contains_expressions or index.condition is not None:
            raise NotSupportedError(f"immudb cannot create expression or partial index {index.name!r}.")
        columns = [model._meta.get_field(n.lstrip("-")).column for n in index.fields]
        self.execute(self._index_sql(model, columns, unique=False))

    def remove_index(self, model, index):
        columns = [model._meta.get_field(n.lstrip("-")).column for n in index.fields]
        self._drop_index(model._meta.db_table, columns)

    def add_constraint(self, model, constraint):
        if isinstance(constraint, UniqueConstraint):
            self._remake_table(model, extra_unique=[[model._meta.get_field(n).column for n in constraint.fields]])
        else:
            raise NotSupportedError(f"immudb cannot enforce constraint {constraint.name!r}.")

    def remove_constraint(self, model, constraint):
        if isinstance(constraint, UniqueConstraint):
            self._drop_index(model._meta.db_table, [model._meta.get_field(n).column for n in constraint.fields])

    def alter_unique_together(self, model, old_unique_together, new_unique_together):
        olds = {tuple(fields) for fields in old_unique_together}
        news = {tuple(fields) for fields in new_unique_together}
        for fields in olds - news:
            self._drop_index(model._meta.db_table, [model._meta.get_field(n).column for n in fields])
        added = [[model._meta.get_field(n).column for n in fields] for fields in news - olds]
        if added:
            self._remake_table(model, extra_unique=added)

    def alter_index_together(self, model, old_index_together, new_index_together):
        pass

    def _drop_index(self, table, columns):
        self.execute(
            f"DROP INDEX ON {self.quote_name(table)} ({', '.join(self.quote_name(c) for c in columns)})"
        )

    def _delete_constraint_sql(self, template, model, name):
        match = INDEX_NAME.match(name)
        if not match:
            raise NotSupportedError(f"immudb has no constraint named {name!r}.")
        columns = [c.strip() for c in match["columns"].split(",")]
        return Statement(
            "DROP INDEX ON %(table)s (%(columns)s)",
            table=self.quote_name(match["table"]),
            columns=", ".join(self.quote_name(c) for c in columns),
        )

    def _delete_index_sql(self, model, name, sql=None):
        return self._delete_constraint_sql(None, model, name)

    # Fields --------------------------------------------------------------
    def add_field(self, model, field):
        if field.many_to_many and field.remote_field.through._meta.auto_created:
            return self.create_model(field.remote_field.through)
        default = self.effective_default(field)
        needs_rebuild = (not field.null and (default is not None or self._has_rows(model))) or field.unique
        if needs_rebuild:
            return self._remake_table(model, create_field=field)
        column, params = self._column_definition(model, field)
        definition = column.split(" ", 1)[1].replace(" NOT NULL", "")
        self.execute(
            self.sql_create_column
            % {"table": self.quote_name(model._meta.db_table), "column": self.quote_name(field.column), "definition": definition},
            params or None,
        )
        if field.db_index:
            self.execute(self._index_sql(model, [field.column], unique=False))

    def remove_field(self, model, field):
        if field.many_to_many:
            if field.remote_field.through._meta.auto_created:
                self.delete_model(field.remote_field.through)
            return
        if field.db_parameters(connection=self.connection)["type"] is None:
            return
        # immudb refuses to drop an indexed column: drop its indexes first.
        for name, info in self.connection.introspection.get_constraints(
            self.connection.cursor(), model._meta.db_table
        ).items():
            if field.column in info["columns"] and not info["primary_key"]:
                if len(info["columns"]) > 1:
                    return self._remake_table(model, delete_field=field)
                self.execute(self._delete_constraint_sql(None, model, name))
        self.execute(
            self.sql_delete_column
            % {"table": self.quote_name(model._meta.db_table), "column": self.quote_name(field.column)}
        )

    def alter_field(self, model, old_field, new_field, strict=False):
        if self._only_column_renamed(old_field, new_field):
            return self.execute(
                self.sql_rename_column
                % {
                    "table": self.quote_name(model._meta.db_table),
                    "old_column": self.quote_name(old_field.column),
                    "new_column": self.quote_name(new_field.column),
                }
            )
        if old_field.db_parameters(connection=self.connection) == new_field.db_parameters(
            connection=self.connection
        ) and (old_field.null, old_field.unique, old_field.db_index, old_field.column) == (
            new_field.null,
            new_field.unique,
            new_field.db_index,
            new_field.column,
        ):
            return
        self._remake_table(model, alter_field=(old_field, new_field))

    def _only_column_renamed(self, old_field, new_field):
        old, new = copy.copy(old_field), copy.copy(new_field)
        return (
            old_field.column != new_field.column
            and old_field.db_parameters(connection=self.connection) == new_field.db_parameters(connection=self.connection)
            and (old.null, old.unique, old.db_index, old.primary_key) == (new.null, new.unique, new.db_index, new.primary_key)
        )

    def _has_rows(self, model):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.quote_name(model._meta.db_table)}")
            return cursor.fetchone()[0] > 0

    # Table rebuild -------------------------------------------------------
    def _remake_table(self, model, create_field=None, delete_field=None, alter_field=None, extra_unique=()):
        """Rebuild ``model``'s table with one change, keeping every row.

        A change that would lose data (a NOT NULL column with no default on
        a table with rows, or rows that break a new UNIQUE index) stops
        with an error before the old table is touched.
        """
        from django.apps.registry import Apps
        from django.db import models

        meta = model._meta
        fields = {f.name: copy.deepcopy(f) for f in meta.local_concrete_fields}
        mapping = {f.column: self.quote_name(f.column) for f in meta.local_concrete_fields}
        new_defaults = {}
        if delete_field is not None:
            del fields[delete_field.name]
            mapping.pop(delete_field.column, None)
        if alter_field is not None:
            old_field, new_field = alter_field
            del fields[old_field.name]
            mapping.pop(old_field.column, None)
            fields[new_field.name] = new_field
            mapping[new_field.column] = self.quote_name(old_field.column)
            if old_field.null and not new_field.null:
                new_defaults[new_field.column] = self.effective_default(new_field)
        if create_field is not None:
            fields[create_field.name] = create_field
            default = self.effective_default(create_field)
            if default is None and not create_field.null and self._has_rows(model):
                raise NotSupportedError(
                    f"Adding NOT NULL column {create_field.column!r} to {meta.db_table!r} needs a default: "
                    "the table has rows."
                )
            new_defaults[create_field.column] = default

        new_table = f"{meta.db_table}__new"
        body = {name: field for name, field in fields.items()}
        body["__module__"] = model.__module__
        unique_together = [list(t) for t in meta.unique_together]
        for columns in extra_unique:
            names = [next(f.name for f in fields.values() if f.column == c) for c in columns]
            unique_together.append(names)
        body["Meta"] = type(
            "Meta",
            (),
            {
                "app_label": meta.app_label,
                "db_table": new_table,
                "unique_together": unique_together,
                "indexes": [i.clone() for i in meta.indexes],
                "constraints": [c.clone() for c in meta.constraints],
                "apps": Apps(),
            },
        )
        new_model = type(f"New{model.__name__}", (models.Model,), body)

        rows = self._read_all(meta.db_table, list(mapping.values()))
        self.create_model(new_model)
        try:
            self._copy_rows(new_model, list(mapping.keys()), rows, new_defaults)
        except Exception:
            self.execute(self.sql_delete_table % {"table": self.quote_name(new_table)})
            raise
        self.execute(self.sql_delete_table % {"table": self.quote_name(meta.db_table)})
        self.execute(
            self.sql_rename_table % {"old_table": self.quote_name(new_table), "new_table": self.quote_name(meta.db_table)}
        )

    def _read_all(self, table, select):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(select)} FROM {self.quote_name(table)}")
            return cursor.fetchall()

    def _copy_rows(self, new_model, columns, rows, new_defaults):
        added = [c for c in new_defaults if c not in columns]
        all_columns = columns + added
        table = self.quote_name(new_model._meta.db_table)
        column_sql = ", ".join(self.quote_name(c) for c in all_columns)
        with self.connection.cursor() as cursor:
            for start in range(0, len(rows), COPY_BATCH):
                values, params = [], []
                for row in rows[start : start + COPY_BATCH]:
                    row = list(row) + [new_defaults[c] for c in added]
                    params.extend(
                        new_defaults[c] if v is None and new_defaults.get(c) is not None else v
                        for c, v in zip(all_columns, row)
                    )
                    values.append("(" + ", ".join(["%s"] * len(row)) + ")")
                cursor.execute(f"INSERT INTO {table} ({column_sql}) VALUES {', '.join(values)}", params)


def _distinct(groups):
    seen, result = set(), []
    for group in groups:
        if tuple(group) not in seen:
            seen.add(tuple(group))
            result.append(group)
    return result
