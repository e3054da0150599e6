"""Sample values for the parameters of queries/pipeline."""

import datetime as dt

SAMPLES = {
    "lead_ratings": ["hot", "warm"],
    "lead_sources": ["Referral"],
    "close_from": dt.date(2026, 10, 1),
    "close_to": dt.date(2026, 12, 31),
    "search_text": "atlas",
    "deal_status": "open",
    "deal_sort": "amount",
    "per_stage": 10,
    "row_offset": 0,
    "reporting_currency": "USD",
    "activity_type": "call",
    "subject": "Discovery call",
    "notes": None,
    "due_date": dt.date(2026, 12, 9),
    "is_done": True,
    "created_by": 1,
    "activity_id": 1,
    "done_at": dt.datetime(2026, 11, 25, 12, 0),
    "done_by": 1,
    "today": dt.date(2026, 11, 25),
    "score": 4,
    "comment": "Smooth installation",
    "received_at": dt.datetime(2026, 11, 25, 12, 0),
}
