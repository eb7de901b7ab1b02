from django.db.backends.base.features import BaseDatabaseFeatures
from django.utils.functional import cached_property


class DatabaseFeatures(BaseDatabaseFeatures):
    minimum_database_version = (1, 9, 6)

    # immudb keeps every revision; UPDATE and DELETE add new ones.
    has_bulk_insert = True
    supports_foreign_keys = False
    supports_column_check_constraints = False
    supports_table_check_constraints = False
    can_introspect_check_constraints = False
    supports_partial_indexes = False
    supports_functions_in_partial_indexes = False
    supports_expression_indexes = False
    supports_index_column_ordering = False
    supports_covering_indexes = False
    supports_deferrable_unique_constraints = False
    supports_comments = False
    supports_comments_inline = False
    supports_collation_on_charfield = False
    supports_collation_on_textfield = False
    supports_sequence_reset = False
    supports_transactions = True
    can_rollback_ddl = False
    supports_combined_alters = False
    implied_column_null = True
    supports_timezones = False
    has_zoneinfo_database = False
    supports_select_for_update_with_limit = False
    has_select_for_update = False
    supports_paramstyle_pyformat = False
    supports_regex_backreferencing = False
    supports_date_lookup_using_string = False
    supports_mixed_date_datetime_comparisons = False
    supports_json_field_contains = False
    has_native_json_field = False
    has_native_uuid_field = True
    supports_primitives_in_json_field = True
    has_json_object_function = False
    supports_boolean_expr_in_select_clause = True
    supports_over_clause = False
    supports_aggregate_filter_clause = False
    order_by_nulls_first = True
    allows_group_by_select_index = False
    supports_slicing_ordering_in_compound = False
    supports_select_union = False
    supports_select_intersection = False
    supports_select_difference = False
    supports_ignore_conflicts = False
    supports_update_conflicts = False
    supports_update_conflicts_with_target = False
    supports_default_keyword_in_insert = False
    supports_default_keyword_in_bulk_insert = False
    supports_stored_generated_columns = False
    supports_virtual_generated_columns = False
    supports_unspecified_pk = False
    supports_forward_references = False
    truncates_names = False
    max_query_params = 999
    test_db_allows_multiple_connections = True
    supports_temporal_subtraction = False
    can_defer_constraint_checks = False
    supports_tablespaces = False
    supports_index_on_text_field = False
    requires_literal_defaults = False
    connection_persists_old_columns = False
    can_clone_databases = False
    supports_atomic_references_rename = False
    create_test_procedure_without_params_sql = None
    introspected_field_types = {
        **BaseDatabaseFeatures.introspected_field_types,
        "AutoField": "AutoField",
        "BigAutoField": "AutoField",
        "SmallAutoField": "AutoField",
        "BigIntegerField": "IntegerField",
        "SmallIntegerField": "IntegerField",
        "PositiveBigIntegerField": "IntegerField",
        "PositiveIntegerField": "IntegerField",
        "PositiveSmallIntegerField": "IntegerField",
        "DurationField": "IntegerField",
        "DecimalField": "IntegerField",
        "DateField": "CharField",
        "TimeField": "CharField",
        "GenericIPAddressField": "CharField",
    }

    # Capabilities that depend on the server version, read once per connection.
    def forget_server_version(self):
        """Drop version-dependent answers; the next connection may be another server."""
        for name, value in vars(DatabaseFeatures).items():
            if isinstance(value, cached_property):
                self.__dict__.pop(name, None)

    @cached_property
    def is_immudb_1_11(self):
        return self.connection.server_version >= (1, 11, 0)

    @cached_property
    def has_sql_like(self):
        """1.11 has SQL-standard LIKE/ILIKE; 1.9 takes LIKE as an unanchored regex."""
        return self.is_immudb_1_11

    @cached_property
    def can_return_columns_from_insert(self):
        return self.is_immudb_1_11

    @cached_property
    def can_return_rows_from_bulk_insert(self):
        return self.is_immudb_1_11

    # Savepoints are the driver's own, on both versions (see dbapi.py):
    # immudb 1.11's ROLLBACK TO SAVEPOINT undoes nothing, and a failed
    # write ends the whole server transaction.
    uses_savepoints = True
    can_release_savepoints = True

    @cached_property
    def supports_count_expression(self):
        """COUNT(expression) and COUNT(DISTINCT ...); 1.9 has only COUNT(*)."""
        return self.is_immudb_1_11

    @cached_property
    def supports_order_by_nulls_modifier(self):
        return self.is_immudb_1_11

    @cached_property
    def supports_subqueries_in_where(self):
        return self.is_immudb_1_11

    @cached_property
    def supports_default_in_create(self):
        return self.is_immudb_1_11

    @cached_property
    def max_indexed_varchar_bytes(self):
        return 1024 if self.is_immudb_1_11 else 512

    @cached_property
    def allows_auto_pk_0(self):
        return False

    django_test_skips = {}
    django_test_expected_failures = set()
