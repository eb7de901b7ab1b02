"""SQL for the parts of dates, times and datetimes, and for duration arithmetic.

The backend stores a date as 'YYYY-MM-DD' text, a time as 'HH:MM:SS.ffffff'
text, a datetime as a TIMESTAMP in UTC and a duration as INTEGER
microseconds. Both servers read the parts of the texts with SUBSTRING. Only
immudb 1.11 can take a TIMESTAMP apart (EXTRACT, DATE_PART, DATE_TRUNC,
TO_CHAR), and even there nothing reads its microseconds: what needs them
fails at run time for a value that has some, instead of giving a wrong
result.

immudb refuses arithmetic on NULL and CONCAT skips NULLs, so expressions
that compute on a value that may be NULL say what NULL gives: with CASE on
1.11, with SUBSTRING(..., LENGTH(value)) on 1.9, which has no CASE.

Expressions are built as templates in which ``{a}`` (and ``{b}``) stand
for the SQL of the values; ``fill`` puts that SQL in, and its parameters
once for every place the value appears.
"""

import datetime
import functools
import re
import zoneinfo

from django.db import NotSupportedError

A, B = "{a}", "{b}"
MICROSECONDS = {"second": 10**6, "day": 86400 * 10**6}

# Month (1-12) -> its quarter, and the two digits of the first month of its quarter.
QUARTER_OF_MONTH = "'111222333444'"
QUARTER_MONTH_TENS, QUARTER_MONTH_UNITS = "'000000000111'", "'111444777000'"

DATE_PARTS = {"year": (1, 4), "month": (6, 2), "day": (9, 2)}
TIME_PARTS = {"hour": (1, 2), "minute": (4, 2), "second": (7, 2)}
TIME_TRUNCS = {"hour": (2, ":00:00.000000"), "minute": (5, ":00.000000"), "second": (8, ".000000")}
TIMESTAMP_FIELDS = {"year", "month", "day", "hour", "minute", "second"}

# Time zones are converted with their offsets from the zoneinfo database,
# between these instants; outside them the conversion fails.
RULES_FROM = datetime.datetime(1900, 1, 1, tzinfo=datetime.timezone.utc)
RULES_UNTIL = datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc)
FIXED_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d\d):?(\d\d)$")


def fill(template, values):
    """The SQL and params of ``template`` with ``values`` ({a: (sql, params), ...}) put in."""
    params = []

    def put(match):
        sql, value_params = values[match.group(0)]
        params.extend(value_params)
        return sql

    return re.sub(r"\{[ab]\}", put, template), tuple(params)


def fail(message, sql_type):
    """An expression of ``sql_type`` that stops the statement with ``message`` when evaluated."""
    text = message.replace("'", "''")
    return f"CAST(CAST('{text}' AS INTEGER) AS {sql_type})"


MICROSECONDS_UNREADABLE = "immudb cannot read the microseconds of a TIMESTAMP"


def unless_null(template, *values):
    """``template``, or NULL when any of ``values`` is NULL (immudb 1.11)."""
    test = " OR ".join(f"{value} IS NULL" for value in values)
    return f"(CASE WHEN {test} THEN NULL ELSE {template} END)"


def whole_seconds(template, value, sql_type):
    """``template``, failing for a TIMESTAMP ``value`` that has microseconds."""
    return (
        f"(CASE WHEN {value} <> DATE_TRUNC('second', {value}) "
        f"THEN {fail(MICROSECONDS_UNREADABLE, sql_type)} ELSE {template} END)"
    )


def require_timestamp_functions(connection, what):
    if not connection.features.is_immudb_1_11:
        raise NotSupportedError(f"immudb 1.9 has no SQL for {what}; immudb 1.11 has.")


def text_part(value, start, length):
    return f"CAST(SUBSTRING({value}, {start}, {length}) AS INTEGER)"


def same_length(template, value):
    """``template`` cut to the length of ``value``: NULL when ``value`` is NULL, where CONCAT would not be."""
    return f"SUBSTRING({template}, 1, LENGTH({value}))"


def epoch_seconds(timestamp):
    return f"CAST(DATE_PART('epoch', {timestamp}) AS INTEGER)"


def day_of_week(timestamp):
    """0 for Sunday to 6 for Saturday."""
    return f"CAST(DATE_PART('dow', {timestamp}) AS INTEGER)"


