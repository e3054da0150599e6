"""Metric definitions: what every figure on the dashboard means."""

import streamlit as st

from dashboard.glossary import list_definitions
from dashboard.ui.session import require_viewer
from dashboard.ui.widgets import table

require_viewer(__file__)

st.title("Metric definitions")
st.caption(
    "Every figure in the dashboard is computed from these definitions, in the reporting "
    "currency (USD). Periods are half-open: a deal closed on the last day of a quarter counts "
    "in that quarter. The same definitions appear as help next to the figures on each page."
)
definitions = list_definitions()
areas = list(dict.fromkeys(definitions["area"]))
chosen = st.pills("Area", areas, selection_mode="multi", default=areas, key="definitions_areas")
search = st.text_input("Search", key="definitions_search", placeholder="e.g. win rate")
shown = definitions[definitions["area"].isin(chosen or areas)]
if search.strip():
    needle = search.strip().lower()
    shown = shown[
        shown["metric"].str.lower().str.contains(needle, regex=False)
        | shown["definition"].str.lower().str.contains(needle, regex=False)
    ]
if shown.empty:
    st.info("No definition matches. Clear the search to see them all.")
else:
    table(
        shown.rename(columns={"area": "Area", "metric": "Metric", "definition": "Definition"}),
        "definitions",
        "metric_definitions",
    )
