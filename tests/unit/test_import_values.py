"""Cells -> values: numbers, money, percentages, dates, booleans in the ways exports write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dashboard.importing import values
from dashboard.importing.values import ValueProblem


@pytest.mark.parametrize(
    ("cell", "decimal", "expected"),
    [
        ("1,234.50", ".", (Decimal("1234.50"), None)),
        ("USD 1,234.50", ".", (Decimal("1234.50"), "USD")),
        ("1,234.50 USD", ".", (Decimal("1234.50"), "USD")),
        ("$1,234.50", ".", (Decimal("1234.50"), "USD")),
        ("-$12", ".", (Decimal("-12"), "USD")),
        ("(1,234.50)", ".", (Decimal("-1234.50"), None)),
        ("€1.234,50", ",", (Decimal("1234.50"), "EUR")),
        ("1 234,5 EUR", ",", (Decimal("1234.5"), "EUR")),
        ("1\u00a0234,50", ",", (Decimal("1234.50"), None)),
        ("1'234.50", ".", (Decimal("1234.50"), None)),
        ("12-", ".", (Decimal("-12"), None)),
        (".5", ".", (Decimal(".5"), None)),
        (1054, ".", (Decimal(1054), None)),
        (16.448, ".", (Decimal("16.448"), None)),
        ("", ".", (None, None)),
        ("   ", ".", (None, None)),
    ],
)
def test_money_in_many_spellings(cell, decimal, expected) -> None:
    assert values.parse_money(cell, decimal) == expected


@pytest.mark.parametrize(
    "cell", ["abc", "1,2", "1.2.3", "12e5", "--1", "+-3", "1,23,456.00", "N/A", "$", "1.234,5"]
)
def test_what_is_not_a_number_is_refused(cell) -> None:
    with pytest.raises(ValueProblem, match="is not a number"):
        values.parse_money(cell, ".")


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        (["1,234.50", "12.5"], "."),
        (["1.234,50", "12,5"], ","),
        (["0,25", "3"], ","),
        (["1,234", "2,000,000"], "."),
        (["1.234.567", "8"], ","),
        (["12", "13"], "."),
    ],
)
def test_the_decimal_separator_is_decided_by_the_column(column, expected) -> None:
    assert values.detect_decimal_separator(column) == expected


def test_percentages_as_written_or_as_fractions() -> None:
    assert values.parse_percent("90%") == 90
    assert values.detect_percent_scale(["0.9", "0.25", "1"]) == 100
    assert values.parse_percent("0.9", scale=100) == 90
    assert values.detect_percent_scale(["10", "90", "100"]) == 1
    assert values.detect_percent_scale(["0", "1"]) == 1  # whole numbers: percent points


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("1", True), ("0", False), ("Yes", True), ("no", False), ("TRUE", True), ("", None)],
)
def test_booleans(cell, expected) -> None:
    assert values.parse_bool(cell) is expected


@pytest.mark.parametrize(
    ("cell", "order", "expected"),
    [
        ("2018-10-13 17:16:45", None, dt.datetime(2018, 10, 13, 17, 16, 45)),
        ("2018-10-13", None, dt.date(2018, 10, 13)),
        ("2018-10-13T17:16:45Z", None, dt.datetime(2018, 10, 13, 17, 16, 45)),
        ("03/01/19", "dmy", dt.date(2019, 1, 3)),
        ("03/01/19", "mdy", dt.date(2019, 3, 1)),
        ("3/1/2017", "mdy", dt.date(2017, 3, 1)),
        ("13.01.2024", "dmy", dt.date(2024, 1, 13)),
        ("10/24/2023 10:00 PM", "mdy", dt.datetime(2023, 10, 24, 22, 0)),
        ("5-Jan-23", None, dt.date(2023, 1, 5)),
        ("Jan 5, 2023", None, dt.date(2023, 1, 5)),
        ("Mon, Jan 5, 2023", None, dt.date(2023, 1, 5)),
        ("5 January 2023 09:30", None, dt.datetime(2023, 1, 5, 9, 30)),
        (dt.datetime(2024, 2, 29, 8, 0), None, dt.datetime(2024, 2, 29, 8, 0)),
    ],
)
def test_dates_in_many_formats(cell, order, expected) -> None:
    assert values.parse_date(cell, order) == expected


@pytest.mark.parametrize("cell", ["31/02/2024", "2024-13-01", "13/13/13", "yesterday", "1/2"])
def test_impossible_dates_are_refused(cell) -> None:
    with pytest.raises(ValueProblem):
        values.parse_date(cell, "dmy")


def test_a_numeric_date_needs_its_order() -> None:
    with pytest.raises(ValueProblem, match="day or the month comes first"):
        values.parse_date("03/01/19", None)


def test_date_order_is_decided_from_every_value_of_the_column() -> None:
    # the Superstore 2020 trap: the first rows all read either way; a later one decides
    column = ["03/01/19", "07/01/19", "04/01/19"] * 100 + ["25/01/19"]
    found = values.inspect_dates(column)
    assert (found.order, found.ambiguous) == ("dmy", False)
    assert values.inspect_dates(["10/20/2016", "3/1/2017"]).order == "mdy"


def test_a_column_that_reads_both_ways_is_ambiguous() -> None:
    found = values.inspect_dates(["03/01/19", "07/01/19", "12/11/19"])
    assert found.ambiguous and found.order is None
    assert set(found.orders) == {"dmy", "mdy"}


def test_iso_and_spelled_out_dates_are_never_ambiguous() -> None:
    assert values.inspect_dates(["2019-01-03", "2019-03-01"]).order == "ymd"
    assert not values.inspect_dates(["1 Mar 2019", "3 Jan 2019"]).ambiguous


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DD/MM/YYYY", "dmy"),
        ("MM/DD/YY", "mdy"),
        ("%d/%m/%y", "dmy"),
        ("iso", "ymd"),
        ("mdy", "mdy"),
    ],
)
def test_date_formats_for_the_command_line(text, expected) -> None:
    assert values.normalise_date_format(text) == expected


def test_an_unknown_date_format_is_refused() -> None:
    with pytest.raises(ValueProblem, match="not a date format"):
        values.normalise_date_format("whenever")


# ---------------------------------------------------------------- properties

amounts = st.decimals(
    min_value=Decimal("-99999999.99"),
    max_value=Decimal("99999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)


def _grouped(integer: int, separator: str) -> str:
    text = f"{integer:,}"
    return text.replace(",", separator)


def _write(value: Decimal, style: str) -> str:
    negative = value < 0
    integer, cents = divmod(abs(value) * 100, 100)
    integer, cents = int(integer), int(cents)
    body = {
        "plain": f"{integer}.{cents:02d}",
        "us": f"{_grouped(integer, ',')}.{cents:02d}",
        "eu": f"{_grouped(integer, '.')},{cents:02d}",
        "space": f"{_grouped(integer, ' ')},{cents:02d}",
        "us_code": f"USD {_grouped(integer, ',')}.{cents:02d}",
        "eu_symbol": f"{_grouped(integer, '.')},{cents:02d} €",
        "dollar": f"${_grouped(integer, ',')}.{cents:02d}",
    }[style]
    if negative:
        return f"({body})" if style in ("us", "dollar") else f"-{body}"
    return body


@settings(max_examples=300)
@given(
    column=st.lists(amounts, min_size=1, max_size=30),
    style=st.sampled_from(["plain", "us", "eu", "space", "us_code", "eu_symbol", "dollar"]),
)
def test_amounts_round_trip_in_every_style(column, style) -> None:
    cells = [_write(value, style) for value in column]
    decimal = values.detect_decimal_separator(cells)
    assert [values.parse_decimal(cell, decimal) for cell in cells] == column


dates = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2060, 12, 31))


def _write_date(day: dt.date, order: str, separator: str, long_year: bool) -> str:
    year = f"{day.year}" if long_year else f"{day.year % 100:02d}"
    parts = {
        "dmy": (f"{day.day:02d}", f"{day.month:02d}", year),
        "mdy": (f"{day.month}", f"{day.day}", year),
        "ymd": (f"{day.year}", f"{day.month:02d}", f"{day.day:02d}"),
    }[order]
    return separator.join(parts)


@settings(max_examples=300)
@given(
    column=st.lists(dates, min_size=1, max_size=40),
    order=st.sampled_from(["dmy", "mdy", "ymd"]),
    separator=st.sampled_from(["/", ".", "-"]),
    long_year=st.booleans(),
)
def test_dates_round_trip_or_the_column_asks(column, order, separator, long_year) -> None:
    if not long_year:
        assume(all(2000 <= day.year < 2069 for day in column))
    cells = [_write_date(day, order, separator, long_year) for day in column]
    found = values.inspect_dates(cells)
    either_way = all(day.day <= 12 for day in column) and order != "ymd"
    if either_way and any(day.day != day.month for day in column):
        # both readings fit every value: the import must ask, never guess
        assert found.ambiguous
        assert [values.parse_date(cell, order) for cell in cells] == column
    else:
        assert not found.ambiguous
        if not either_way or order == "ymd":
            assert found.order in (order, "ymd")
        assert [values.parse_date(cell, found.order or order) for cell in cells] == column


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), min_size=1, max_size=20))
def test_text_without_digits_is_never_a_number(text) -> None:
    assume(text.strip())
    with pytest.raises(ValueProblem):
        values.parse_money(text, ".")


@settings(max_examples=200)
@given(st.text(min_size=1, max_size=12))
def test_any_text_is_a_date_or_refused_never_an_error(text) -> None:
    for order in ("dmy", "mdy"):
        try:
            result = values.parse_date(text, order)
        except ValueProblem:
            continue
        assert result is None if not text.strip() else isinstance(result, dt.date)