def days_since_monday(timestamp):
    return f"CAST(SUBSTRING('6012345', {day_of_week(timestamp)} + 1, 1) AS INTEGER)"


def floor_mod(template, divisor):
    """``template`` modulo ``divisor``, from 0 up. Written without % (which the driver
    reads as a placeholder) and without MOD (which computes in floating point)."""
    def remainder(dividend):  # with the sign of the dividend, as Go's
        return f"(({dividend}) - ({dividend}) / {divisor} * {divisor})"

    return remainder(f"{remainder(template)} + {divisor}")


def whole_second_and_fraction(template):
    """A TIMESTAMP of the whole seconds in ``template`` microseconds since 1970, and the
    remaining microseconds as 6-digit text. CAST(integer AS TIMESTAMP) takes seconds only."""
    fraction = floor_mod(template, MICROSECONDS["second"])
    second = f"CAST((({template}) - {fraction}) / {MICROSECONDS['second']} AS TIMESTAMP)"
    return second, f"LPAD(CAST({fraction} AS VARCHAR), 6, '0')"


def time_microseconds(text):
    """Microseconds since midnight of an 'HH:MM:SS.ffffff' text."""
    return (
        f"({text_part(text, 1, 2)} * 3600000000 + {text_part(text, 4, 2)} * 60000000"
        f" + {text_part(text, 7, 2)} * 1000000 + {text_part(text, 10, 6)})"
    )


def time_from_microseconds(template):
    """The 'HH:MM:SS.ffffff' time of day of ``template`` microseconds since midnight (or 1970)."""
    second, fraction = whole_second_and_fraction(template)
    return f"CONCAT(TO_CHAR({second}, 'HH24:MI:SS'), '.', {fraction})"


# Time zones ----------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def utc_offsets(tzname):
    """The zone's offsets in seconds as ((first instant, offset), ...), over the years zone rules are applied."""
    fixed = FIXED_OFFSET.match(tzname)
    if fixed:
        sign, hours, minutes = fixed.groups()
        offset = (int(hours) * 3600 + int(minutes) * 60) * (-1 if sign == "-" else 1)
        return ((None, offset),)
    zone = zoneinfo.ZoneInfo(tzname)

    def offset_at(instant):
        return int(datetime.datetime.fromtimestamp(instant, zone).utcoffset().total_seconds())

    start, until = int(RULES_FROM.timestamp()), int(RULES_UNTIL.timestamp())
    offsets, instant, step = [(start, offset_at(start))], start, 12 * 3600
    while instant < until:
        following = min(instant + step, until)
        if offset_at(following) != offsets[-1][1]:
            before, after = instant, following
            while after - before > 1:
                middle = (before + after) // 2
                before, after = (middle, after) if offset_at(middle) == offsets[-1][1] else (before, middle)
            offsets.append((after, offset_at(after)))
        instant = following
    if len(offsets) == 1:
        return ((None, offsets[0][1]),)
    return tuple(offsets)


def offset_case(timestamp, offsets):
    """The offset in force at ``timestamp``, found by bisecting ``offsets``."""
    if len(offsets) == 1:
        return str(offsets[0][1])
    middle = len(offsets) // 2
    return (
        f"(CASE WHEN {timestamp} < CAST({offsets[middle][0]} AS TIMESTAMP) "
        f"THEN {offset_case(timestamp, offsets[:middle])} ELSE {offset_case(timestamp, offsets[middle:])} END)"
    )


def local_time(timestamp, tzname):
    """The wall-clock time in ``tzname`` of a UTC TIMESTAMP, without its microseconds."""
    if tzname is None:
        return timestamp
    offsets = utc_offsets(tzname)
    if offsets == ((None, 0),):
        return timestamp
    if len(offsets) == 1:
        return f"CAST({epoch_seconds(timestamp)} + {offsets[0][1]} AS TIMESTAMP)"
    outside = (
        f"{timestamp} < CAST({offsets[0][0]} AS TIMESTAMP) "
        f"OR {timestamp} >= CAST({int(RULES_UNTIL.timestamp())} AS TIMESTAMP)"
    )
    message = f"immudb_backend converts times to {tzname} only between {RULES_FROM.year} and {RULES_UNTIL.year}"
    return (
        f"(CASE WHEN {outside} THEN {fail(message, 'TIMESTAMP')} "
        f"ELSE CAST({epoch_seconds(timestamp)} + {offset_case(timestamp, offsets)} AS TIMESTAMP) END)"
    )


