"""Map shapes shipped with the project (GeoJSON), so maps render with no network access.

us_states.geojson: US states and territories, feature id = ISO 3166-2 ('US-CA').
world_countries.geojson: countries, feature id = ISO 3166-1 alpha-3 ('DEU').
Both come from the us-atlas / world-atlas packages (ISC licence; US Census and Natural Earth
data, public domain), simplified by build_shapes.py.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHAPES = {"states": "us_states.geojson", "countries": "world_countries.geojson"}


@cache
def load_shapes(kind: str) -> dict:
    """The GeoJSON FeatureCollection for 'states' or 'countries' (read once)."""
    if kind not in SHAPES:
        raise ValueError(f"no shapes named {kind!r}")
    return json.loads((HERE / SHAPES[kind]).read_text(encoding="utf-8"))
