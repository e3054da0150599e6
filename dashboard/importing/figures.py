"""Figures of what was imported: order revenue by region, state or year, and deals by stage,
owner or account state — what an analyst checks after loading a file."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dashboard import sql
from dashboard.auth import Viewer
from dashboard.errors import ValidationError

ORDER_GROUPS = (
    "region",
    "state",
    "country",
    "city",
    "segment",
    "category",
    "ship_mode",
    "year",
    "month",
)
DEAL_GROUPS = (
    "stage",
    "owner",
    "team",
    "account",
    "account_state",
    "account_country",
    "product",
    "source_system",
)
ORDER_MONEY = ("quantity", "sales", "profit", "returned")
DEAL_MONEY = ("won_amount", "lost_amount", "open_amount", "weighted_amount")


def summarise_orders(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    by: str | None = None,
    batch_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Orders, lines, quantity, sales, profit and returns per group (one row 'All' without by)."""
    if by is not None and by not in ORDER_GROUPS:
        raise ValidationError(
            f"cannot group orders by {by!r}; choose one of {', '.join(ORDER_GROUPS)}"
        )
    frame = sql.fetch_df(
        cur,
        "imports/summarise_orders",
        group_by=by,
        batch_id=batch_id,
        start=start,
        end=end,
        **viewer.scope_params(),
    )
    for column in ORDER_MONEY:
        frame[column] = frame[column].astype(float)
    return frame


def summarise_deals(
    cur: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    by: str | None = None,
    batch_id: int | None = None,
    source_system: str | None = None,
) -> pd.DataFrame:
    """Deals, won, lost and open (counts and amounts) per group of the deals loaded."""
    if by is not None and by not in DEAL_GROUPS:
        raise ValidationError(
            f"cannot group deals by {by!r}; choose one of {', '.join(DEAL_GROUPS)}"
        )
    frame = sql.fetch_df(
        cur,
        "imports/summarise_deals",
        group_by=by,
        batch_id=batch_id,
        source_system=source_system,
        **viewer.scope_params(),
    )
    for column in DEAL_MONEY:
        frame[column] = frame[column].astype(float)
    return frame.drop(columns=["group_order"])
