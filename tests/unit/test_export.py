"""Downloads never carry a live spreadsheet formula."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import export


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=x", '=HYPERLINK("http://x")']
)
def test_formula_like_text_is_quoted(text: str) -> None:
    assert export.neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Acme", "", 12, -5.5, None])
def test_other_cells_are_unchanged(value) -> None:
    assert export.neutralise_cell(value) == value


def test_csv_and_xlsx_downloads_are_neutralised() -> None:
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Acme"], "amount": [-10.5, 20.0]})
    csv_text = export.to_csv_bytes(frame).decode("utf-8-sig")
    assert "'=cmd" in csv_text
    assert "-10.5" in csv_text  # numbers stay numbers
    workbook = load_workbook(io.BytesIO(export.to_xlsx_bytes(frame, "deals")))
    sheet = workbook["deals"]
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["B2"].value == -10.5
