"""Every definition the dashboard shows, by area: the Metric definitions page reads this."""

from __future__ import annotations

import pandas as pd

from dashboard import capacity, forecast, funnel, goals, metrics, territory
from dashboard.compensation.definitions import COMPENSATION_DEFINITIONS
from dashboard.reports.definitions import REPORT_DEFINITIONS

GOAL_METRIC_LABELS = {
    "bookings": "Bookings goal",
    "won_deals": "Won deals goal",
    "new_accounts": "New accounts goal",
    "activities": "Activities goal",
}


def _goal_definitions() -> dict[str, str]:
    return {
        GOAL_METRIC_LABELS.get(code, code): text for code, text in goals.METRIC_DEFINITIONS.items()
    }


def list_definitions() -> pd.DataFrame:
    """One row per defined figure: area (in the order of the app's pages), metric, definition."""
    areas = {
        "Overview": metrics.METRIC_DEFINITIONS,
        "Goals": _goal_definitions(),
        "Sales plans (capacity)": capacity.DEFINITIONS,
        "Funnel": funnel.FUNNEL_DEFINITIONS,
        "Territory": territory.TERRITORY_DEFINITIONS,
        "Forecast": forecast.FORECAST_DEFINITIONS,
        "Compensation": COMPENSATION_DEFINITIONS,
        "Stakeholder reports": REPORT_DEFINITIONS,
    }
    rows = [
        {"area": area, "metric": metric, "definition": text}
        for area, definitions in areas.items()
        for metric, text in definitions.items()
    ]
    return pd.DataFrame(rows, columns=["area", "metric", "definition"])
