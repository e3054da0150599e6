"""Metric definitions: what every figure on the dashboard means."""

import pandas as pd
import streamlit as st

from dashboard.metrics import METRIC_DEFINITIONS
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

require_viewer(__file__)

st.title("Metric definitions")
st.caption(
    "Every figure in the dashboard is computed from these definitions, in the reporting "
    "currency (USD). Periods are half-open: a deal closed on the last day of a quarter counts "
    "in that quarter."
)
definitions = pd.DataFrame(
    {"Metric": list(METRIC_DEFINITIONS), "Definition": list(METRIC_DEFINITIONS.values())}
)
table(definitions, "definitions", "metric_definitions")
