"""A pack out of the app: JSON (every figure), CSV (one figure per line), XLSX (formatted,
one sheet per section). PDF lives in dashboard.reports.pdf.

`meta` describes the pack as shown (status, content hash, who submitted, approved and
published it, when); the figures themselves come from the pack's stored snapshot once it
is frozen, so a published pack renders the same every time.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from dashboard.export import neutralise_cell
from dashboard.reports import model

FORMATS = ("pdf", "xlsx", "csv", "json")
MIME_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "json": "application/json",
}
XLSX_FORMATS = {
    "money": "$#,##0.00;-$#,##0.00",
    "count": "#,##0",
    "ratio": "0.0%",
    "days": "#,##0.0",
    "months": "#,##0.0",
    "multiple": '0.00"×"',
    "number": "#,##0.####",
    "text": "@",
    "date": "@",
}
META_LABELS = [
    ("pack_id", "Pack"),
    ("status_label", "Status"),
    ("content_hash", "Content hash (sha256)"),
    ("data_as_of", "Data as of"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("published", "Published"),
]


def describe(figures: dict, meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The pack's identity as (label, text) pairs: title, period, scope, status, hash, ..."""
    pack = figures["pack"]
    lines = [
        ("Title", pack["title"]),
        ("Period", f"{pack['period']} ({pack['period_start']} to {pack['period_end']})"),
        ("Scope", pack["scope"]),
        ("Currency", pack["currency"]),
    ]
    for key, label in META_LABELS:
        if meta.get(key) not in (None, ""):
            lines.append((label, str(meta[key])))
    return lines


def to_json_bytes(figures: dict, meta: dict[str, Any]) -> bytes:
    """The whole pack as JSON: every figure, the definitions and `meta` (status, hash, ...)."""
    document = {**figures, "meta": meta}
    return (
        json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True, default=str) + "\n"
    ).encode("utf-8")