# Extracting and truncating --------------------------------------------------

def timestamp_extract(lookup_type, local):
    """The ``lookup_type`` part of a TIMESTAMP, as Django numbers it."""
    if lookup_type in TIMESTAMP_FIELDS:
        return f"EXTRACT({lookup_type.upper()} FROM {local})"
    if lookup_type == "quarter":
        return f"CAST(SUBSTRING({QUARTER_OF_MONTH}, EXTRACT(MONTH FROM {local}), 1) AS INTEGER)"
    if lookup_type == "week_day":
        return f"({day_of_week(local)} + 1)"
    if lookup_type == "iso_week_day":
        return f"({days_since_monday(local)} + 1)"
    if lookup_type in ("week", "iso_year"):
        # An ISO week belongs to the year of its Thursday, and is numbered from that year's first one.
        thursday = f"CAST({epoch_seconds(local)} + (3 - {days_since_monday(local)}) * 86400 AS TIMESTAMP)"
        if lookup_type == "iso_year":
            return f"EXTRACT(YEAR FROM {thursday})"
        return f"((CAST(DATE_PART('doy', {thursday}) AS INTEGER) - 1) / 7 + 1)"
    raise NotSupportedError(f"immudb_backend cannot extract {lookup_type!r}.")


def timestamp_trunc(lookup_type, local):
    """A TIMESTAMP cut down to the start of its ``lookup_type``."""
    if lookup_type in TIMESTAMP_FIELDS:
        return f"DATE_TRUNC('{lookup_type}', {local})"
    if lookup_type == "quarter":
        month = f"EXTRACT(MONTH FROM {local})"
        return (
            f"CAST(CONCAT(TO_CHAR({local}, 'YYYY-'), SUBSTRING({QUARTER_MONTH_TENS}, {month}, 1), "
            f"SUBSTRING({QUARTER_MONTH_UNITS}, {month}, 1), '-01') AS TIMESTAMP)"
        )
    if lookup_type == "week":
        return (
            f"CAST({epoch_seconds(f'DATE_TRUNC({chr(39)}day{chr(39)}, {local})')}"
            f" - {days_since_monday(local)} * 86400 AS TIMESTAMP)"
        )
    raise NotSupportedError(f"immudb_backend cannot truncate to {lookup_type!r}.")


def date_extract(connection, lookup_type, sql, params):
    if lookup_type in DATE_PARTS:
        return fill(text_part(A, *DATE_PARTS[lookup_type]), {A: (sql, params)})
    if lookup_type == "quarter":
        return fill(f"CAST(SUBSTRING({QUARTER_OF_MONTH}, {text_part(A, 6, 2)}, 1) AS INTEGER)", {A: (sql, params)})
    # Week days and ISO weeks need the calendar: read the date as a TIMESTAMP.
    require_timestamp_functions(connection, f"extracting the {lookup_type} of a date")
    return fill(unless_null(timestamp_extract(lookup_type, f"CAST({A} AS TIMESTAMP)"), A), {A: (sql, params)})


def time_extract(lookup_type, sql, params):
    if lookup_type not in TIME_PARTS:
        raise NotSupportedError(f"A time has no {lookup_type}.")
    return fill(text_part(A, *TIME_PARTS[lookup_type]), {A: (sql, params)})


def datetime_extract(connection, lookup_type, sql, params, tzname):
    require_timestamp_functions(connection, f"extracting the {lookup_type} of a datetime")
    return fill(unless_null(timestamp_extract(lookup_type, local_time(A, tzname)), A), {A: (sql, params)})


