"""Imports: CSV/XLSX exports from other systems into the workspace, as undoable batches.

The steps, each in its own module:
    tables    bytes -> tables of cells (encoding, delimiter, header, footer, XLSX sheets)
    values    cells -> numbers, money, percentages, dates, booleans (formats found per column)
    fields    what each kind of record (deals, accounts, reps, products, orders, returns) holds
    sources   which system a file comes from, and the column mapping that implies
    mapping   the mapping a user confirmed (stages, owners, options), saved as named profiles
    records   a table + a mapping -> typed records, or the reason a row cannot load
    planning  upload -> plans -> preview -> load: what the Imports page and the CLI call
    loading   records -> the workspace, one transaction, one batch per table (preview = rolled
              back); deals through dashboard.deals row by row
    kinds     accounts, reps and teams, products, order lines, returns
    bulk      the set-based path for large deal files, identical in effect to the row path
    batches   batch history, rejects, undo
    figures   what was loaded: order revenue by region, state, year; deals by stage, owner...
"""

from __future__ import annotations

from dashboard.config import get_settings
from dashboard.errors import DomainError


class ImportRefused(DomainError):
    """A file that cannot be imported at all; nothing was changed. str() says why."""


def max_upload_bytes() -> int:
    """The largest file an import accepts (setting SALES_IMPORT_MAX_MB)."""
    return int(get_settings().import_max_mb * 1024 * 1024)
