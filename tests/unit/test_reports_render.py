"""Packs out of the app: the PDF opens and holds the figures, XLSX is formatted, CSV and JSON
carry every figure."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from dashboard.db import Database, migrate
from dashboard.reports import figures, model, render, workflow
from dashboard.reports.formatting import format_value
from tests.unit.test_reports import Q2, TODAY, insert_workspace


@pytest.fixture(scope="module")
def packs() -> dict[str, dict]:
    database = Database(":memory:")
    migrate(database)
    with database.transaction() as cur:
        insert_workspace(cur)
        # a customer whose name a spreadsheet would run as a formula
        cur.execute("update accounts set account_name = '=HYPERLINK(\"x\")' where account_id = 3")
    with database.reading() as cur:
        computed = {
            kind: figures.compute_pack(cur, kind, Q2, today=TODAY) for kind in figures.PACK_KINDS
        }
    database.close()
    return computed


def meta_for(pack: dict, status: str = "published") -> dict:
    return {
        "pack_id": "#7",
        "status": status,
        "status_label": workflow.STATUS_LABELS[status],
        "content_hash": model.content_hash(model.canonical_json(pack)),
        "data_as_of": TODAY.isoformat(),
        "approved": "2026-07-03 10:00 by Erin Executive",
    }


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("kind", figures.PACK_KINDS)
def test_every_pack_makes_a_pdf_that_opens_with_its_figures(packs, kind) -> None:
    pack = packs[kind]
    data = render.render(pack, meta_for(pack), "pdf")
    assert data.startswith(b"%PDF-")
    reader, text = pdf_text(data)
    assert 1 <= len(reader.pages) <= 12
    assert reader.metadata.title == pack["pack"]["title"]
    assert pack["pack"]["title"] in text
    assert "Definitions" in text
    assert meta_for(pack)["content_hash"] in text
    for section in pack["sections"]:
        assert section["title"] in text
        for item in section["figures"]:
            assert format_value(item["value"], item["unit"]) in text, item["label"]


def test_the_investor_pdf_holds_the_hand_worked_figures(packs) -> None:
    pack = packs["investor"]
    _, text = pdf_text(render.render(pack, meta_for(pack), "pdf"))
    for expected in (
        "$7,200.00",  # bookings
        "75.0%",  # win rate
        "$4,700.00",  # gross sales
        "$3,600.00",  # net revenue
        "$5,200.00",  # ARR at the end
        "0.62×",  # next quarter's coverage, 0.625
        "26.0 months",  # CAC payback
        "Approved",
        "2026-07-03 10:00 by Erin Executive",
    ):
        assert expected in text, expected


def test_a_draft_pdf_says_so_on_every_page(packs) -> None:
    pack = packs["partner"]
    reader, _ = pdf_text(render.render(pack, meta_for(pack, "draft"), "pdf"))
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()


def test_the_pdf_is_the_same_bytes_every_time(packs) -> None:
    pack = packs["board"]
    assert render.render(pack, meta_for(pack), "pdf") == render.render(pack, meta_for(pack), "pdf")


def test_long_tables_are_cut_in_the_pdf_but_not_in_the_files(packs) -> None:
    pack = json.loads(json.dumps(packs["government"]))
    grid = model.find_table(model.find_section(pack, "monthly"), "by_state_month")
    grid["rows"] = [
        ["US", f"State {number:03d}", "2026-04", 1, 1.0, 10.0, 0, 0.0, 10.0]
        for number in range(900)
    ]
    reader, text = pdf_text(render.render(pack, meta_for(pack), "pdf"))
    assert "The first 400 of 900 rows" in text
    assert len(reader.pages) <= 16
    rows = list(
        csv.reader(io.StringIO(render.to_csv_bytes(pack, meta_for(pack)).decode("utf-8-sig")))
    )
    assert sum(1 for row in rows if row[1] == "Sales and returns by state and month") == 900 * 6


def test_xlsx_has_one_formatted_sheet_per_section(packs) -> None:
    pack = packs["investor"]
    book = load_workbook(io.BytesIO(render.to_xlsx_bytes(pack, meta_for(pack))))
    assert book.sheetnames == ["About"] + [
        section["title"][:31] for section in pack["sections"]
    ] + ["Definitions"]
    sales = book["Sales performance"]
    assert sales["A1"].value == "Sales performance"
    assert sales["A4"].value == "Bookings"
    assert sales["B4"].value == 7200.0
    assert sales["B4"].number_format.startswith("$#,##0.00")
    win_rate_row = next(row for row in sales.iter_rows() if row[0].value == "Win rate (count)")
    assert win_rate_row[1].value == 0.75 and win_rate_row[1].number_format == "0.0%"
    about = {
        row[0].value: row[1].value for row in book["About"].iter_rows(min_row=3) if row[0].value
    }
    assert about["Status"] == "Published"
    assert about["Content hash (sha256)"] == meta_for(pack)["content_hash"]
    customers = book["Customer concentration"]
    names = [row[1].value for row in customers.iter_rows() if row[1].value]
    assert '\'=HYPERLINK("x")' in names  # text that would run as a formula is quoted


def test_csv_has_every_figure_on_a_line(packs) -> None:
    pack = packs["investor"]
    rows = list(
        csv.DictReader(io.StringIO(render.to_csv_bytes(pack, meta_for(pack)).decode("utf-8-sig")))
    )
    flat = list(model.flatten(pack))
    assert len([row for row in rows if row["section"] != "Pack"]) == len(flat)
    bookings = next(row for row in rows if row["item"] == "Bookings" and row["row"] == "")
    assert (bookings["section"], bookings["value"], bookings["unit"]) == (
        "Sales performance",
        "7200.0",
        "money",
    )
    assert any(row["value"].startswith("'=HYPERLINK") for row in rows)


def test_json_holds_every_figure_and_the_meta(packs) -> None:
    pack = packs["government"]
    document = json.loads(render.to_json_bytes(pack, meta_for(pack)))
    assert document["meta"]["status"] == "published"
    assert {key: document[key] for key in pack} == pack
    assert model.figure_value(document, "government", "gross_sales") == 4700.0


def test_charts_are_drawn_offline_as_png(packs) -> None:
    from dashboard.reports.static_charts import chart_png

    for pack in packs.values():
        for section in pack["sections"]:
            for chart in section["charts"]:
                table = model.find_table(section, chart["table"])
                png = chart_png(chart, table)
                if table["rows"]:
                    assert png.startswith(b"\x89PNG")
                else:
                    assert png is None