def date_trunc(connection, lookup_type, sql, params):
    if lookup_type == "day":
        return sql, params
    month = text_part(A, 6, 2)
    starts = {
        "year": f"CONCAT(SUBSTRING({A}, 1, 4), '-01-01')",
        "quarter": (
            f"CONCAT(SUBSTRING({A}, 1, 5), SUBSTRING({QUARTER_MONTH_TENS}, {month}, 1), "
            f"SUBSTRING({QUARTER_MONTH_UNITS}, {month}, 1), '-01')"
        ),
        "month": f"CONCAT(SUBSTRING({A}, 1, 7), '-01')",
    }
    if lookup_type in starts:
        return fill(same_length(starts[lookup_type], A), {A: (sql, params)})
    require_timestamp_functions(connection, f"truncating a date to {lookup_type}")
    start = timestamp_trunc(lookup_type, f"CAST({A} AS TIMESTAMP)")
    return fill(unless_null(f"TO_CHAR({start}, 'YYYY-MM-DD')", A), {A: (sql, params)})


def time_trunc(lookup_type, sql, params):
    if lookup_type not in TIME_TRUNCS:
        raise NotSupportedError(f"A time cannot be truncated to {lookup_type}.")
    kept, zeros = TIME_TRUNCS[lookup_type]
    return fill(same_length(f"CONCAT(SUBSTRING({A}, 1, {kept}), '{zeros}')", A), {A: (sql, params)})


def datetime_trunc(connection, lookup_type, sql, params, tzname):
    require_timestamp_functions(connection, f"truncating a datetime to {lookup_type}")
    return fill(unless_null(timestamp_trunc(lookup_type, local_time(A, tzname)), A), {A: (sql, params)})


def datetime_cast_date(connection, sql, params, tzname):
    require_timestamp_functions(connection, "casting a datetime to a date")
    return fill(unless_null(f"TO_CHAR({local_time(A, tzname)}, 'YYYY-MM-DD')", A), {A: (sql, params)})


def datetime_cast_time(connection, sql, params, tzname):
    require_timestamp_functions(connection, "casting a datetime to a time")
    time = f"CONCAT(TO_CHAR({local_time(A, tzname)}, 'HH24:MI:SS'), '.000000')"
    return fill(unless_null(whole_seconds(time, A, "VARCHAR"), A), {A: (sql, params)})


def trunc_as_immudb(self, compiler, connection):
    """Trunc of a datetime to a date or time: Django would hand the TIMESTAMP to
    date_trunc_sql or time_trunc_sql, which read text."""
    from django.db.models import DateField, DateTimeField, TimeField

    truncates = self.kind not in ("date", "time")  # TruncDate and TruncTime cast instead
    if not truncates or not isinstance(self.lhs.output_field, DateTimeField) or isinstance(self.output_field, DateTimeField):
        return self.as_sql(compiler, connection)
    require_timestamp_functions(connection, f"truncating a datetime to {self.kind}")
    start = timestamp_trunc(self.kind, local_time(A, self.get_tzname()))
    if isinstance(self.output_field, DateField):
        template = f"TO_CHAR({start}, 'YYYY-MM-DD')"
    elif isinstance(self.output_field, TimeField):
        template = f"CONCAT(TO_CHAR({start}, 'HH24:MI:SS'), '.000000')"
    else:
        return self.as_sql(compiler, connection)
    return fill(unless_null(template, A), {A: compiler.compile(self.lhs)})


def year_exact_as_immudb(self, compiler, connection):
    """``__year=<value>`` as two comparisons: immudb 1.9 has no BETWEEN."""
    if not self.rhs_is_direct_value():
        return self.as_sql(compiler, connection)
    lhs_sql, lhs_params = self.process_lhs(compiler, connection, self.lhs.lhs)
    start, finish = self.year_lookup_bounds(connection, self.rhs)
    return f"({lhs_sql} >= %s AND {lhs_sql} <= %s)", (*lhs_params, start, *lhs_params, finish)


# Arithmetic -------------------------------------------------------------------

def timestamp_microseconds(timestamp):
    return f"({epoch_seconds(timestamp)} * {MICROSECONDS['second']})"


