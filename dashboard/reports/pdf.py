"""A pack as PDF (reportlab), with its charts drawn offline by matplotlib.

The document is built from the pack's figures and `meta` alone, with reportlab's invariant
mode on and fonts embedded (DejaVu Sans, shipped with matplotlib), so the same published
pack gives the same bytes every time and reads the same on any machine.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from dashboard.reports import model
from dashboard.reports.formatting import format_cell, format_value
from dashboard.reports.render import describe
from dashboard.reports.static_charts import chart_aspect, chart_png

MAX_TABLE_ROWS = 400
FONT = "DejaVuSans"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 16 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK, MUTED, RULE, BAND = (
    colors.HexColor("#0f172a"),
    colors.HexColor("#64748b"),
    colors.HexColor("#cbd5e1"),
    colors.HexColor("#f1f5f9"),
)
STATUS_COLOURS = {
    "draft": colors.HexColor("#b45309"),
    "in_review": colors.HexColor("#1d4ed8"),
    "approved": colors.HexColor("#15803d"),
    "published": colors.HexColor("#0f172a"),
}
_FONT_FILES = {
    FONT: "DejaVuSans.ttf",
    f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
    f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
    f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
}


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    for name, file in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Oblique",
        boldItalic=f"{FONT}-BoldOblique",
    )


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=8.5, leading=11, textColor=INK)
    return {
        "body": base,
        "title": ParagraphStyle(
            "title", parent=base, fontName=f"{FONT}-Bold", fontSize=19, leading=24, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=10, leading=13, textColor=MUTED, spaceAfter=8
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=13,
            leading=16,
            spaceBefore=12,
            spaceAfter=6,
            textColor=colors.HexColor("#1e3a8a"),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=f"{FONT}-Bold",
            fontSize=9.5,
            leading=12,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "note": ParagraphStyle(
            "note",
            parent=base,
            fontName=f"{FONT}-Oblique",
            fontSize=7.5,
            leading=9.5,
            textColor=MUTED,
            spaceAfter=3,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "cell_right": ParagraphStyle(
            "cell_right", parent=base, fontSize=7.5, leading=9, alignment=TA_RIGHT
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=9, textColor=MUTED),
    }


class _NumberedCanvas(Canvas):
    """Writes 'page N of M' and the pack's footer once the page count is known."""

    footer_text = ""
    watermark = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, 12 * mm, PAGE_WIDTH - MARGIN, 12 * mm)
        self.setFont(FONT, 7)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, 8 * mm, self.footer_text)
        self.drawRightString(PAGE_WIDTH - MARGIN, 8 * mm, f"Page {self._pageNumber} of {total}")
        if self.watermark:
            self.setFillColor(colors.Color(0.85, 0.45, 0.05, alpha=0.10))
            self.setFont(f"{FONT}-Bold", 64)
            self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            self.rotate(40)
            self.drawCentredString(0, 0, self.watermark)
        self.restoreState()


