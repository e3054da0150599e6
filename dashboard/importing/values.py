"""Cells -> values: numbers, money, percentages, dates and booleans as exports write them.

Formats are decided per column from ALL its values, never from the first few: the decimal
separator, whether a percentage is written as 0.9 or 90, and the order of day and month.
When both day-month and month-day read every value of a date column (every day <= 12), the
column is ambiguous and the caller must ask; nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

DATE_ORDERS = ("dmy", "mdy", "ymd")
DATE_ORDER_LABELS = {
    "dmy": "day/month/year (31/12/2024)",
    "mdy": "month/day/year (12/31/2024)",
    "ymd": "year-month-day (2024-12-31)",
}
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "x", "ja", "oui", "won"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "nein", "non"})
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_CODE = re.compile(r"^([A-Z]{3})\s*(.*)$|^(.*?)\s*([A-Z]{3})$")
_FAST_POINT = re.compile(r"^(?:([A-Z]{3}) |(\$))?(-)?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_NUMBER_CHARS = re.compile(r"[^\d.,]")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED_POINT = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_GROUPED_COMMA = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$")
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?$"
)
_NUMERIC = re.compile(
    r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([AaPp]\.?[Mm]\.?)?)?$"
)
_NAMED_DMY = re.compile(r"^(\d{1,2})[\s\-./]+([A-Za-z]{3,9})\.?[\s\-./,]+(\d{2,4})(.*)$")
_NAMED_MDY = re.compile(
    r"^(?:[A-Za-z]{3,9},?\s+)?([A-Za-z]{3,9})\.?[\s\-./]+(\d{1,2})(?:st|nd|rd|th)?,?[\s\-./]+(\d{2,4})(.*)$"
)
_TIME_TAIL = re.compile(r"^[\s,T]*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?)?\s*$")


ORDER_FREE = frozenset({"dmy", "mdy", "ymd"})


class ValueProblem(ValueError):
    """A cell that cannot be read as the value its column holds; str() says why."""


def is_blank(cell: Any) -> bool:
    """True for None, empty and whitespace-only cells."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def text_of(cell: Any) -> str | None:
    """A cell as trimmed text (None when blank); integral floats lose their '.0'."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return " ".join(str(cell).split())


# ---------------------------------------------------------------- numbers and money


def _strip_currency(text: str) -> tuple[str, str | None]:
    currency = None
    for symbol in sorted(CURRENCY_SYMBOLS, key=len, reverse=True):
        if symbol in text:
            currency = CURRENCY_SYMBOLS[symbol]
            text = text.replace(symbol, "")
            break
    match = _CODE.match(text.strip())
    if match:
        code = match.group(1) or match.group(4)
        rest = match.group(2) if match.group(1) else match.group(3)
        if rest is not None and re.search(r"\d", rest):
            currency, text = code, rest
    return text.strip(), currency


def detect_decimal_separator(cells: Iterable[Any]) -> str:
    """'.' or ',': which separator marks decimals in this column (by majority of evidence)."""
    point = comma = 0
    for cell in cells:
        if not isinstance(cell, str) or "%" in cell and not cell.replace("%", "").strip():
            continue
        text = _NUMBER_CHARS.sub("", cell)
        has_point, has_comma = "." in text, "," in text
        if has_point and has_comma:
            if text.rfind(",") > text.rfind("."):
                comma += 1
            else:
                point += 1
        elif has_comma:
            parts = text.split(",")
            if len(parts) > 2:
                point += 1  # 1,234,567: commas group thousands
            elif len(parts[1]) != 3:
                comma += 1  # 12,5 or 0,25
        elif has_point:
            parts = text.split(".")
            if len(parts) > 2:
                comma += 1  # 1.234.567: points group thousands
            elif len(parts[1]) != 3:
                point += 1
    return "," if comma > point else "."


def parse_decimal(cell: Any, decimal: str = ".") -> Decimal | None:
    """A number from a cell ('1,234.50', '(12)', '1.234,5' with decimal=','); None when blank."""
    value, _ = parse_money(cell, decimal)
    return value


def parse_money(cell: Any, decimal: str = ".") -> tuple[Decimal | None, str | None]:
    """(amount, currency code or None) from cells like 'USD 1,234.50', '€1.234,50', '-$12'."""
    if is_blank(cell):
        return None, None
    if isinstance(cell, bool):
        raise ValueProblem(f"{cell!r} is not a number")
    if isinstance(cell, int):
        return Decimal(cell), None
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise ValueProblem(f"{cell!r} is not a number")
        return Decimal(repr(cell)), None
    if isinstance(cell, Decimal):
        return cell, None
    original = str(cell).strip()
    if decimal == ".":
        fast = _FAST_POINT.match(original)
        if fast:
            code, dollar, minus, whole, fraction = fast.groups()
            value = Decimal(whole.replace(",", "") + (fraction or ""))
            return (-value if minus else value), code or ("USD" if dollar else None)
    text = _SPACES.sub(" ", original).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    text, currency = _strip_currency(text)
    text = text.replace(" ", "")
    if text.startswith(("-", "+")) and len(text) > 1:
        negative ^= text[0] == "-"
        text = text[1:]
        text, more = _strip_currency(text)
        currency = currency or more
    elif text.endswith("-") and len(text) > 1:
        negative, text = not negative, text[:-1]
    if text.startswith(("-", "+")) or text.endswith(("-", "+")):
        raise ValueProblem(f"{original!r} is not a number")
    if decimal == ",":
        if "," in text or _GROUPED_COMMA.match(text):
            if "." in text and not _GROUPED_COMMA.match(text):
                raise ValueProblem(f"{original!r} is not a number")
            text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        if not _GROUPED_POINT.match(text):
            raise ValueProblem(f"{original!r} is not a number")
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        raise ValueProblem(f"{original!r} is not a number")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(f"{original!r} is not a number") from None
    return (-value if negative else value), currency


def detect_percent_scale(cells: Iterable[Any], decimal: str = ".") -> int:
    """100 when a percentage column holds fractions (0.9 = 90%), else 1."""
    seen_fraction = False
    for cell in cells:
        if is_blank(cell):
            continue
        if isinstance(cell, str) and "%" in cell:
            return 1
        try:
            value = parse_decimal(cell if not isinstance(cell, str) else cell, decimal)
        except ValueProblem:
            continue
        if value is None:
            continue
        if value > 1 or value < 0:
            return 1
        if value != value.to_integral_value():
            seen_fraction = True
    return 100 if seen_fraction else 1


def parse_percent(cell: Any, decimal: str = ".", scale: int = 1) -> Decimal | None:
    """A percentage 0-100 from '90%', '90', or 0.9 in a column of fractions (scale 100)."""
    if is_blank(cell):
        return None
    if isinstance(cell, str) and "%" in cell:
        value = parse_decimal(cell.replace("%", ""), decimal)
        return value
    value = parse_decimal(cell, decimal)
    return None if value is None else value * scale


def parse_integer(cell: Any, decimal: str = ".") -> int | None:
    """A whole number ('1,200' -> 1200); refuses fractions."""
    value = parse_decimal(cell, decimal)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise ValueProblem(f"{text_of(cell)!r} is not a whole number")
    return int(value)


def parse_bool(cell: Any) -> bool | None:
    """True/False from 1/0, true/false, yes/no (None when blank)."""
    if is_blank(cell):
        return None
    if isinstance(cell, bool):
        return cell
    text = text_of(cell).casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueProblem(f"{text_of(cell)!r} is not yes/no")


# ---------------------------------------------------------------- dates


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        return 2000 + year if year < 69 else 1900 + year
    if len(text) == 3:
        raise ValueError("three-digit year")
    return year


def _clock(hour: str | None, minute: str | None, second: str | None, half: str | None):
    if hour is None:
        return None
    hours = int(hour)
    if half:
        marker = half.replace(".", "").lower()
        if not 1 <= hours <= 12:
            raise ValueError("hour")
        hours = hours % 12 + (12 if marker == "pm" else 0)
    return dt.time(hours, int(minute), int(second or 0))


def _day(year: int, month: int, day: int) -> dt.date:
    if not 1900 <= year <= 2200:
        raise ValueError("year out of range")
    return dt.date(year, month, day)


def _combine(day: dt.date, clock: dt.time | None) -> dt.date | dt.datetime:
    return dt.datetime.combine(day, clock) if clock is not None else day


def date_orders_of(cell: Any) -> frozenset[str]:
    """The orders (dmy, mdy) under which a cell reads as a valid date; both for values whose
    order is not in doubt (ISO dates, spelled-out months, date cells of a workbook)."""
    if isinstance(cell, (dt.date, dt.datetime)):
        return ORDER_FREE
    text = text_of(cell)
    if text is None:
        return frozenset()
    if not _NUMERIC.match(text) or len(_NUMERIC.match(text).group(1)) == 4:
        try:
            _parse_date_text(text, "ymd")
        except (ValueError, ValueProblem):
            return frozenset()
        return ORDER_FREE
    fits = set()
    for order in ("dmy", "mdy"):
        try:
            _parse_date_text(text, order)
        except (ValueError, ValueProblem):
            continue
        fits.add(order)
    return frozenset(fits)


def _parse_date_text(text: str, order: str) -> dt.date | dt.datetime:
    match = _ISO.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        return _combine(_day(int(year), int(month), int(day)), _clock(hour, minute, second, None))
    match = _NUMERIC.match(text)
    if match:
        first, _, second_part, third, hour, minute, second, half = match.groups()
        clock = _clock(hour, minute, second, half)
        if len(first) == 4:
            return _combine(_day(int(first), int(second_part), int(third)), clock)
        if len(third) < 2:
            raise ValueProblem(f"{text!r} has no year")
        if order == "dmy":
            return _combine(_day(_year(third), int(second_part), int(first)), clock)
        if order == "mdy":
            return _combine(_day(_year(third), int(first), int(second_part)), clock)
        raise ValueProblem(f"{text!r} needs to know whether the day or the month comes first")
    for pattern, named_first in ((_NAMED_DMY, False), (_NAMED_MDY, True)):
        match = pattern.match(text)
        if not match:
            continue
        if named_first:
            month_name, day, year, tail = match.groups()
        else:
            day, month_name, year, tail = match.groups()
        month = MONTHS.get(month_name.casefold().rstrip("."))
        tail_match = _TIME_TAIL.match(tail)
        if month is None or tail_match is None:
            continue
        return _combine(_day(_year(year), month, int(day)), _clock(*tail_match.groups()))
    raise ValueProblem(f"{text!r} is not a date")


def parse_date(cell: Any, order: str | None) -> dt.date | dt.datetime | None:
    """A date (or date and time) from a cell, reading d/m against m/d by `order`."""
    if is_blank(cell):
        return None
    if isinstance(cell, (dt.date, dt.datetime)):
        return cell
    text = text_of(cell)
    try:
        return _parse_date_text(text, order or "ymd")
    except ValueProblem:
        raise
    except ValueError:
        raise ValueProblem(f"{text!r} is not a date") from None


@dataclass(frozen=True)
class DateColumn:
    """What the values of a column say about their date format."""

    share: float  # of non-blank values that read as a date under the best order
    orders: tuple[str, ...]  # the orders under which that many values read
    has_time: bool
    example: str | None
    differs: bool = True  # some value reads as another date under the other order

    @property
    def is_date(self) -> bool:
        return self.share >= 0.5

    @property
    def ambiguous(self) -> bool:
        """True when day/month and month/day both read every value the same well."""
        return self.is_date and "dmy" in self.orders and "mdy" in self.orders and self.differs

    @property
    def order(self) -> str | None:
        """The one order that fits best, or None when ambiguous or not a date."""
        if not self.is_date or self.ambiguous:
            return None
        for order in ("dmy", "mdy", "ymd"):
            if order in self.orders:
                return order
        return None


def inspect_dates(cells: Iterable[Any]) -> DateColumn:
    """Read every distinct value of a column as d/m and as m/d and keep the best fits."""
    distinct: dict[Any, int] = {}
    for cell in cells:
        if is_blank(cell):
            continue
        key = cell if isinstance(cell, str) else cell
        try:
            distinct[key] = distinct.get(key, 0) + 1
        except TypeError:
            continue
    total = sum(distinct.values())
    if not total:
        return DateColumn(0.0, (), False, None)
    counts = {"dmy": 0, "mdy": 0}
    has_time = order_matters = differs = False
    example = None
    for value, count in distinct.items():
        fits = date_orders_of(value)
        if fits == {"dmy", "mdy"} and not differs:
            differs = parse_date(value, "dmy") != parse_date(value, "mdy")
        for order in ("dmy", "mdy"):
            if order in fits:
                counts[order] += count
        if not fits:
            continue
        if example is None:
            example = text_of(value)
        if isinstance(value, dt.datetime) or (
            isinstance(value, str) and re.search(r"\d:\d", value)
        ):
            has_time = True
        if fits != ORDER_FREE:
            order_matters = True
    best = max(counts.values())
    if not best:
        return DateColumn(0.0, (), False, None)
    if not order_matters:
        orders: tuple[str, ...] = ("ymd",)
    else:
        orders = tuple(order for order in ("dmy", "mdy") if counts[order] == best)
    return DateColumn(best / total, orders, has_time, example, differs)


def normalise_date_format(text: str) -> str:
    """'DD/MM/YYYY', '%d/%m/%y', 'dmy', 'iso' ... -> one of dmy, mdy, ymd."""
    cleaned = text.strip().lower()
    if cleaned in DATE_ORDERS:
        return cleaned
    if cleaned in ("iso", "yyyy-mm-dd", "%y-%m-%d"):
        return "ymd"
    letters = [char for char in re.sub(r"%", "", cleaned) if char in "dmy"]
    order = "".join(dict.fromkeys(letters))
    if order in DATE_ORDERS:
        return order
    raise ValueProblem(
        f"{text!r} is not a date format; use DD/MM/YYYY, MM/DD/YYYY or YYYY-MM-DD "
        "(or dmy, mdy, ymd)"
    )
