from django.db.backends.base.features import BaseDatabaseFeatures
from django.utils.functional import cached_property


class DatabaseFeatures(BaseDatabaseFeatures):
    minimum_database_version = (1, 9, 6)

    # immudb keeps every revision; UPDATE and DELETE add new ones.
    has_bulk_insert = True
    # immudb enforces foreign keys on no version (1.11 parses them and
    # ignores them): the backend keeps and checks them (foreign_keys.py).
    # Foreign key columns are indexed (db_index), as Django asks.
    supports_foreign_keys = True
    can_introspect_foreign_keys = True
    # CHECK constraints are made with their table (schema.py, checks.py);
    # no server version lists them back.
    supports_column_check_constraints = True
    supports_table_check_constraints = True
    can_introspect_check_constraints = False
    # Index names live in the backend's catalog (index_names.py): a rename
    # changes only the catalog.
    can_rename_index = True
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
    supports_select_for_update_with_limit = False
    has_select_for_update = False
    supports_regex_backreferencing = False
    supports_date_lookup_using_string = False
    supports_mixed_date_datetime_comparisons = False
    supports_json_field_contains = False
    has_native_json_field = False
    has_native_uuid_field = True
    supports_primitives_in_json_field = True
    has_json_object_function = False
    supports_boolean_expr_in_select_clause = True
    # immudb has no SELECT without FROM once there is a WHERE; VALUES gives one row.
    bare_select_suffix = " FROM (VALUES (1))"
    supports_over_clause = False
    # Django's tests read the current UTC time with this.
    test_now_utc_template = "NOW()"
    supports_aggregate_filter_clause = False
    order_by_nulls_first = True
    allows_group_by_select_index = False
    supports_slicing_ordering_in_compound = False
    # A compound query is always selected from as a table (compiler.py).
    supports_parentheses_in_compound = False
    # Rows repeating a unique value are left out first (conflicts.py).
    supports_ignore_conflicts = True
    # Rows that repeat the unique fields' values are updated, the others
    # inserted (upserts.py): immudb's own ON CONFLICT cannot do it.
    supports_update_conflicts = True
    supports_update_conflicts_with_target = True
    supports_default_keyword_in_insert = False
    supports_default_keyword_in_bulk_insert = False
    # Generated columns are filled by the backend on every write (generated.py).
    supports_stored_generated_columns = True
    supports_virtual_generated_columns = True
    supports_unspecified_pk = False
    supports_forward_references = False
    truncates_names = False
    ignores_table_name_case = True
    max_query_params = 999
    test_db_allows_multiple_connections = True
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

    @cached_property
    def supports_comparing_boolean_expr(self):
        """COALESCE(<condition>, TRUE) in WHERE; 1.9 has no COALESCE of its own."""
        return self.is_immudb_1_11

    @cached_property
    def supports_explaining_query_execution(self):
        """EXPLAIN, new in 1.11, describes a query's plan as rows of text."""
        return self.is_immudb_1_11

    @cached_property
    def updates_indexed_columns_by_upsert(self):
        """An UPDATE of an indexed column goes as INSERT ... ON CONFLICT DO UPDATE (1.11, index_updates.py)."""
        return self.is_immudb_1_11

    @cached_property
    def can_return_rows_from_update_and_delete(self):
        """UPDATE/DELETE ... RETURNING, new in 1.11."""
        return self.is_immudb_1_11

    # Savepoints are the driver's own, on both versions (see dbapi.py):
    # immudb 1.11's ROLLBACK TO SAVEPOINT undoes nothing, and a failed
    # write ends the whole server transaction.
    uses_savepoints = True
    can_release_savepoints = True

    @cached_property
    def has_zoneinfo_database(self):
        """1.11 converts datetimes to a time zone with offsets the backend takes from zoneinfo."""
        return self.is_immudb_1_11

    @cached_property
    def supports_temporal_subtraction(self):
        """Only 1.11 can read a TIMESTAMP's seconds (DATE_PART) and guard NULLs (CASE)."""
        return self.is_immudb_1_11

    @cached_property
    def supports_count_expression(self):
        """COUNT(expression) and COUNT(DISTINCT ...); 1.9 has only COUNT(*)."""
        return self.is_immudb_1_11

    @cached_property
    def has_coalesce(self):
        return self.is_immudb_1_11

    @cached_property
    def has_square_root(self):
        """SQRT, for standard deviations, arrives in immudb 1.11."""
        return self.is_immudb_1_11

    @cached_property
    def supports_order_by_nulls_modifier(self):
        return self.is_immudb_1_11

    @cached_property
    def supports_subqueries_in_where(self):
        return self.is_immudb_1_11

    @cached_property
    def supports_select_union(self):
        """UNION, INTERSECT and EXCEPT arrive in immudb 1.11."""
        return self.is_immudb_1_11

    @cached_property
    def supports_select_intersection(self):
        return self.is_immudb_1_11

    @cached_property
    def supports_select_difference(self):
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

    # Django's own test suite (tests/conformance): tests known to fail on
    # immudb, by reason, from real runs. The lists are at the end of this file.
    @cached_property
    def django_test_expected_failures(self):
        by_version = FAILURES_IMMUDB_1_11 if self.is_immudb_1_11 else FAILURES_IMMUDB_1_9
        return set().union(*FAILURES_BOTH.values(), *by_version.values())

    @cached_property
    def django_test_skips(self):
        by_version = SKIPS_IMMUDB_1_11 if self.is_immudb_1_11 else SKIPS_IMMUDB_1_9
        skips = {reason: set(tests) for reason, tests in SKIPS_BOTH.items()}
        for reason, tests in by_version.items():
            skips.setdefault(reason, set()).update(tests)
        return skips