def _paragraph(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _status_block(figures: dict, meta: dict[str, Any], styles: dict[str, ParagraphStyle]) -> Table:
    status = meta.get("status", "draft")
    rows = [
        [_paragraph(label, styles["small"]), _paragraph(text, styles["cell"])]
        for label, text in describe(figures, meta)
        if label != "Title"
    ]
    block = Table(rows, colWidths=[38 * mm, CONTENT_WIDTH - 38 * mm])
    block.setStyle(
        TableStyle(
            [
                ("LINEBEFORE", (0, 0), (0, -1), 3, STATUS_COLOURS.get(status, MUTED)),
                ("BACKGROUND", (0, 0), (-1, -1), BAND),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return block


def _figure_grid(section: dict, styles: dict[str, ParagraphStyle]) -> Table | None:
    items = section["figures"]
    if not items:
        return None
    cells = []
    for item in items:
        value = escape(format_value(item["value"], item["unit"]))
        note = (
            f'<br/><font size="6.5" color="#64748b">{escape(item["note"])}</font>'
            if item.get("note")
            else ""
        )
        cells.append(
            (
                _paragraph(item["label"], styles["cell"]),
                Paragraph(f"<b>{value}</b>{note}", styles["cell_right"]),
            )
        )
    if len(cells) % 2:
        cells.append((Paragraph("", styles["cell"]), Paragraph("", styles["cell"])))
    half = len(cells) // 2
    rows = [[*cells[index], *cells[index + half]] for index in range(half)]
    width = CONTENT_WIDTH / 2
    grid = Table(rows, colWidths=[width * 0.58, width * 0.42] * 2)
    grid.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (2, 0), (2, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return grid


def _text_width(text: str, size: float = 7.5, bold: bool = False) -> float:
    return pdfmetrics.stringWidth(text, f"{FONT}-Bold" if bold else FONT, size)


def _column_widths(table: dict, rows: list[list[Any]]) -> list[float]:
    """Widths that fit each column's content where they can, and never break a header word."""
    padding = 8
    floors, naturals = [], []
    for index, spec in enumerate(table["columns"]):
        header = max(_text_width(word, bold=True) for word in spec["label"].split())
        cells = [format_cell(row[index], spec["unit"])[:40] for row in rows[:200]]
        content = max([header] + [_text_width(cell) for cell in cells])
        floors.append(header + padding)
        naturals.append(content + padding)
    total = sum(naturals)
    if total <= CONTENT_WIDTH:
        return [width * CONTENT_WIDTH / total for width in naturals]
    # shrink what is wider than its header, in proportion, down to the headers
    spare = CONTENT_WIDTH - sum(floors)
    extra = [natural - floor for natural, floor in zip(naturals, floors, strict=True)]
    scale = max(spare, 0) / sum(extra) if sum(extra) else 0
    widths = [floor + part * scale for floor, part in zip(floors, extra, strict=True)]
    return [width * CONTENT_WIDTH / sum(widths) for width in widths]


def _data_table(table: dict, styles: dict[str, ParagraphStyle]) -> list[Any]:
    flowables: list[Any] = [_paragraph(table["title"], styles["h2"])]
    rows = table["rows"][:MAX_TABLE_ROWS]
    if not rows:
        flowables.append(_paragraph("No rows for this period and scope.", styles["note"]))
        return flowables
    header = [
        Paragraph(
            f"<b>{escape(spec['label'])}</b>",
            styles["cell_right" if spec["unit"] not in ("text", "date") else "cell"],
        )
        for spec in table["columns"]
    ]
    body = []
    for row in rows:
        cells = []
        for value, spec in zip(row, table["columns"], strict=True):
            text = format_cell(value, spec["unit"])
            cells.append(
                _paragraph(text, styles["cell"]) if spec["unit"] in ("text", "date") else text
            )
        body.append(cells)
    grid = Table([header, *body], colWidths=_column_widths(table, rows), repeatRows=1)
    numeric = [
        index for index, spec in enumerate(table["columns"]) if spec["unit"] not in ("text", "date")
    ]
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e2e8f0")),
        ("FONTNAME", (0, 1), (-1, -1), FONT),
        ("FONTSIZE", (0, 1), (-1, -1), 7.5),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, MUTED),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, BAND]),
    ]
    commands += [("ALIGN", (index, 1), (index, -1), "RIGHT") for index in numeric]
    grid.setStyle(TableStyle(commands))
    flowables.append(grid)
    if len(table["rows"]) > MAX_TABLE_ROWS:
        flowables.append(
            _paragraph(
                f"The first {MAX_TABLE_ROWS:,} of {len(table['rows']):,} rows; the XLSX, CSV and JSON "
                "files hold them all.",
                styles["note"],
            )
        )
    if table.get("note"):
        flowables.append(_paragraph(table["note"], styles["note"]))
    return flowables


def _chart(chart: dict, section: dict) -> Image | None:
    table = model.find_table(section, chart["table"])
    if table is None:
        return None
    png = chart_png(chart, table)
    if png is None:
        return None
    width = CONTENT_WIDTH
    return Image(io.BytesIO(png), width=width, height=width * chart_aspect(png))


def to_pdf_bytes(
    figures: dict, meta: dict[str, Any], progress: Callable[[float, str], None] | None = None
) -> bytes:
    """The pack as a PDF document (bytes)."""
    _register_fonts()
    report = progress or (lambda fraction, message: None)
    styles = _styles()
    pack = figures["pack"]
    story: list[Any] = [
        _paragraph(pack["title"], styles["title"]),
        _paragraph(
            f"{pack['period']} · {pack['scope']} · amounts in {pack['currency']}",
            styles["subtitle"],
        ),
        _status_block(figures, meta, styles),
        Spacer(1, 6 * mm),
    ]
    sections = figures["sections"]
    for number, section in enumerate(sections):
        report(number / (len(sections) + 1), f"Rendering {section['title'].lower()}")
        head = [_paragraph(section["title"], styles["h1"])]
        grid = _figure_grid(section, styles)
        if grid is not None:
            head.append(grid)
        story.append(KeepTogether(head))
        for note in section["notes"]:
            story.append(_paragraph(note, styles["note"]))
        for chart in section["charts"]:
            image = _chart(chart, section)
            if image is not None:
                story += [Spacer(1, 3 * mm), image]
        for table in section["tables"]:
            story += _data_table(table, styles)
    report(len(sections) / (len(sections) + 1), "Rendering definitions")
    story.append(_paragraph("Definitions", styles["h1"]))
    definitions = Table(
        [
            [
                _paragraph(item["term"], styles["cell"]),
                _paragraph(item["definition"], styles["cell"]),
            ]
            for item in figures["definitions"]
        ],
        colWidths=[42 * mm, CONTENT_WIDTH - 42 * mm],
    )
    definitions.setStyle(
        TableStyle(
            [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE)]
        )
    )
    story.append(definitions)

    status = meta.get("status", "draft")
    digest = meta.get("content_hash") or ""
    canvas_class = type(
        "PackCanvas",
        (_NumberedCanvas,),
        {
            "footer_text": f"{pack['title']} · {meta.get('status_label', status)}"
            + (f" · sha256 {digest[:16]}" if digest else ""),
            "watermark": ""
            if status in ("approved", "published")
            else "DRAFT"
            if status == "draft"
            else "IN REVIEW",
        },
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=pack["title"],
        subject=f"{pack['period']} · {pack['scope']}",
        author="Sales dashboard",
        creator="Sales dashboard",
        invariant=1,
    )
    document.build(story, canvasmaker=canvas_class)
    report(1.0, "PDF ready")
    return buffer.getvalue()
