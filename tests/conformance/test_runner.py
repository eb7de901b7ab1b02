"""The conformance runner's reading of runtests.py output.

Both fixtures are real output of ``runtests.py --parallel=1 -v 2`` on Django 5.2,
with the venv path in the first line shortened:
- ``sqlite-basic-expressions.txt``: ``--settings=tests.conformance.settings_sqlite basic expressions``;
- ``immudb-1.9.6-lookup.txt``: ``--settings=tests.conformance.settings_immudb lookup`` on an
  early immudb_backend, with the tracebacks between the results and "Ran N tests" cut out;
- ``immudb-1.9.6-model_fields-crash.txt``: the same for ``model_fields``, which stopped at
  the system checks (paths shortened).
"""

from pathlib import Path

from tests.conformance.run import crash_reason, parse_output

FIXTURES = Path(__file__).parent / "fixtures"
SQLITE = (FIXTURES / "sqlite-basic-expressions.txt").read_text()
IMMUDB = (FIXTURES / "immudb-1.9.6-lookup.txt").read_text()
CRASH = (FIXTURES / "immudb-1.9.6-model_fields-crash.txt").read_text()


def test_counts_every_result_of_a_clean_run():
    outcome = parse_output(SQLITE)

    assert (outcome.passed, outcome.failed, outcome.errors) == (284, 0, 0)
    assert (outcome.skipped, outcome.expected_failures, outcome.unexpected_successes) == (5, 1, 0)
    assert (outcome.found, outcome.ran, outcome.not_run) == (290, 290, 0)
    assert outcome.problems == []
    assert len(outcome.passed_tests) == 284


def test_names_passed_tests_including_those_with_a_docstring():
    passed = parse_output(SQLITE).passed_tests

    # Its result word ends the docstring line that follows the name.
    assert "basic.tests.ModelInstanceCreationTests.test_can_initialize_model_instance_using_positional_arguments" in passed
    assert "basic.tests.ModelTest.test_hash" in passed
    assert "basic.tests.ConcurrentSaveTests.test_concurrent_delete_with_save" not in passed  # skipped
    assert "expressions.tests.FTimeDeltaTests.test_mixed_comparisons1" not in passed  # expected failure


def test_a_result_after_printed_output_still_counts():
    line = "test_hash (basic.tests.ModelTest.test_hash) ... ok"
    assert line in SQLITE
    outcome = parse_output(SQLITE.replace(line, line.removesuffix("ok") + "something the test printed\nok"))

    assert outcome.passed == 284
    assert outcome.problems == []


def test_output_cut_short_is_a_crash_with_tests_not_run():
    cut = SQLITE[: SQLITE.index("test_hash (basic.tests.ModelTest.test_hash)")]
    outcome = parse_output(cut)

    assert outcome.ran is None
    assert outcome.problems == ["no 'Ran N tests' line"]
    assert outcome.found == 290
    assert outcome.not_run == 290 - outcome.reported
    assert 0 < outcome.reported < 290


def test_a_lost_result_line_is_reported_not_hidden():
    line = "test_hash (basic.tests.ModelTest.test_hash) ... ok\n"
    assert parse_output(SQLITE.replace(line, "")).problems == ["found 290, ran 290, but 289 reported a result"]


def test_counts_that_disagree_with_the_summary_are_reported():
    line = "test_expression_signature_uses_deferred_annotations"
    start = SQLITE.index(line)
    skipped_line = SQLITE[start : SQLITE.index("\n", start) + 1]
    assert skipped_line.rstrip().endswith("skipped 'Deferred annotations are Python 3.14+ only'")

    problems = parse_output(SQLITE.replace(skipped_line, "")).problems

    assert "summary says skipped=5, counted 4" in problems


def test_counts_failures_and_errors():
    outcome = parse_output(IMMUDB)

    assert (outcome.passed, outcome.failed, outcome.errors, outcome.skipped) == (65, 4, 28, 8)
    assert (outcome.found, outcome.ran, outcome.not_run) == (100, 100, 0)
    assert outcome.problems == []
    assert "lookup.tests.LookupTests.test_in_ignore_none" not in outcome.passed_tests  # FAIL


def test_a_run_stopped_by_system_checks_is_a_crash_naming_the_check():
    outcome = parse_output(CRASH)

    assert (outcome.found, outcome.ran, outcome.reported, outcome.not_run) == (528, None, 0, 528)
    assert outcome.problems == ["no 'Ran N tests' line"]
    assert crash_reason(CRASH) == (
        "model_fields.BigD.d: (immudb_backend.E001) immudb stores decimals exactly as "
        "64-bit integers, so max_digits must be at most 18."
    )


def test_a_crash_is_named_by_its_last_exception():
    text = SQLITE[: SQLITE.index("test_hash")] + "Traceback (most recent call last):\n  ...\nRuntimeError: boom\n"

    assert crash_reason(text) == "RuntimeError: boom"
