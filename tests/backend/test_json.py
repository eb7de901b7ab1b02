"""JSONField queries on both servers: key paths, has_key, comparisons, text lookups."""

import pytest
from django.db import NotSupportedError
from django.db.models import F, Q, Value
from django.db.models.fields.json import KT, JSONField, KeyTransform

from tests.backend.models import Everything

PAYLOADS = {
    "sql_null": None,
    "object": {"a": "b", "c": 14, "d": ["e", {"f": "g"}], "h": True, "j": None, "%pct": 1, "quote'": "it's"},
    "other": {"a": "B", "c": "14", "k": {"l": 2.5}},
    "list": [1, [2, 3], {"q": 4}],
    "text": "plain",
    "number": 7,
}


@pytest.fixture
def rows(django_db):
    """The names of the payloads keyed by the primary key of their row."""
    names = {Everything.objects.create(payload=payload).pk: name for name, payload in PAYLOADS.items()}
    # A JSON null is a value, unlike SQL NULL.
    names[Everything.objects.create(payload=Value(None, JSONField())).pk] = "json_null"
    return names


def names(rows, queryset):
    return sorted(rows[pk] for pk in queryset.values_list("pk", flat=True))


def test_key_values_with_sql_null_rows(rows):
    values = dict(Everything.objects.values_list("pk", "payload__c"))
    assert {rows[pk]: value for pk, value in values.items()} == {
        "sql_null": None, "object": 14, "other": "14", "list": None, "text": None, "number": None, "json_null": None,
    }
    assert list(Everything.objects.filter(payload__k__l__isnull=False).values_list("payload__k", flat=True)) == [
        {"l": 2.5}
    ]
    assert names(rows, Everything.objects.filter(payload__k__l__gt=2).order_by("payload__k__l")) == ["other"]


def test_exact_and_in_compare_json_values_of_any_type(rows):
    queries = Everything.objects
    assert names(rows, queries.filter(payload__c=14)) == ["object"]
    assert names(rows, queries.filter(payload__c="14")) == ["other"]
    assert names(rows, queries.filter(payload__d=["e", {"f": "g"}])) == ["object"]
    assert names(rows, queries.filter(payload__h=True)) == ["object"]
    assert names(rows, queries.filter(payload__j=None)) == ["object"]
    assert names(rows, queries.filter(**{"payload__quote'": "it's", "payload__%pct": 1})) == ["object"]
    assert names(rows, queries.filter(payload__c__in=[14, "14", True])) == ["object", "other"]
    assert names(rows, queries.filter(payload__a__in=[F("payload__a"), "x"])) == ["object", "other"]
    assert names(rows, queries.filter(payload={"k": {"l": 2.5}, "a": "B", "c": "14"})) == ["other"]
    assert names(rows, queries.filter(payload=Value(None, JSONField()))) == ["json_null"]
    assert names(rows, queries.filter(payload__isnull=True)) == ["sql_null"]


def test_array_positions(rows):
    queries = Everything.objects
    assert names(rows, queries.filter(payload__1__0=2)) == ["list"]
    assert names(rows, queries.filter(payload__d__1__f="g")) == ["object"]
    assert names(rows, queries.filter(payload__2__has_key="q")) == ["list"]
    with pytest.raises(NotSupportedError):
        list(queries.filter(**{"payload__-1": 1}))


def test_has_key(rows):
    queries = Everything.objects
    assert names(rows, queries.filter(payload__has_key="a")) == ["object", "other"]
    assert names(rows, queries.filter(payload__has_key="j")) == ["object"]
    assert names(rows, queries.filter(payload__has_keys=["a", "k"])) == ["other"]
    assert names(rows, queries.filter(payload__has_any_keys=["h", "k"])) == ["object", "other"]
    assert names(rows, queries.filter(payload__k__has_key="l")) == ["other"]
    assert names(rows, queries.filter(payload__has_key=KeyTransform("l", KeyTransform("k", "payload")))) == ["other"]
    assert names(rows, queries.filter(payload__has_key="%pct")) == ["object"]
    # An array position is no key.
    assert names(rows, queries.filter(payload__has_key="0")) == []


def test_missing_key_is_unknown_under_not(rows):
    """A row without the key is in neither filter(c) nor exclude(c), as SQL's unknown has it."""
    queries = Everything.objects
    assert names(rows, queries.filter(payload__a="b")) == ["object"]
    assert names(rows, queries.exclude(payload__a="b")) == ["other", "sql_null"]
    assert names(rows, queries.filter(~Q(payload__a="b"))) == ["other", "sql_null"]
    assert names(rows, queries.exclude(~Q(payload__a="b"))) == ["object"]
    assert names(rows, queries.exclude(payload__c__gt=10)) == ["sql_null"]
    assert names(rows, queries.filter(payload__a__isnull=True)) == [
        "json_null", "list", "number", "sql_null", "text",
    ]


def test_key_text_lookups(rows):
    queries = Everything.objects
    assert names(rows, queries.filter(payload__a__startswith="b")) == ["object"]
    assert names(rows, queries.filter(payload__a__iexact="b")) == ["object", "other"]
    assert names(rows, queries.filter(payload__c__icontains="4")) == ["object", "other"]
    assert names(rows, queries.exclude(payload__a__istartswith="b")) == ["sql_null"]
    texts = queries.annotate(a=KT("payload__a")).filter(a__isnull=False).order_by("a")
    assert list(texts.values_list("a", flat=True)) == ["B", "b"]
    assert names(rows, queries.filter(payload__icontains="PLAIN")) == ["text"]


def test_null_under_a_long_key_reads_as_missing(django_db):
    """A server quirk (1.9.6 and 1.11.1): a JSON null under key k at path position i is missing if len(k) > i + 1."""
    Everything.objects.create(payload={"key": None, "k": None})
    assert Everything.objects.filter(payload__has_key="k").count() == 1
    assert Everything.objects.filter(payload__has_key="key").count() == 0