# Django's tests that fail on immudb, by reason: on both versions, then on
# one version only. Found by tests/conformance/run.py (Django 5.2); each
# entry failed in a real run, and an entry that starts to pass shows up as
# an unexpected success there. Classes whose setUpClass fails are skipped.
FAILURES_BOTH = {
    'Results differ from other databases on immudb (ordering, NULL handling, transaction snapshot).': {
        'aggregation.tests.AggregateTestCase.test_distinct_on_aggregate',
        'aggregation.tests.AggregateTestCase.test_expression_on_aggregation',
        'aggregation.tests.AggregateTestCase.test_group_by_exists_annotation',
        'aggregation.tests.AggregateTestCase.test_group_by_subquery_annotation',
        'backends.base.test_base.ExecuteWrapperTests.test_wrapper_debug',
        'bulk_create.tests.BulkCreateTests.test_explicit_batch_size',
        'bulk_create.tests.BulkCreateTests.test_explicit_batch_size_efficiency',
        'expressions.tests.FTimeDeltaTests.test_durationfield_multiply_divide',
        'introspection.tests.IntrospectionTests.test_get_relations',
        'introspection.tests.IntrospectionTests.test_table_names_with_views',
        'schema.tests.SchemaTests.test_add_field_both_defaults_preserves_db_default',
        'schema.tests.SchemaTests.test_add_text_field_with_db_default',
        'schema.tests.SchemaTests.test_autofield_to_o2o',
        'schema.tests.SchemaTests.test_rename_column_renames_deferred_sql_references',
        'schema.tests.SchemaTests.test_rename_keep_db_default',
        'schema.tests.SchemaTests.test_rename_table_renames_deferred_sql_references',
        'schema.tests.SchemaTests.test_unique',
        'schema.tests.SchemaTests.test_unique_and_reverse_m2m',
    },
    'immudb cannot change a row written earlier in the same transaction.': {
        'many_to_one.tests.ManyToOneTests.test_assign_fk_id_none',
        'many_to_one.tests.ManyToOneTests.test_assign_fk_id_value',
        'model_fields.test_filefield.FileFieldTests.test_delete_content_file',
        'model_fields.test_filefield.FileFieldTests.test_pickle',
        'one_to_one.tests.OneToOneTests.test_assign_none_reverse_relation',
        'one_to_one.tests.OneToOneTests.test_assign_o2o_id_none',
        'one_to_one.tests.OneToOneTests.test_assign_o2o_id_value',
        'one_to_one.tests.OneToOneTests.test_cached_relation_invalidated_on_save',
        'one_to_one.tests.OneToOneTests.test_nullable_o2o_delete',
        'one_to_one.tests.OneToOneTests.test_reverse_object_cached_when_related_is_unset',
        'one_to_one.tests.OneToOneTests.test_reverse_relationship_cache_cascade',
        'queries.test_bulk_update.BulkUpdateTests.test_database_routing_batch_atomicity',
    },
    'immudb applies its JSON operator -> to a table column only, not to a value, raw SQL or a subquery.': {
        'model_fields.test_jsonfield.TestQuerying.test_has_key_literal_lookup',
        'model_fields.test_jsonfield.TestQuerying.test_key_transform_raw_expression',
        'model_fields.test_jsonfield.TestQuerying.test_literal_annotation_filtering',
        'model_fields.test_jsonfield.TestQuerying.test_nested_key_transform_on_subquery',
        'model_fields.test_jsonfield.TestQuerying.test_nested_key_transform_raw_expression',
        'model_fields.test_jsonfield.TestQuerying.test_obj_subquery_lookup',
    },
    'immudb reads JSON keys as SQL string literals, not JSON paths; the test looks for JSON-path quoting.': {
        'model_fields.test_jsonfield.TestQuerying.test_key_sql_injection_escape',
    },
    "immudb reads a JSON null under a key longer than its depth + 1 (e.g. a top-level 'key') as a missing key.": {
        'expressions.tests.BasicExpressionsTests.test_update_jsonfield_case_when_key_is_null',
    },
    "immudb's SQL grammar lacks a construct Django uses here.": {
        'aggregation.tests.AggregateTestCase.test_add_implementation',
        'aggregation.tests.AggregateTestCase.test_aggregation_exists_multivalued_outeref',
        'aggregation.tests.AggregateTestCase.test_aggregation_nested_subquery_outerref',
        'aggregation.tests.AggregateTestCase.test_coalesced_empty_result_set',
        'aggregation.tests.AggregateTestCase.test_combine_different_types',
        'aggregation.tests.AggregateTestCase.test_having_with_no_group_by',
    },
    "immudb's limited schema changes (no ALTER COLUMN, UNIQUE/PK rules, logical DROP).": {
        'introspection.tests.IntrospectionTests.test_django_table_names',
        'migrations.test_operations.OperationTests.test_alter_field_pk_fk',
        'migrations.test_operations.OperationTests.test_alter_field_reloads_state_on_fk_with_to_field_target_type_change',
        'migrations.test_operations.OperationTests.test_alter_id_pk_to_uuid_pk',
        'migrations.test_operations.OperationTests.test_alter_index_together_remove_with_unique_together',
        'migrations.test_operations.OperationTests.test_run_sql',
        'migrations.test_operations.OperationTests.test_run_sql_params',
        'migrations.test_operations.OperationTests.test_separate_database_and_state',
        'schema.tests.SchemaTests.test_alter_int_pk_to_int_unique',
        'schema.tests.SchemaTests.test_alter_not_unique_field_to_primary_key',
        'schema.tests.SchemaTests.test_primary_key',
        'schema.tests.SchemaTests.test_unique_no_unnecessary_fk_drops',
    },
    "immudb 1.9 has no subqueries outside FROM; 1.11's are limited.": {
        'queries.tests.ExcludeTests.test_exclude_subquery',
        'queries.tests.ExcludeTests.test_subquery_exclude_outerref',
    },
    'immudb accepts CASE only in some positions (not inside aggregates or WHERE).': {
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_aggregate_on_exists',
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_aggregate_ref_multiple_subquery_annotation',
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_aggregrate_ref_in_subquery_annotation',
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_reused_subquery',
        'expressions.tests.BasicExpressionsTests.test_aggregate_subquery_annotation',
    },
    'immudb cannot evaluate an expression Django builds here (types, aliases or subquery columns).': {
        'aggregation.tests.AggregateAnnotationPruningTests.test_referenced_aggregate_annotation_kept',
        'aggregation.tests.AggregateAnnotationPruningTests.test_referenced_composed_subquery_requires_wrapping',
        'aggregation.tests.AggregateAnnotationPruningTests.test_referenced_subquery_requires_wrapping',
        'aggregation.tests.AggregateTestCase.test_aggregation_subquery_annotation',
    },
    'The backend sends other queries than Django counts (row counts inside transactions, no RETURNING on 1.9).': {
        'delete.tests.FastDeleteTests.test_fast_delete_aggregation',
    },
    'Dates and times are stored as text or UTC timestamps; results differ.': {
        'schema.tests.SchemaTests.test_add_datefield_and_datetimefield_use_effective_default',
        'timezones.tests.ForcedTimeZoneDatabaseTests.test_read_datetime',
        'timezones.tests.ForcedTimeZoneDatabaseTests.test_write_datetime',
    },
    "immudb's value ranges differ (64-bit decimals, VARCHAR byte limits).": {
        'annotations.tests.NonAggregateAnnotationTestCase.test_decimal_annotation',
        'model_fields.test_decimalfield.DecimalFieldTests.test_fetch_from_db_without_float_rounding',
        'model_fields.test_decimalfield.DecimalFieldTests.test_save_without_float_conversion',
        'model_fields.test_slugfield.SlugFieldTests.test_slugfield_unicode_max_length',
    },
    'immudb hands out AUTO_INCREMENT keys in increasing order; a smaller explicit key is refused.': {
        'backends.base.test_creation.TestDeserializeDbFromString.test_circular_reference_with_natural_key',
        'backends.base.test_creation.TestDeserializeDbFromString.test_self_reference',
        'backends.tests.MySQLPKZeroTests.test_zero_as_autoval',
        'basic.tests.ConcurrentSaveTests.test_concurrent_delete_with_save',
        'bulk_create.tests.BulkCreateTests.test_zero_as_autoval',
    },
    'immudb limits the number of entries in one transaction.': {
        'delete.tests.DeletionTests.test_large_delete',
        'delete.tests.DeletionTests.test_large_delete_related',
        'delete.tests.FastDeleteTests.test_fast_delete_large_batch',
        'lookup.tests.LookupTests.test_in_bulk_lots_of_ids',
        'queries.test_bulk_update.BulkUpdateTests.test_large_batch',
    },
    'immudb lacks an SQL function Django uses here (LTRIM, ABS, RANDOM; COALESCE by name on 1.9).': {
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_decimal_from_database',
        'queries.tests.Queries1Tests.test_filter_by_related_field_nested_transforms',
    },
    'Decimals are stored as scaled integers; arithmetic mixing them with other numbers is not rescaled.': {
        'aggregation.tests.AggregateTestCase.test_aggregation_default_passed_another_aggregate',
        'annotations.tests.NonAggregateAnnotationTestCase.test_filter_decimal_annotation',
    },
    'Introspection sees the stored types: dates and times as text, decimals as integers.': {
        'inspectdb.tests.InspectDBTestCase.test_field_types',
        'inspectdb.tests.InspectDBTestCase.test_number_field_types',
    },
    'immudb compares NULL as lower than every value (a NULL column is < 2), where SQL finds no match.': {
        'expressions.tests.IterableLookupInnerExpressionsTests.test_expressions_range_lookups_join_choice',
    },
    'In a transaction, DISTINCT reads go through the primary key (USE INDEX ON), as immudb misses rows read through other indexes there; the test looks for SQL without the key.': {
        'queries.tests.ExistsSql.test_distinct_exists',
    },
    'immudb cannot cast a BOOLEAN to INTEGER.': {
        'annotations.tests.NonAggregateAnnotationTestCase.test_aggregate_over_full_expression_annotation',
        'lookup.tests.LookupQueryingTests.test_aggregate_combined_lookup',
    },
    'immudb groups only by table columns, not by an expression or subquery.': {
        'annotations.tests.NonAggregateAnnotationTestCase.test_annotation_exists_aggregate_values_chaining',
        'annotations.tests.NonAggregateAnnotationTestCase.test_annotation_subquery_and_aggregate_values_chaining',
        'annotations.tests.NonAggregateAnnotationTestCase.test_combined_f_expression_annotation_with_aggregation',
        'queries.tests.ValuesQuerysetTests.test_named_values_list_with_fields',
        'queries.tests.ValuesQuerysetTests.test_named_values_list_without_fields',
    },
    'immudb 1.11 correlates a subquery with the outer row only through plain column comparisons in IN or EXISTS (not in a scalar subquery, a function or LIKE); 1.9 has no such subqueries.': {
        'annotations.tests.NonAggregateAnnotationTestCase.test_annotation_filter_with_subquery',
        'expressions.tests.BasicExpressionsTests.test_annotation_with_outerref',
        'expressions.tests.BasicExpressionsTests.test_nested_subquery_join_outer_ref',
        'expressions.tests.BasicExpressionsTests.test_nested_subquery_outer_ref_2',
        'expressions.tests.BasicExpressionsTests.test_nested_subquery_outer_ref_with_autofield',
        'expressions.tests.BasicExpressionsTests.test_slicing_of_outerref',
    },
    'immudb cannot compare a date (stored as text) with a datetime.': {
        'queries.tests.Queries1Tests.test_filter_by_related_field_transform',
    },
    'immudb keeps a check as text it reads back, where a column named like an SQL keyword (read) is that keyword.': {
        'migrations.test_operations.OperationTests.test_add_constraint_combinable',
    },
    'immudb tables need a primary key, so a table cannot lose its only one.': {
        'schema.tests.SchemaTests.test_add_auto_field',
    },
    'immudb has one index per group of columns: a unique one there serves a plain index too, which is then unique.': {
        'migrations.test_operations.OperationTests.test_rename_index_unnamed_index_with_unique_index',
    },
    "immudb's UNIQUE indexes treat NULLs as equal.": {
        'lookup.tests.LookupTests.test_escaping',
        'lookup.tests.LookupTests.test_exclude',
        'lookup.tests.LookupTests.test_regex',
        'one_to_one.tests.OneToOneTests.test_get_reverse_on_unsaved_object',
    },
    'immudb has no views for introspection to find.': {
        'inspectdb.tests.InspectDBTransactionalTests.test_include_views',
    },
    "The backend checks foreign keys with extra queries (one per referenced table per write; its catalog at a connection's first write), which the test counts.": {
        'basic.tests.ModelInstanceCreationTests.test_save_parent_primary_with_default',
    },
}

