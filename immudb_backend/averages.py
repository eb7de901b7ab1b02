"""Averages, variances and standard deviations, from sums over a derived table.

immudb has no variance or standard deviation aggregate, and its AVG over no
values (all NULL) is a value that crashes the server (nil pointer; the
process exits) as soon as anything compares it, tests it for NULL or
computes with it. So these are computed over a derived table (see
derived_aggregation.py) from the columns ``x`` (as FLOAT), ``x * x`` and
``1 if x is not NULL else 0``, with ``n`` the sum of the latter:

- the average is ``SUM(x) / n``;
- the variance is ``(SUM(x*x) - SUM(x) * SUM(x) / n) / n``, divided by
  ``n - 1`` instead for a sample;
- the standard deviation is its square root, which only immudb 1.11 has
  (SQRT).

Each is NULL over fewer values than it needs (none; one for a sample).
"""

from django.db import NotSupportedError
from django.db.models import FloatField
from django.db.models.aggregates import StdDev, Variance
from django.db.models.expressions import Expression


def is_spread(aggregate):
    return isinstance(aggregate, (StdDev, Variance))


def is_sample(aggregate):
    return aggregate.function in ("STDDEV_SAMP", "VAR_SAMP")


class FromSums(Expression):
    """A value computed from aggregates of derived columns, which are named, never given as parameters."""

    def compile_sums(self, compiler):
        compiled = [compiler.compile(e) for e in self.get_source_expressions()]
        assert not any(params for _, params in compiled)
        return [sql for sql, _ in compiled]


class AverageFromSums(FromSums):
    def __init__(self, sum_x, count, output_field):
        super().__init__(output_field=output_field)
        self.sum_x, self.count = sum_x, count

    def get_source_expressions(self):
        return [self.sum_x, self.count]

    def set_source_expressions(self, exprs):
        self.sum_x, self.count = exprs

    def as_sql(self, compiler, connection):
        s1, n = self.compile_sums(compiler)
        return f"(CASE WHEN {n} > 0 THEN {s1} / {n} END)", []


class SpreadFromSums(FromSums):
    """The variance, or its square root, from ``SUM(x)``, ``SUM(x * x)`` and the count of ``x``.

    Rounding can take the sum of squared deviations of equal values just
    below 0, where it is 0.
    """

    output_field = FloatField()

    def __init__(self, sum_x, sum_squares, count, sample, root):
        super().__init__()
        self.sum_x, self.sum_squares, self.count = sum_x, sum_squares, count
        self.sample, self.root = sample, root

    def get_source_expressions(self):
        return [self.sum_x, self.sum_squares, self.count]

    def set_source_expressions(self, exprs):
        self.sum_x, self.sum_squares, self.count = exprs

    def as_sql(self, compiler, connection):
        s1, s2, n = self.compile_sums(compiler)
        least = 1 if self.sample else 0
        deviations = f"({s2} - {s1} * {s1} / {n})"
        value = f"{deviations} / ({n} - {least})"
        if self.root:
            value = f"SQRT({value})"
        return f"(CASE WHEN {n} > {least} AND {deviations} > 0 THEN {value} WHEN {n} > {least} THEN 0.0 END)", []


def spread_as_immudb(self, compiler, connection):
    raise NotSupportedError(
        "immudb has no variance or standard deviation aggregate; they are computed over a derived table, "
        "which a correlated subquery cannot have."
    )


def register():
    StdDev.as_immudb = spread_as_immudb
    Variance.as_immudb = spread_as_immudb
