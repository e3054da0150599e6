"""Sample values for the parameters of queries/funnel, queries/territory, queries/forecast."""

import datetime as dt
from decimal import Decimal

SAMPLES: dict[str, object] = {
    "rep_ids": [1, 2],  # the reps a viewer may see (None = every rep)
    "through_event_id": 0,
    "events_seen": 0,
    "deals_seen": 0,
    "refreshed_at": dt.datetime(2026, 11, 25, 18, 0),
    "full_rebuild": False,
    "held": True,
    "month": dt.date(2026, 10, 1),
    "quarter_starts": [dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1)],
    "orders_seen": 0,
    "last_order_id": 0,
    "order_lines_seen": 0,
    "last_order_line_id": 0,
    "returns_seen": 0,
    "last_return_id": 0,
    "accounts_seen": 0,
    "accounts_hash": 0,
    "slice_by": "none",
    "cohort": "created",
    "compare_start": dt.datetime(2026, 7, 1),
    "compare_end": dt.datetime(2026, 10, 1),
    "open_at": dt.datetime(2026, 11, 25, 18, 0),
    "compare_open_at": dt.datetime(2026, 10, 1),
    "now": dt.datetime(2026, 11, 25, 18, 0),
    "at": dt.datetime(2026, 11, 26),
    "stage_order": 3,
    "stage_id": 3,
    "state": "completed",
    "slice_key": None,
    "from_at": dt.datetime(2026, 10, 1),
    "to_at": dt.datetime(2026, 11, 26),
    "window_start": dt.date(2026, 10, 1),
    "window_end": dt.date(2027, 1, 1),
    "step": "won",
    "root_territory_id": None,
    "potential_start": dt.datetime(2025, 10, 1),
    "rule_id": 1,
    "version": 1,
    "priority": 100,
    "match_country": "US",
    "match_state": "NJ",
    "match_segment_id": None,
    "match_industry": None,
    "min_employees": None,
    "max_employees": None,
    "note": None,
    "created_by": 1,
    "account_ids": [1, 2],
    "to_territory_ids": [5, 5],
    "to_owner_rep_ids": [None, 3],
    "reassignment_id": 1,
    "from_territory_id": 4,
    "to_territory_id": 5,
    "from_owner_rep_id": 1,
    "to_owner_rep_id": 2,
    "accounts_moved": 1,
    "deals_moved": 0,
    "applied_by": 1,
    "applied_at": dt.datetime(2026, 11, 25, 18, 0),
    "territory_ids": [1, 2],
    "history_start": dt.datetime(2025, 11, 1),
    "history_end": dt.datetime(2026, 11, 25),
    "due_start": dt.date(2026, 10, 1),
    "due_end": dt.date(2027, 1, 1),
    "base_start": dt.datetime(2025, 10, 1),
    "base_end": dt.datetime(2026, 1, 1),
    "period_start": dt.date(2026, 10, 1),
    "period_end": dt.date(2027, 1, 1),
    "scope_id": None,
    "forecast_amount": Decimal("1000.00"),
    "best_case_amount": None,
    "closed_amount": Decimal("0"),
    "commit_amount": Decimal("0"),
    "best_case_open_amount": Decimal("0"),
    "pipeline_amount": Decimal("0"),
    "weighted_amount": Decimal("0"),
    "goal_amount": None,
    "submitted_by": 1,
    "submitted_at": dt.datetime(2026, 11, 25, 18, 0),
    "subject_kind": "team",
    "subject_id": 2,
}


def prepare(cur) -> None:
    """The temporary tables the history refresh statements read."""
    cur.execute(
        "create or replace temp table history_refresh_deals as "
        "select opportunity_id from opportunities limit 0"
    )
    cur.execute(
        "create or replace temp table history_refresh_cells"
        " (counts varchar, month date, owner_rep_id integer)"
    )