SKIPS_BOTH = {
    'immudb hands out AUTO_INCREMENT keys in increasing order; a smaller explicit key is refused. (inherited test)': {
        'model_fields.test_autofield.AutoFieldTests.test_backend_range_min_value_lookups',
        'model_fields.test_autofield.AutoFieldTests.test_backend_range_save',
        'model_fields.test_autofield.AutoFieldTests.test_documented_range',
        'model_fields.test_autofield.BigAutoFieldTests.test_backend_range_min_value_lookups',
        'model_fields.test_autofield.BigAutoFieldTests.test_backend_range_save',
        'model_fields.test_autofield.BigAutoFieldTests.test_documented_range',
        'model_fields.test_autofield.SmallAutoFieldTests.test_backend_range_min_value_lookups',
        'model_fields.test_autofield.SmallAutoFieldTests.test_backend_range_save',
        'model_fields.test_autofield.SmallAutoFieldTests.test_documented_range',
    },
    'immudb cannot change a row written earlier in the same transaction. (fails leaving a delete signal receiver connected)': {
        'delete.tests.DeletionTests.test_cannot_defer_constraint_checks',
        'delete.tests.DeletionTests.test_instance_update',
        'delete.tests.OnDeleteTests.test_do_nothing',
    },
}

FAILURES_IMMUDB_1_9 = {
    'immudb cannot change a row written earlier in the same transaction.': {
        'aggregation.tests.AggregateTestCase.test_decimal_max_digits_has_no_effect',
        'annotations.tests.AliasTests.test_update_with_alias',
        'annotations.tests.NonAggregateAnnotationTestCase.test_update_with_annotation',
        'backends.tests.FkConstraintsTests.test_check_constraints',
        'backends.tests.FkConstraintsTests.test_check_constraints_sql_keywords',
        'backends.tests.FkConstraintsTests.test_disable_constraint_checks_context_manager',
        'backends.tests.FkConstraintsTests.test_disable_constraint_checks_manually',
        'basic.tests.ModelInstanceCreationTests.test_save_positional_arguments',
        'basic.tests.ModelInstanceCreationTests.test_saving_an_object_again_does_not_create_a_new_object',
        'basic.tests.ModelLookupTest.test_all_lookup',
        'basic.tests.ModelRefreshTests.test_prefetched_cache_cleared',
        'basic.tests.ModelRefreshTests.test_refresh_clears_one_to_one_field',
        'basic.tests.ModelRefreshTests.test_refresh_fk',
        'basic.tests.ModelRefreshTests.test_refresh_fk_on_delete_set_null',
        'basic.tests.ModelRefreshTests.test_refresh_overwrites_queryset_fields',
        'basic.tests.ModelTest.test_queryset_delete_removes_all_items_in_that_queryset',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_two_fields_unique_fields_first',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_two_fields_unique_fields_second',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_unique_fields',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_unique_fields_pk',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_unique_fields_update_fields_db_column',
        'bulk_create.tests.BulkCreateTests.test_update_conflicts_unique_two_fields_unique_fields_both',
        'delete.tests.DeletionTests.test_delete_with_keeping_parents_relationships',
        'delete.tests.DeletionTests.test_deletion_order',
        'delete.tests.DeletionTests.test_hidden_related',
        'delete.tests.DeletionTests.test_m2m',
        'delete.tests.DeletionTests.test_model_delete_returns_num_rows',
        'delete.tests.DeletionTests.test_queryset_delete_returns_num_rows',
        'delete.tests.DeletionTests.test_relational_post_delete_signals_happen_before_parent_object',
        'delete.tests.FastDeleteTests.test_fast_delete_fk',
        'delete.tests.OnDeleteTests.test_auto',
        'delete.tests.OnDeleteTests.test_auto_nullable',
        'delete.tests.OnDeleteTests.test_cascade',
        'delete.tests.OnDeleteTests.test_cascade_from_child',
        'delete.tests.OnDeleteTests.test_cascade_from_parent',
        'delete.tests.OnDeleteTests.test_cascade_nullable',
        'delete.tests.OnDeleteTests.test_inheritance_cascade_down',
        'delete.tests.OnDeleteTests.test_inheritance_cascade_up',
        'delete.tests.OnDeleteTests.test_o2o_setnull',
        'delete.tests.OnDeleteTests.test_protect_path',
        'delete.tests.OnDeleteTests.test_restrict_path_cascade_direct',
        'delete.tests.OnDeleteTests.test_restrict_path_cascade_indirect',
        'delete.tests.OnDeleteTests.test_setdefault',
        'delete.tests.OnDeleteTests.test_setdefault_none',
        'delete.tests.OnDeleteTests.test_setnull',
        'delete.tests.OnDeleteTests.test_setnull_from_child',
        'delete.tests.OnDeleteTests.test_setnull_from_parent',
        'delete.tests.OnDeleteTests.test_setvalue',
        'expressions.tests.BasicExpressionsTests.test_annotation_with_deeply_nested_outerref',
        'expressions.tests.BasicExpressionsTests.test_annotation_with_nested_outerref',
        'expressions.tests.BasicExpressionsTests.test_annotations_within_subquery',
        'expressions.tests.BasicExpressionsTests.test_arithmetic',
        'expressions.tests.BasicExpressionsTests.test_boolean_expression_combined',
        'expressions.tests.BasicExpressionsTests.test_boolean_expression_combined_with_empty_Q',
        'expressions.tests.BasicExpressionsTests.test_boolean_expression_in_Q',
        'expressions.tests.BasicExpressionsTests.test_filter_with_join',
        'expressions.tests.BasicExpressionsTests.test_nested_outerref_with_function',
        'expressions.tests.BasicExpressionsTests.test_object_update',
        'expressions.tests.BasicExpressionsTests.test_object_update_fk',
        'expressions.tests.BasicExpressionsTests.test_order_of_operations',
        'expressions.tests.BasicExpressionsTests.test_parenthesis_priority',
        'expressions.tests.BasicExpressionsTests.test_slicing_of_f_expressions_textfield',
        'expressions.tests.BasicExpressionsTests.test_subquery',
        'expressions.tests.BasicExpressionsTests.test_subquery_filter_by_lazy',
        'expressions.tests.BasicExpressionsTests.test_update',
        'expressions.tests.BasicExpressionsTests.test_update_with_fk',
        'expressions.tests.BasicExpressionsTests.test_update_with_none',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_addition',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_and',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_left_shift_operator',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_or',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_right_shift_operator',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_xor',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_xor_null',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_bitwise_xor_right_null',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_division',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_modulo',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_multiplication',
        'expressions.tests.ExpressionOperatorTests.test_lefthand_subtraction',
        'expressions.tests.ExpressionOperatorTests.test_right_hand_addition',
        'expressions.tests.ExpressionOperatorTests.test_right_hand_division',
        'expressions.tests.ExpressionOperatorTests.test_right_hand_modulo',
        'expressions.tests.ExpressionOperatorTests.test_right_hand_multiplication',
        'expressions.tests.ExpressionOperatorTests.test_right_hand_subtraction',
        'get_or_create.tests.UpdateOrCreateTests.test_create_defaults_exact',
        'get_or_create.tests.UpdateOrCreateTests.test_create_twice',
        'get_or_create.tests.UpdateOrCreateTests.test_defaults_exact',
        'get_or_create.tests.UpdateOrCreateTests.test_mti_update_non_local_concrete_fields',
        'get_or_create.tests.UpdateOrCreateTests.test_update',
        'get_or_create.tests.UpdateOrCreateTests.test_update_callable_default',
        'get_or_create.tests.UpdateOrCreateTests.test_update_with_many',
        'lookup.tests.LookupTests.test_exists',
        'many_to_one.tests.ManyToOneTests.test_add',
        'many_to_one.tests.ManyToOneTests.test_add_after_prefetch',
        'many_to_one.tests.ManyToOneTests.test_add_then_remove_after_prefetch',
        'many_to_one.tests.ManyToOneTests.test_assign',
        'many_to_one.tests.ManyToOneTests.test_cached_relation_invalidated_on_save',
        'many_to_one.tests.ManyToOneTests.test_clear_after_prefetch',
        'many_to_one.tests.ManyToOneTests.test_delete',
        'many_to_one.tests.ManyToOneTests.test_remove_after_prefetch',
        'many_to_one.tests.ManyToOneTests.test_set',
        'many_to_one.tests.ManyToOneTests.test_set_after_prefetch',
        'migrations.test_loader.RecorderTests.test_apply',
        'migrations.test_operations.OperationTests.test_add_field_m2m',
        'migrations.test_operations.OperationTests.test_create_model_m2m',
        'model_fields.test_binaryfield.BinaryFieldTests.test_set_and_retrieve',
        'model_fields.test_generatedfield.StoredGeneratedFieldTests.test_bulk_update',
        'model_fields.test_generatedfield.StoredGeneratedFieldTests.test_save',
        'model_fields.test_generatedfield.StoredGeneratedFieldTests.test_update',
        'model_fields.test_generatedfield.VirtualGeneratedFieldTests.test_bulk_update',
        'model_fields.test_generatedfield.VirtualGeneratedFieldTests.test_save',
        'model_fields.test_generatedfield.VirtualGeneratedFieldTests.test_update',
        'model_fields.test_imagefield.ImageFieldDimensionsFirstTests.test_field_save_and_delete_methods',
        'model_fields.test_imagefield.ImageFieldNoDimensionsTests.test_field_save_and_delete_methods',
        'model_fields.test_imagefield.ImageFieldOneDimensionTests.test_field_save_and_delete_methods',
        'model_fields.test_imagefield.ImageFieldTests.test_delete_when_missing',
        'model_fields.test_imagefield.ImageFieldTwoDimensionsTests.test_field_save_and_delete_methods',
        'model_fields.test_imagefield.ImageFieldUsingFileTests.test_field_save_and_delete_methods',
        'model_fields.test_imagefield.NoReadTests.test_width_height_correct_name_mangling_correct',
        'model_fields.test_imagefield.TwoImageFieldTests.test_dimensions',
        'model_fields.test_imagefield.TwoImageFieldTests.test_field_save_and_delete_methods',
        'model_fields.test_jsonfield.TestSaveLoad.test_bulk_update_custom_get_prep_value',
        'model_fields.test_uuid.TestAsPrimaryKey.test_update_with_related_model_id',
        'model_fields.test_uuid.TestAsPrimaryKey.test_update_with_related_model_instance',
        'one_to_one.tests.OneToOneTests.test_foreign_key',
        'one_to_one.tests.OneToOneTests.test_update_one_to_one_pk',
        'ordering.tests.OrderingTests.test_alias_with_period_shadows_table_name',
        'ordering.tests.OrderingTests.test_default_ordering_by_f_expression',
        'ordering.tests.OrderingTests.test_default_ordering_does_not_affect_group_by',
        'ordering.tests.OrderingTests.test_order_by_fk_attname',
        'ordering.tests.OrderingTests.test_order_by_nulls_first',
        'ordering.tests.OrderingTests.test_order_by_nulls_last',
        'ordering.tests.OrderingTests.test_order_by_self_referential_fk',
        'ordering.tests.OrderingTests.test_orders_nulls_first_on_filtered_subquery',
        'ordering.tests.OrderingTests.test_related_ordering_duplicate_table_reference',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_foreign_keys_do_not_lookup',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_set_field_to_null',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_set_mixed_fields_to_null',
        'queries.test_bulk_update.BulkUpdateTests.test_booleanfield',
        'queries.test_bulk_update.BulkUpdateTests.test_custom_db_columns',
        'queries.test_bulk_update.BulkUpdateTests.test_custom_pk',
        'queries.test_bulk_update.BulkUpdateTests.test_datetime_field',
        'queries.test_bulk_update.BulkUpdateTests.test_f_expression',
        'queries.test_bulk_update.BulkUpdateTests.test_falsey_pk_value',
        'queries.test_bulk_update.BulkUpdateTests.test_field_references',
        'queries.test_bulk_update.BulkUpdateTests.test_inherited_fields',
        'queries.test_bulk_update.BulkUpdateTests.test_ipaddressfield',
        'queries.test_bulk_update.BulkUpdateTests.test_json_field',
        'queries.test_bulk_update.BulkUpdateTests.test_json_field_sql_null',
        'queries.test_bulk_update.BulkUpdateTests.test_nullable_fk_after_related_save',
        'queries.test_bulk_update.BulkUpdateTests.test_unspecified_unsaved_parent',
        'queries.test_bulk_update.BulkUpdateTests.test_updated_rows_when_passing_duplicates',
        'queries.tests.Queries1Tests.test_tickets_1878_2939',
        'queries.tests.RelabelCloneTest.test_ticket_19964',
        'queries.tests.RelatedLookupTypeTests.test_values_queryset_lookup',
        'queries.tests.SubclassFKTests.test_ticket7778',
        'queries.tests.SubqueryTests.test_sliced_delete',
        'queries.tests.ValuesSubqueryTests.test_values_in_subquery',
        'update.tests.AdvancedTests.test_update',
        'update.tests.AdvancedTests.test_update_annotated_multi_table_queryset',
        'update.tests.AdvancedTests.test_update_annotated_queryset',
        'update.tests.AdvancedTests.test_update_fk',
        'update.tests.AdvancedTests.test_update_multiple_fields',
        'update.tests.AdvancedTests.test_update_multiple_objects',
        'update.tests.AdvancedTests.test_update_negated_f',
        'update.tests.AdvancedTests.test_update_negated_f_conditional_annotation',
        'update.tests.AdvancedTests.test_update_respects_to_field',
        'update.tests.AdvancedTests.test_update_values_annotation',
        'update.tests.SimpleTest.test_foreign_key_update_with_id',
        'update.tests.SimpleTest.test_nonempty_update',
        'update.tests.SimpleTest.test_nonempty_update_with_inheritance',
    },
    'immudb 1.9 has only COUNT(*), no COUNT(expression) or COUNT(DISTINCT).': {
        'aggregation.tests.AggregateTestCase.test_aggregation_random_ordering',
        'aggregation.tests.AggregateTestCase.test_annotation',
    },
    "immudb's SQL grammar lacks a construct Django uses here.": {
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_aggregate_ref_subquery_annotation',
        'aggregation.tests.AggregateTestCase.test_aggregate_transform',
        'aggregation.tests.AggregateTestCase.test_aggregation_subquery_annotation_multivalued',
        'aggregation.tests.AggregateTestCase.test_aggregation_subquery_annotation_related_field',
        'aggregation.tests.AggregateTestCase.test_aggregation_subquery_annotation_values_collision',
        'update.tests.AdvancedTests.test_update_transformed_field',
    },
    'Results differ from other databases on immudb (ordering, NULL handling, transaction snapshot).': {
        'aggregation.tests.AggregateTestCase.test_grouped_annotation_in_group_by',
        'aggregation.tests.AggregateTestCase.test_non_grouped_annotation_not_in_group_by',
        'aggregation.tests.AggregateTestCase.test_order_by_aggregate_transform',
        'backends.base.test_base.DatabaseWrapperLoggingTests.test_commit_debug_log',
        'basic.tests.ModelRefreshTests.test_refresh',
        'basic.tests.ModelTest.test_create_relation_with_gettext_lazy',
        'delete.tests.FastDeleteTests.test_fast_delete_all',
        'delete.tests.FastDeleteTests.test_fast_delete_instance_set_pk_none',
        'delete.tests.OnDeleteTests.test_do_nothing_qscount',
        'delete.tests.OnDeleteTests.test_restrict_gfk_no_fast_delete',
        'delete.tests.OnDeleteTests.test_restrict_path_cascade_indirect_diamond',
        'expressions.tests.ValueTests.test_update_TimeField_using_Value',
        'expressions.tests.ValueTests.test_update_UUIDField_using_Value',
        'model_fields.test_genericipaddressfield.GenericIPAddressFieldTests.test_blank_string_saved_as_null',
        'model_fields.test_jsonfield.TestSaveLoad.test_json_null_different_from_sql_null',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_functions',
        'queries.tests.Queries4Tests.test_ticket7095',
        'queries.tests.Queries5Tests.test_ticket9848',
        'update.tests.AdvancedTests.test_update_all',
    },
    "immudb 1.9 has no subqueries outside FROM; 1.11's are limited.": {
        'expressions.tests.BasicExpressionsTests.test_subquery_references_joined_table_twice',
        'expressions.tests.IterableLookupInnerExpressionsTests.test_relabeled_clone_rhs',
        'queries.tests.ExcludeTests.test_exclude_multivalued_exists',
        'queries.tests.Queries1Tests.test_subquery_condition',
        'queries.tests.Queries6Tests.test_nested_queries_sql',
    },
    'immudb cannot evaluate an expression Django builds here (types, aliases or subquery columns).': {
        'aggregation.tests.AggregateTestCase.test_aggregation_subquery_annotation_values',
    },
    'immudb 1.9 matches patterns against text columns only.': {
        'lookup.tests.LookupTests.test_lookup_int_as_str',
        'lookup.tests.LookupTests.test_regex_non_string',
    },
    "immudb's value ranges differ (64-bit decimals, VARCHAR byte limits).": {
        'migrations.test_executor.ExecutorTests.test_atomic_operation_in_non_atomic_migration',
        'migrations.test_executor.ExecutorTests.test_non_atomic_migration',
    },
    'immudb 1.9 cannot take a TIMESTAMP apart or compute with dates and times (no EXTRACT, DATE_TRUNC, TO_CHAR or CASE).': {
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_date_from_database',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_datetime_from_database',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_duration_from_database',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_time_from_database',
        'aggregation.tests.AggregateTestCase.test_group_by_transform_column',
        'annotations.tests.AliasTests.test_datetimes_alias',
        'annotations.tests.NonAggregateAnnotationTestCase.test_annotation_subquery_outerref_transform',
        'annotations.tests.NonAggregateAnnotationTestCase.test_joined_transformed_annotation',
        'annotations.tests.NonAggregateAnnotationTestCase.test_mixed_type_annotation_date_interval',
        'backends.tests.DateQuotingTest.test_django_date_extract',
        'backends.tests.DateQuotingTest.test_django_date_trunc',
        'basic.tests.ModelLookupTest.test_does_not_exist',
        'basic.tests.ModelLookupTest.test_equal_lookup',
        'basic.tests.ModelLookupTest.test_rich_lookup',
        'basic.tests.ModelLookupTest.test_too_many',
        'expressions.tests.FTimeDeltaTests.test_date_comparison',
        'expressions.tests.FTimeDeltaTests.test_date_minus_duration',
        'expressions.tests.FTimeDeltaTests.test_datetime_and_duration_field_addition_with_annotate_and_no_output_field',
        'expressions.tests.FTimeDeltaTests.test_datetime_and_durationfield_addition_with_filter',
        'expressions.tests.FTimeDeltaTests.test_delta_add',
        'expressions.tests.FTimeDeltaTests.test_delta_subtract',
        'expressions.tests.FTimeDeltaTests.test_delta_update',
        'expressions.tests.FTimeDeltaTests.test_duration_with_datetime',
        'expressions.tests.FTimeDeltaTests.test_duration_with_datetime_microseconds',
        'expressions.tests.FTimeDeltaTests.test_durationfield_add',
        'expressions.tests.FTimeDeltaTests.test_exclude',
        'expressions.tests.FTimeDeltaTests.test_mixed_comparisons1',
        'expressions.tests.FTimeDeltaTests.test_mixed_comparisons2',
        'expressions.tests.FTimeDeltaTests.test_multiple_query_compilation',
        'expressions.tests.FTimeDeltaTests.test_negative_timedelta_update',
        'expressions.tests.FTimeDeltaTests.test_query_clone',
        'expressions.tests.FieldTransformTests.test_multiple_transforms_in_values',
        'expressions.tests.IterableLookupInnerExpressionsTests.test_range_lookup_allows_F_expressions_and_expressions_for_dates',
        'lookup.tests.LookupTests.test_chain_date_time_lookups',
        'model_fields.test_datetimefield.DateTimeFieldTests.test_lookup_date_without_use_tz',
        'queries.tests.Queries1Tests.test_order_by_related_field_transform',
        'queries.tests.Queries1Tests.test_ticket7155',
        'queries.tests.Queries1Tests.test_ticket7791',
        'queries.tests.Queries1Tests.test_tickets_6180_6203',
        'queries.tests.Queries1Tests.test_tickets_7087_12242',
        'timezones.tests.LegacyDatabaseTests.test_query_datetime_lookups',
        'timezones.tests.LegacyDatabaseTests.test_query_datetimes',
        'timezones.tests.NewDatabaseTests.test_query_convert_timezones',
        'timezones.tests.NewDatabaseTests.test_update_with_timedelta',
    },
    'immudb accepts CASE only in some positions (not inside aggregates or WHERE).': {
        'aggregation.tests.AggregateTestCase.test_count_distinct_expression',
    },
    'immudb 1.9 has no square root (SQRT), so no standard deviation.': {
        'aggregation.test_filter_argument.FilteredAggregateTests.test_filtered_numerical_aggregates',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_expression',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_integer',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_unset',
        'aggregation.tests.AggregateTestCase.test_aggregation_default_zero',
    },
    'immudb lacks an SQL function Django uses here (LTRIM, ABS, RANDOM; COALESCE by name on 1.9).': {
        'aggregation.tests.AggregateAnnotationPruningTests.test_referenced_group_by_annotation_kept',
        'aggregation.tests.AggregateTestCase.test_group_by_nested_expression_with_params',
        'annotations.tests.NonAggregateAnnotationTestCase.test_custom_functions',
        'annotations.tests.NonAggregateAnnotationTestCase.test_custom_functions_can_ref_other_functions',
        'lookup.tests.LookupTests.test_filter_by_reverse_related_field_transform',
        'ordering.tests.OrderingTests.test_random_ordering',
    },
    'The backend sends other queries than Django counts (row counts inside transactions, no RETURNING on 1.9).': {
        'basic.tests.SelectOnSaveTests.test_select_on_save',
        'basic.tests.SelectOnSaveTests.test_select_on_save_lying_update',
        'delete.tests.DeletionTests.test_bulk',
        'delete.tests.DeletionTests.test_only_referenced_fields_selected',
        'delete.tests.DeletionTests.test_proxied_model_duplicate_queries',
        'delete.tests.FastDeleteTests.test_fast_delete_combined_relationships',
        'delete.tests.FastDeleteTests.test_fast_delete_full_match',
        'delete.tests.FastDeleteTests.test_fast_delete_inheritance',
        'delete.tests.FastDeleteTests.test_fast_delete_joined_qs',
        'delete.tests.FastDeleteTests.test_fast_delete_m2m',
        'delete.tests.FastDeleteTests.test_fast_delete_qs',
        'delete.tests.FastDeleteTests.test_fast_delete_revm2m',
        'expressions.tests.ExistsTests.test_optimizations',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_batch_size',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_multiple_fields',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_simple',
        'queries.test_bulk_update.BulkUpdateTests.test_database_routing',
        'queries.tests.ExcludeTests.test_exclude_m2m_through',
    },
    'immudb 1.9 has no POWER function or operator.': {
        'expressions.tests.ExpressionOperatorTests.test_lefthand_power',
        'expressions.tests.ExpressionOperatorTests.test_righthand_power',
    },
    'immudb 1.9 matches patterns only against a value, not a column or expression (it has no REPLACE to escape one).': {
        'expressions.tests.BasicExpressionsTests.test_ticket_11722_iexact_lookup',
        'expressions.tests.BasicExpressionsTests.test_ticket_16731_startswith_lookup',
        'expressions.tests.ExpressionsTests.test_insensitive_patterns_escape',
        'expressions.tests.ExpressionsTests.test_patterns_escape',
        'lookup.tests.LookupTests.test_pattern_lookups_with_substr',
        'model_fields.test_uuid.TestQuerying.test_filter_with_expr',
    },
    'immudb 1.9 has no comma-separated FROM list (implicit cross join).': {
        'queries.tests.Queries5Tests.test_ordering',
    },
    'immudb 1.9 runs an __in subquery first (it has no subqueries in WHERE), so one on another database is not refused.': {
        'lookup.tests.LookupTests.test_in_different_database',
    },
    'immudb 1.9 cannot resolve a column name without its table in a query with joins.': {
        'annotations.tests.NonAggregateAnnotationTestCase.test_raw_sql_with_inherited_field',
    },
    'immudb matches patterns only against a value, not another column.': {
        'migrations.test_operations.OperationTests.test_add_constraint_percent_escaping',
        'migrations.test_operations.OperationTests.test_create_model_constraint_percent_escaping',
    },
    'immudb 1.11 correlates a subquery with the outer row only through plain column comparisons in IN or EXISTS (not in a scalar subquery, a function or LIKE); 1.9 has no such subqueries.': {
        'expressions.tests.BasicExpressionsTests.test_nested_subquery',
        'expressions.tests.BasicExpressionsTests.test_subquery_filter_by_aggregate',
        'expressions.tests.BasicExpressionsTests.test_subquery_in_filter',
        'lookup.tests.LookupQueryingTests.test_filter_subquery_lhs',
    },
    'immudb 1.9 has no column defaults: a row inserted without a column with a db_default gets none.': {
        'migrations.test_operations.OperationTests.test_add_field_both_defaults',
    },
}

