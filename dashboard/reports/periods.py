"""Report periods: a quarter (2026-Q3), a month (2026-07), a year (2026) or a date range
(2026-01-01..2026-06-30, both days included), with the periods a pack compares against."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dashboard.errors import ValidationError
from dashboard.metrics import Period, add_months

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")

PERIOD_KINDS = ("quarter", "month", "year", "range")
KIND_WORDS = {"quarter": "quarter", "month": "month", "year": "year", "range": "period"}


@dataclass(frozen=True)
class ReportPeriod:
    """A pack's period: its label, kind and half-open dates [start, end)."""

    label: str
    kind: str
    start: dt.date
    end: dt.date

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def word(self) -> str:
        """What one such period is called in a sentence ('quarter', 'month', ...)."""
        return KIND_WORDS[self.kind]

    def shifted(self, steps: int) -> ReportPeriod:
        """The period `steps` periods later (negative: earlier), of the same kind and length."""
        if self.kind == "quarter":
            return quarter(add_months(self.start, 3 * steps))
        if self.kind == "month":
            return month(add_months(self.start, steps))
        if self.kind == "year":
            return year(self.start.year + steps)
        days = (self.end - self.start).days
        start = self.start + dt.timedelta(days=days * steps)
        return date_range(start, start + dt.timedelta(days=days - 1))

    def previous(self) -> ReportPeriod:
        return self.shifted(-1)

    def following(self) -> ReportPeriod:
        return self.shifted(1)

    def year_ago(self) -> ReportPeriod:
        """The same period one year earlier (for a range: the same dates a year back)."""
        if self.kind == "quarter":
            return quarter(add_months(self.start, -12))
        if self.kind == "month":
            return month(add_months(self.start, -12))
        if self.kind == "year":
            return year(self.start.year - 1)
        return date_range(one_year_before(self.start), one_year_before(self.last_day))


def one_year_before(day: dt.date) -> dt.date:
    """The same date a year earlier (28 February for 29 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def quarter(start: dt.date) -> ReportPeriod:
    """The calendar quarter starting on `start` (the first day of a quarter's month)."""
    first = dt.date(start.year, 3 * ((start.month - 1) // 3) + 1, 1)
    return ReportPeriod(
        f"{first.year}-Q{(first.month - 1) // 3 + 1}", "quarter", first, add_months(first, 3)
    )


def month(start: dt.date) -> ReportPeriod:
    first = dt.date(start.year, start.month, 1)
    return ReportPeriod(f"{first:%Y-%m}", "month", first, add_months(first, 1))


def year(number: int) -> ReportPeriod:
    return ReportPeriod(str(number), "year", dt.date(number, 1, 1), dt.date(number + 1, 1, 1))


def date_range(first: dt.date, last: dt.date) -> ReportPeriod:
    if last < first:
        raise ValidationError(f"the period ends ({last}) before it starts ({first})")
    return ReportPeriod(f"{first}..{last}", "range", first, last + dt.timedelta(days=1))


def parse_period(text: str) -> ReportPeriod:
    """A period from its label: 2026-Q3, 2026-07, 2026 or 2026-01-01..2026-06-30."""
    value = (text or "").strip().upper()
    if match := _QUARTER.match(value):
        return quarter(dt.date(int(match[1]), 3 * int(match[2]) - 2, 1))
    if match := _MONTH.match(value):
        return month(dt.date(int(match[1]), int(match[2]), 1))
    if match := _YEAR.match(value):
        return year(int(match[1]))
    if match := _RANGE.match(value):
        try:
            first, last = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            raise ValidationError(f"{text!r} holds a date that does not exist") from None
        return date_range(first, last)
    raise ValidationError(
        f"{text!r} is not a period; write a quarter (2026-Q3), a month (2026-07), a year "
        "(2026) or a range (2026-01-01..2026-06-30)"
    )


def recent_periods(today: dt.date, quarters: int = 8, years: int = 3) -> list[ReportPeriod]:
    """Choices for a new pack: recent quarters, the months of this year, recent years."""
    current = quarter(today)
    choices = [current.shifted(-back) for back in range(quarters)]
    choices += [month(dt.date(today.year, number, 1)) for number in range(today.month, 0, -1)]
    choices += [year(today.year - back) for back in range(years)]
    return choices
