"""Parts, truncation and arithmetic of dates, times, datetimes and durations in SQL.

Dates and times are text, read with SUBSTRING on both servers. Datetimes
(UTC TIMESTAMPs) are taken apart only on immudb 1.11, in the current time
zone (Europe/Berlin here), and their microseconds cannot be read there.
"""

import datetime

import pytest
from django.db import DatabaseError, NotSupportedError
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.db.models.functions import Extract, TruncDate, TruncDay, TruncHour, TruncMonth, TruncQuarter, TruncWeek
from django.utils import timezone

from tests.backend.models import Everything

UTC = datetime.timezone.utc


@pytest.fixture
def rows(django_db):
    Everything.objects.create(
        name="summer",
        day=datetime.date(2021, 8, 15),
        clock=datetime.time(23, 5, 9, 250000),
        # 00:30 in Berlin (summer time), still the 14th in UTC.
        moment=datetime.datetime(2021, 8, 14, 22, 30, 5, tzinfo=UTC),
        span=datetime.timedelta(days=1, microseconds=250),
    )
    Everything.objects.create(
        name="winter",
        day=datetime.date(1969, 12, 31),
        clock=datetime.time(0, 0),
        moment=datetime.datetime(2021, 1, 3, 5, 30, tzinfo=UTC),
        span=datetime.timedelta(seconds=-1),
    )
    Everything.objects.create(name="empty")
    return django_db


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


def by_name(queryset, field):
    return dict(queryset.values_list("name", field))


def test_date_and_time_parts(rows):
    assert names(Everything.objects.filter(day__year=2021)) == ["summer"]
    assert names(Everything.objects.filter(day__month=12, day__day=31)) == ["winter"]
    assert names(Everything.objects.filter(day__quarter=3)) == ["summer"]
    assert names(Everything.objects.filter(clock__hour=23, clock__minute=5, clock__second=9)) == ["summer"]
    years = by_name(Everything.objects.annotate(year=Extract("day", "year")), "year")
    assert years == {"summer": 2021, "winter": 1969, "empty": None}


def test_date_and_time_truncation(rows):
    months = by_name(Everything.objects.annotate(start=TruncMonth("day")), "start")
    assert months == {"summer": datetime.date(2021, 8, 1), "winter": datetime.date(1969, 12, 1), "empty": None}
    quarters = by_name(Everything.objects.annotate(start=TruncQuarter("day")), "start")
    assert quarters["summer"] == datetime.date(2021, 7, 1) and quarters["winter"] == datetime.date(1969, 10, 1)
    hours = by_name(Everything.objects.annotate(start=TruncHour("clock")), "start")
    assert hours == {"summer": datetime.time(23), "winter": datetime.time(0), "empty": None}
    assert list(Everything.objects.dates("day", "year")) == [datetime.date(1969, 1, 1), datetime.date(2021, 1, 1)]


def test_datetime_parts_in_the_current_time_zone(rows):
    if not rows.features.is_immudb_1_11:
        with pytest.raises(NotSupportedError, match="immudb 1.9 has no SQL"):
            list(Everything.objects.filter(moment__hour=0))
        return
    assert names(Everything.objects.filter(moment__day=15, moment__hour=0, moment__minute=30)) == ["summer"]
    assert names(Everything.objects.filter(moment__date=datetime.date(2021, 8, 15))) == ["summer"]
    assert names(Everything.objects.filter(moment__week_day=1)) == ["summer", "winter"]  # Sundays
    assert names(Everything.objects.filter(moment__iso_week_day=7)) == ["summer", "winter"]
    assert names(Everything.objects.filter(moment__iso_year=2020, moment__week=53)) == ["winter"]
    with timezone.override("UTC"):
        assert names(Everything.objects.filter(moment__day=14, moment__hour=22)) == ["summer"]
    berlin = timezone.get_current_timezone()
    days = by_name(Everything.objects.annotate(start=TruncDay("moment")), "start")
    assert days["summer"] == datetime.datetime(2021, 8, 15, tzinfo=berlin)
    assert days["empty"] is None
    weeks = by_name(Everything.objects.annotate(start=TruncWeek("moment")), "start")
    assert weeks["winter"] == datetime.datetime(2020, 12, 28, tzinfo=berlin)
    dates = by_name(Everything.objects.annotate(on=TruncDate("moment")), "on")
    assert dates == {"summer": datetime.date(2021, 8, 15), "winter": datetime.date(2021, 1, 3), "empty": None}


def test_time_of_a_datetime_needs_whole_seconds(rows):
    if not rows.features.is_immudb_1_11:
        pytest.skip("immudb 1.9 cannot take a TIMESTAMP apart")
    assert names(Everything.objects.filter(moment__time=datetime.time(6, 30))) == ["winter"]
    Everything.objects.create(name="fraction", moment=datetime.datetime(2021, 1, 1, 0, 0, 0, 1, tzinfo=UTC))
    with pytest.raises(DatabaseError, match="microseconds of a TIMESTAMP"):
        list(Everything.objects.filter(moment__time=datetime.time(6, 30)))


def test_duration_arithmetic(rows):
    if not rows.features.is_immudb_1_11:
        with pytest.raises(NotSupportedError, match="immudb 1.9 has no SQL"):
            list(Everything.objects.annotate(later=F("day") + F("span")))
        return
    later = by_name(Everything.objects.annotate(later=F("day") + F("span")), "later")
    assert later["summer"] == datetime.datetime(2021, 8, 16, 0, 0, 0, 250, tzinfo=UTC)
    assert later["winter"] == datetime.datetime(1969, 12, 30, 23, 59, 59, tzinfo=UTC)
    assert later["empty"] is None
    same_day = Everything.objects.filter(day__isnull=False, day=F("day") + datetime.timedelta(days=0))
    assert names(same_day) == ["summer", "winter"]
    moved = ExpressionWrapper(F("moment") - F("span"), output_field=DateTimeField())
    moved = by_name(Everything.objects.annotate(moved=moved), "moved")
    assert moved["summer"] == datetime.datetime(2021, 8, 13, 22, 30, 4, 999750, tzinfo=UTC)
    assert moved["winter"] == datetime.datetime(2021, 1, 3, 5, 30, 1, tzinfo=UTC)
    clocks = by_name(Everything.objects.annotate(later=F("clock") + datetime.timedelta(hours=1)), "later")
    assert clocks == {"summer": datetime.time(0, 5, 9, 250000), "winter": datetime.time(1), "empty": None}
    Everything.objects.filter(name="winter").update(span=F("span") * 3)
    assert Everything.objects.get(name="winter").span == datetime.timedelta(seconds=-3)


def test_temporal_subtraction(rows):
    if not rows.features.is_immudb_1_11:
        assert not rows.features.supports_temporal_subtraction
        return
    start = Value(datetime.date(2021, 8, 1))
    lengths = by_name(Everything.objects.annotate(length=F("day") - start), "length")
    assert lengths["summer"] == datetime.timedelta(days=14) and lengths["empty"] is None
    since = by_name(Everything.objects.annotate(since=F("clock") - Value(datetime.time(23))), "since")
    assert since["summer"] == datetime.timedelta(minutes=5, seconds=9, microseconds=250000)
    gap = Value(datetime.datetime(2021, 1, 1, tzinfo=UTC))
    gaps = by_name(Everything.objects.filter(name="winter").annotate(gap=F("moment") - gap), "gap")
    assert gaps == {"winter": datetime.timedelta(days=2, hours=5, minutes=30)}