SKIPS_IMMUDB_1_9 = {
    'immudb cannot change a row written earlier in the same transaction. (fails in setUpClass)': {
        'select_related.tests.SelectRelatedTests',
    },
    'immudb cannot evaluate an expression Django builds here (types, aliases or subquery columns). (fails in setUpClass)': {
        'expressions.tests.ExpressionsNumericTests',
    },
    'immudb cannot change a row written earlier in the same transaction. (fails in cleanup)': {
        'migrations.test_loader.LoaderTests.test_loading_squashed',
        'migrations.test_loader.LoaderTests.test_loading_squashed_complex',
        'migrations.test_loader.LoaderTests.test_loading_squashed_erroneous',
        'migrations.test_loader.LoaderTests.test_loading_squashed_ref_squashed',
    },
    'immudb cannot change a row written earlier in the same transaction. (async test)': {
        'basic.tests.ModelInstanceCreationTests.test_asave_positional_arguments',
    },
}

FAILURES_IMMUDB_1_11 = {
    "immudb's value ranges differ (64-bit decimals, VARCHAR byte limits).": {
        'expressions.tests.ExpressionsNumericTests.test_decimal_expression',
    },
    'immudb 1.11 matches regular expressions against text only, not JSON.': {
        'model_fields.test_jsonfield.TestQuerying.test_key_iregex',
        'model_fields.test_jsonfield.TestQuerying.test_key_regex',
    },
    "immudb 1.9 has no subqueries outside FROM; 1.11's are limited.": {
        'annotations.tests.NonAggregateAnnotationTestCase.test_annotation_subquery_outerref_transform',
        'expressions.tests.BasicExpressionsTests.test_annotation_with_deeply_nested_outerref',
        'expressions.tests.BasicExpressionsTests.test_annotation_with_nested_outerref',
        'expressions.tests.BasicExpressionsTests.test_annotations_within_subquery',
        'expressions.tests.BasicExpressionsTests.test_nested_outerref_with_function',
        'expressions.tests.BasicExpressionsTests.test_subquery',
        'expressions.tests.FTimeDeltaTests.test_date_subquery_subtraction',
        'expressions.tests.FTimeDeltaTests.test_datetime_subquery_subtraction',
        'expressions.tests.FTimeDeltaTests.test_time_subquery_subtraction',
        'lookup.tests.LookupTests.test_nested_outerref_lhs',
        'queries.test_qs_combinators.QuerySetSetOperationTests.test_intersection_in_nested_subquery',
        'queries.test_qs_combinators.QuerySetSetOperationTests.test_union_in_subquery',
        'queries.test_qs_combinators.QuerySetSetOperationTests.test_union_in_subquery_related_outerref',
        'queries.tests.Queries1Tests.test_union_values_subquery',
        'update.tests.AdvancedTests.test_update_annotated_multi_table_queryset',
    },
    "immudb cannot read a TIMESTAMP's microseconds, so datetime arithmetic fails on values that have some.": {
        'expressions.tests.FTimeDeltaTests.test_datetime_and_duration_field_addition_with_annotate_and_no_output_field',
        'expressions.tests.FTimeDeltaTests.test_datetime_and_durationfield_addition_with_filter',
        'expressions.tests.FTimeDeltaTests.test_datetime_subtraction',
        'expressions.tests.FTimeDeltaTests.test_datetime_subtraction_microseconds',
        'expressions.tests.FTimeDeltaTests.test_datetime_subtraction_with_annotate_and_no_output_field',
        'expressions.tests.FTimeDeltaTests.test_delta_add',
        'expressions.tests.FTimeDeltaTests.test_delta_subtract',
        'expressions.tests.FTimeDeltaTests.test_delta_update',
        'expressions.tests.FTimeDeltaTests.test_duration_with_datetime',
        'expressions.tests.FTimeDeltaTests.test_duration_with_datetime_microseconds',
        'expressions.tests.FTimeDeltaTests.test_durationfield_add',
        'expressions.tests.FTimeDeltaTests.test_exclude',
        'expressions.tests.FTimeDeltaTests.test_mixed_comparisons1',
        'expressions.tests.FTimeDeltaTests.test_negative_timedelta_update',
        'expressions.tests.FTimeDeltaTests.test_query_clone',
    },
    'immudb cannot compare a date (stored as text) with a datetime.': {
        'expressions.tests.FTimeDeltaTests.test_mixed_comparisons2',
    },
    "immudb's SQL grammar lacks a construct Django uses here.": {
        'aggregation.tests.AggregateTestCase.test_aggregation_default_using_duration_from_database',
    },
    'In a transaction, a WHERE on an indexed column is sent as (...) OR FALSE (immudb 1.11 misses rows read through such an index there); the test looks for the plain SQL.': {
        'lookup.tests.LookupTests.test_in_keeps_value_ordering',
    },
    "The SQL differs from what Django's test counts: the backend guards ordering comparisons against NULL.": {
        'queries.tests.Queries1Tests.test_subquery_condition',
    },
    "immudb's UNIQUE indexes treat NULLs as equal.": {
        'queries.test_qs_combinators.QuerySetSetOperationTests.test_union_slice_index',
    },
    "The backend checks foreign keys with extra queries (one per referenced table per write; its catalog at a connection's first write), which the test counts.": {
        'backends.base.test_base.DatabaseWrapperLoggingTests.test_commit_debug_log',
        'delete.tests.DeletionTests.test_bulk',
        'delete.tests.DeletionTests.test_only_referenced_fields_selected',
        'delete.tests.DeletionTests.test_proxied_model_duplicate_queries',
        'delete.tests.FastDeleteTests.test_fast_delete_combined_relationships',
        'delete.tests.FastDeleteTests.test_fast_delete_fk',
        'delete.tests.FastDeleteTests.test_fast_delete_inheritance',
        'delete.tests.FastDeleteTests.test_fast_delete_m2m',
        'delete.tests.FastDeleteTests.test_fast_delete_revm2m',
        'delete.tests.OnDeleteTests.test_do_nothing_qscount',
        'queries.test_bulk_update.BulkUpdateNoteTests.test_foreign_keys_do_not_lookup',
    },
    'On immudb 1.11 an UPDATE of an indexed column is sent as INSERT ... ON CONFLICT DO UPDATE (immudb fails the UPDATE on a row written earlier in the transaction); the test looks for an UPDATE.': {
        'get_or_create.tests.UpdateOrCreateTests.test_update_only_defaults_and_pre_save_fields_when_local_fields',
    },
    'Results differ from other databases on immudb (ordering, NULL handling, transaction snapshot).': {
        'aggregation.tests.AggregateTestCase.test_filtering',
    },
}

SKIPS_IMMUDB_1_11 = {
}
