"""Build the map shapes shipped in this folder from the us-atlas and world-atlas TopoJSON files.

Run once by hand when the shapes should change (never at run time, never in tests):

    npm pack us-atlas@3 world-atlas@2        # ISC licence; data: US Census, Natural Earth
    tar xzf us-atlas-3.0.1.tgz && mv package us-atlas
    tar xzf world-atlas-2.0.2.tgz && mv package world-atlas
    pip install --target /tmp/pyc pycountry   # ISO 3166 numeric -> alpha-3, build time only
    PYTHONPATH=/tmp/pyc python -m dashboard.geo.build_shapes us-atlas world-atlas

It decodes the TopoJSON arcs, simplifies each shared arc once (so neighbours keep one
border), rounds coordinates and writes GeoJSON FeatureCollections whose feature ids are the
codes the territories table uses: ISO 3166-2 ('US-CA') for US states, ISO 3166-1 alpha-3
('DEU') for countries.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# US Census FIPS state code -> USPS code
FIPS_TO_USPS = {
    "01": "AL",
    "02": "AK",
    "04": "AZ",
    "05": "AR",
    "06": "CA",
    "08": "CO",
    "09": "CT",
    "10": "DE",
    "11": "DC",
    "12": "FL",
    "13": "GA",
    "15": "HI",
    "16": "ID",
    "17": "IL",
    "18": "IN",
    "19": "IA",
    "20": "KS",
    "21": "KY",
    "22": "LA",
    "23": "ME",
    "24": "MD",
    "25": "MA",
    "26": "MI",
    "27": "MN",
    "28": "MS",
    "29": "MO",
    "30": "MT",
    "31": "NE",
    "32": "NV",
    "33": "NH",
    "34": "NJ",
    "35": "NM",
    "36": "NY",
    "37": "NC",
    "38": "ND",
    "39": "OH",
    "40": "OK",
    "41": "OR",
    "42": "PA",
    "44": "RI",
    "45": "SC",
    "46": "SD",
    "47": "TN",
    "48": "TX",
    "49": "UT",
    "50": "VT",
    "51": "VA",
    "53": "WA",
    "54": "WV",
    "55": "WI",
    "56": "WY",
    "60": "AS",
    "66": "GU",
    "69": "MP",
    "72": "PR",
    "78": "VI",
}

# countries Natural Earth leaves without an ISO numeric code
UNCODED = {"Kosovo": "XKX", "N. Cyprus": "CYN", "Somaliland": "SOL"}


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Absolute longitude/latitude points of every arc (delta-decoded, transformed)."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _distance(point, start, end) -> float:
    (px, py), (ax, ay), (bx, by) = point, start, end
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return ((px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, keeping both ends (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for position in range(first + 1, last):
            distance = _distance(points[position], points[first], points[last])
            if distance > worst:
                worst, index = distance, position
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring(indexes: list[int], arcs: list[list]) -> list[list[float]]:
    ring: list = []
    for index in indexes:
        points = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        ring.extend(points if not ring else points[1:])
    return [[round(x, 3), round(y, 3)] for x, y in ring]


def _polygon(rings: list[list[int]], arcs: list[list]) -> list:
    built = [_ring(indexes, arcs) for indexes in rings]
    return [ring for ring in built if len(ring) >= 4]


def to_features(topology: dict, name: str, tolerance: float, code_of) -> list[dict]:
    raw = decode_arcs(topology)
    arcs = [simplify(arc, tolerance) for arc in raw]
    features = []
    for geometry in topology["objects"][name]["geometries"]:
        code = code_of(geometry)
        if code is None or geometry.get("type") is None:
            continue
        if geometry["type"] == "Polygon":
            polygons = [_polygon(geometry["arcs"], arcs)]
        else:
            polygons = [_polygon(part, arcs) for part in geometry["arcs"]]
        polygons = [polygon for polygon in polygons if polygon]
        if not polygons:  # too small to survive simplification (Singapore): keep it as is
            parts = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
            polygons = [p for p in (_polygon(part, raw) for part in parts) if p]
        if not polygons:
            continue
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": geometry["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return features


def main(us_atlas: str, world_atlas: str) -> None:
    import pycountry  # build time only

    states = json.loads((Path(us_atlas) / "states-10m.json").read_text())
    us_features = to_features(
        states,
        "states",
        0.02,
        lambda geometry: (
            f"US-{FIPS_TO_USPS[geometry['id']]}" if geometry.get("id") in FIPS_TO_USPS else None
        ),
    )

    def country_code(geometry: dict) -> str | None:
        if "id" not in geometry:
            return UNCODED.get(geometry["properties"]["name"])
        country = pycountry.countries.get(numeric=geometry["id"])
        return country.alpha_3 if country else None

    world = json.loads((Path(world_atlas) / "countries-50m.json").read_text())
    world_features = to_features(world, "countries", 0.12, country_code)
    for file_name, features in (
        ("us_states.geojson", us_features),
        ("world_countries.geojson", world_features),
    ):
        (HERE / file_name).write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
        )
        print(file_name, len(features), (HERE / file_name).stat().st_size, file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