def shifted(internal_type, value, duration, sign):
    """``value`` of ``internal_type`` moved by ``duration`` microseconds, as a template."""
    if internal_type == "DateTimeField":
        # ``value`` has no microseconds (else this fails), so they come from the duration alone;
        # ``value`` appears only a few times, which keeps nested shifts small.
        signed = f"(0 {sign} ({duration}))"
        fraction = floor_mod(signed, MICROSECONDS["second"])
        seconds = f"({epoch_seconds(value)} + ({signed} - {fraction}) / {MICROSECONDS['second']})"
        moved = (
            f"CAST(CONCAT(TO_CHAR(CAST({seconds} AS TIMESTAMP), 'YYYY-MM-DD HH24:MI:SS'), '.', "
            f"LPAD(CAST({fraction} AS VARCHAR), 6, '0')) AS TIMESTAMP)"
        )
        return whole_seconds(moved, value, "TIMESTAMP")
    if internal_type == "DateField":
        # A date moved by whole days is a date; otherwise 'YYYY-MM-DD HH:MM:SS.ffffff', which
        # compares with dates as a datetime does.
        moved = f"({timestamp_microseconds(f'CAST({value} AS TIMESTAMP)')} {sign} {duration})"
        second, fraction = whole_second_and_fraction(moved)
        time = f"CONCAT(TO_CHAR({second}, ' HH24:MI:SS'), '.', {fraction})"
        midnight = f"({moved}) / {MICROSECONDS['day']} * {MICROSECONDS['day']} = ({moved})"
        return f"CONCAT(TO_CHAR({second}, 'YYYY-MM-DD'), (CASE WHEN {midnight} THEN '' ELSE {time} END))"
    if internal_type == "TimeField":
        return time_from_microseconds(f"{time_microseconds(value)} {sign} {duration}")
    raise NotSupportedError(f"immudb_backend cannot add a duration to a {internal_type}.")


def duration_expression_as_immudb(self, compiler, connection):
    """Arithmetic between a duration (INTEGER microseconds) and a date, time, datetime or number."""
    lhs_type, rhs_type = (side.output_field.get_internal_type() for side in (self.lhs, self.rhs))
    values = {A: compiler.compile(self.lhs), B: compiler.compile(self.rhs)}
    numbers = {"IntegerField", "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
               "PositiveSmallIntegerField", "PositiveBigIntegerField", "FloatField"}
    if self.connector in (self.MUL, self.DIV) and {lhs_type, rhs_type} - {"DurationField"} <= numbers:
        product = f"({A} {self.connector} {B})"
        if "FloatField" in (lhs_type, rhs_type):
            product = f"CAST({product} AS INTEGER)"
        return fill(product, values)
    if self.connector in (self.ADD, self.SUB) and rhs_type == "DurationField":
        template = shifted(lhs_type, A, B, self.connector)
    elif self.connector == self.ADD and lhs_type == "DurationField":
        template = shifted(rhs_type, B, A, "+")
    else:
        raise NotSupportedError(f"immudb_backend cannot compute {lhs_type} {self.connector} {rhs_type}.")
    require_timestamp_functions(connection, "date and time arithmetic")
    return fill(unless_null(template, A, B), values)


def subtract_temporals(connection, internal_type, lhs, rhs):
    """``lhs - rhs`` of two dates, times or datetimes, in microseconds."""
    require_timestamp_functions(connection, f"{internal_type} subtraction")
    if internal_type == "DateTimeField":
        difference = f"({timestamp_microseconds(A)} - {timestamp_microseconds(B)})"
        difference = whole_seconds(whole_seconds(difference, A, "INTEGER"), B, "INTEGER")
    elif internal_type == "DateField":
        difference = (
            f"({timestamp_microseconds(f'CAST({A} AS TIMESTAMP)')}"
            f" - {timestamp_microseconds(f'CAST({B} AS TIMESTAMP)')})"
        )
    elif internal_type == "TimeField":
        difference = f"({time_microseconds(A)} - {time_microseconds(B)})"
    else:
        raise NotSupportedError(f"immudb_backend cannot subtract a {internal_type}.")
    return fill(unless_null(difference, A, B), {A: lhs, B: rhs})


def now_as_immudb(self, compiler, connection, **extra_context):
    """The transaction's time: immudb has NOW() (UTC, with microseconds) and no CURRENT_TIMESTAMP."""
    return self.as_sql(compiler, connection, template="NOW()", **extra_context)


def register():
    from django.db.models.expressions import DurationExpression
    from django.db.models.functions.datetime import Now, TruncBase
    from django.db.models.lookups import YearExact

    DurationExpression.as_immudb = duration_expression_as_immudb
    Now.as_immudb = now_as_immudb
    TruncBase.as_immudb = trunc_as_immudb
    YearExact.as_immudb = year_exact_as_immudb