def to_csv_bytes(figures: dict, meta: dict[str, Any]) -> bytes:
    """One line per figure: section, item, row, column, value, unit (plus the pack's identity)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "item", "row", "column", "value", "unit"])
    for label, text in describe(figures, meta):
        writer.writerow(["Pack", label, "", "", neutralise_cell(text), "text"])
    for row in model.flatten(figures):
        writer.writerow(
            [
                neutralise_cell(row["section"]),
                neutralise_cell(row["item"]),
                neutralise_cell(row["row"]),
                neutralise_cell(row["column"]),
                "" if row["value"] is None else neutralise_cell(row["value"]),
                row["unit"],
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(char for char in title if char not in "[]:*?/\\")[:31] or "Section"
    name, number = base, 2
    while name.lower() in used:
        suffix = f" {number}"
        name, number = base[: 31 - len(suffix)] + suffix, number + 1
    used.add(name.lower())
    return name


def to_xlsx_bytes(figures: dict, meta: dict[str, Any]) -> bytes:
    """A workbook: an About sheet, one formatted sheet per section, and the definitions."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties({"title": figures["pack"]["title"], "subject": figures["pack"]["period"]})
    title_format = book.add_format({"bold": True, "font_size": 14, "font_color": "#0f172a"})
    heading_format = book.add_format({"bold": True, "font_size": 11, "font_color": "#1e3a8a"})
    header_format = book.add_format(
        {"bold": True, "bg_color": "#e2e8f0", "border": 1, "text_wrap": True, "valign": "top"}
    )
    note_format = book.add_format({"italic": True, "font_color": "#475569", "text_wrap": False})
    label_format = book.add_format({"bold": True})
    number_formats = {
        unit: book.add_format({"num_format": code}) for unit, code in XLSX_FORMATS.items()
    }
    used: set[str] = set()

    about = book.add_worksheet(_sheet_name("About", used))
    about.write_string(0, 0, neutralise_cell(figures["pack"]["title"]), title_format)
    for row, (label, text) in enumerate(describe(figures, meta), start=2):
        about.write_string(row, 0, label, label_format)
        about.write_string(row, 1, str(neutralise_cell(text)))
    row = len(describe(figures, meta)) + 3
    about.write_string(row, 0, "Sections", heading_format)
    for offset, section in enumerate(figures["sections"], start=1):
        about.write_string(row + offset, 0, section["title"])
    about.set_column(0, 0, 24)
    about.set_column(1, 1, 80)

    def write_value(sheet: Any, row: int, column: int, value: Any, unit: str) -> None:
        if value is None:
            sheet.write_blank(row, column, None)
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            and unit not in ("text", "date")
        ):
            sheet.write_number(row, column, value, number_formats[unit])
        else:
            sheet.write_string(row, column, str(neutralise_cell(str(value))))

    for section in figures["sections"]:
        sheet = book.add_worksheet(_sheet_name(section["title"], used))
        sheet.write_string(0, 0, section["title"], title_format)
        widths = [28, 18, 18]
        row = 2
        if section["figures"]:
            for col, label in enumerate(("Figure", "Value", "Note")):
                sheet.write_string(row, col, label, header_format)
            for item in section["figures"]:
                row += 1
                sheet.write_string(row, 0, item["label"])
                write_value(sheet, row, 1, item["value"], item["unit"])
                if item.get("note"):
                    sheet.write_string(row, 2, item["note"], note_format)
                widths[0] = max(widths[0], len(item["label"]) + 2)
            row += 2
        for note in section["notes"]:
            sheet.write_string(row, 0, str(neutralise_cell(note)), note_format)
            row += 1
        if section["notes"]:
            row += 1
        for tab in section["tables"]:
            sheet.write_string(row, 0, tab["title"], heading_format)
            row += 1
            for col, spec in enumerate(tab["columns"]):
                sheet.write_string(row, col, spec["label"], header_format)
                while len(widths) <= col:
                    widths.append(12)
                widths[col] = max(widths[col], min(len(spec["label"]) + 2, 40))
            first_data_row = row + 1
            for values in tab["rows"]:
                row += 1
                for col, (value, spec) in enumerate(zip(values, tab["columns"], strict=True)):
                    write_value(sheet, row, col, value, spec["unit"])
                    if spec["unit"] in ("text", "date") and value is not None:
                        widths[col] = max(widths[col], min(len(str(value)) + 2, 48))
            if tab["rows"]:
                sheet.autofilter(first_data_row - 1, 0, row, len(tab["columns"]) - 1)
            else:
                row += 1
                sheet.write_string(row, 0, "(no rows)", note_format)
            if tab.get("note"):
                row += 1
                sheet.write_string(row, 0, tab["note"], note_format)
            row += 2
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)

    definitions = book.add_worksheet(_sheet_name("Definitions", used))
    definitions.write_string(0, 0, "Definitions", title_format)
    definitions.write_string(2, 0, "Term", header_format)
    definitions.write_string(2, 1, "Definition", header_format)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for row, item in enumerate(figures["definitions"], start=3):
        definitions.write_string(row, 0, item["term"], label_format)
        definitions.write_string(row, 1, item["definition"], wrap)
    definitions.set_column(0, 0, 30)
    definitions.set_column(1, 1, 100)
    book.close()
    return buffer.getvalue()


def render(
    figures: dict,
    meta: dict[str, Any],
    fmt: str,
    progress: Callable[[float, str], None] | None = None,
) -> bytes:
    """The pack in one of FORMATS."""
    if fmt == "json":
        return to_json_bytes(figures, meta)
    if fmt == "csv":
        return to_csv_bytes(figures, meta)
    if fmt == "xlsx":
        return to_xlsx_bytes(figures, meta)
    if fmt == "pdf":
        from dashboard.reports.pdf import to_pdf_bytes

        return to_pdf_bytes(figures, meta, progress)
    raise ValueError(f"unknown format {fmt!r}")
