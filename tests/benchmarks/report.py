"""The results table, as text for the terminal and as markdown."""

from __future__ import annotations

from dataclasses import dataclass

from tests.benchmarks.stats import Figure


@dataclass(frozen=True)
class Row:
    what: str
    figure: Figure | None  # None when the measurement itself failed
    goal: str = ""
    # Does the median meet the goal? None when the row has no goal.
    met: bool | None = None
    failure: str = ""

    @property
    def verdict(self) -> str:
        if self.failure:
            return f"missed: {self.failure}"
        return "" if self.met is None else ("met" if self.met else "missed")

    def cells(self) -> list[str]:
        f = self.figure
        figures = [f.fmt(f.median), f.fmt(f.low), f.fmt(f.high)] if f else ["—"] * 3
        return [self.what, *figures, self.goal, self.verdict]


HEADER = ["What", "Median", "Min", "Max", "Goal", "Result"]


def row(what: str, figure: Figure, limit: float | None = None, goal: str = "") -> Row:
    """A row whose goal is ``median <= limit``."""
    if limit is None:
        return Row(what, figure, goal)
    return Row(what, figure, goal or f"≤ {figure.fmt(limit)}", figure.median <= limit)


def failed_row(what: str, goal: str, failure: str) -> Row:
    return Row(what, None, goal, False, failure)


def text_table(rows: list[Row]) -> str:
    cells = [HEADER] + [r.cells() for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |" for r in rows]
    return "\n".join(lines)
