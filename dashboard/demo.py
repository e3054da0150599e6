"""The demo workspace: a realistic, deterministic sales organisation.

The organisation (teams, territories, reps, products, users) is small and written from
Python; deals, their event history, activities, orders, returns and goals are generated in
SQL from a hash of (row, draw, seed), so the same seed and as-of date always give the same
workspace and 10 million deals take minutes, not hours.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import duckdb
import pandas as pd

from dashboard import Progress, auth, funnel, sql
from dashboard.compensation import build_demo_compensation
from dashboard.db import Database
from dashboard.errors import ValidationError

DEMO_PASSWORD = "demo"
DEMO_COMPANY = "Northwind Instruments"

# region -> team -> (rep count, [(territory code, name, weight)])
# codes: two letters = US state, "C:XX" = country (ISO alpha-2)
ORGANISATION: dict[str, dict[str, tuple[int, list[tuple[str, str, int]]]]] = {
    "North America East": {
        "Northeast": (
            8,
            [
                ("CT", "Connecticut", 2),
                ("ME", "Maine", 1),
                ("MA", "Massachusetts", 3),
                ("NH", "New Hampshire", 1),
                ("RI", "Rhode Island", 1),
                ("VT", "Vermont", 1),
                ("NY", "New York", 8),
                ("NJ", "New Jersey", 3),
                ("PA", "Pennsylvania", 4),
            ],
        ),
        "Southeast": (
            8,
            [
                ("DE", "Delaware", 1),
                ("MD", "Maryland", 2),
                ("DC", "District of Columbia", 1),
                ("VA", "Virginia", 3),
                ("WV", "West Virginia", 1),
                ("NC", "North Carolina", 3),
                ("SC", "South Carolina", 1),
                ("GA", "Georgia", 3),
                ("FL", "Florida", 6),
                ("AL", "Alabama", 1),
                ("MS", "Mississippi", 1),
                ("TN", "Tennessee", 2),
                ("KY", "Kentucky", 1),
            ],
        ),
        "Central": (
            7,
            [
                ("OH", "Ohio", 3),
                ("IN", "Indiana", 2),
                ("IL", "Illinois", 4),
                ("MI", "Michigan", 3),
                ("WI", "Wisconsin", 2),
                ("MN", "Minnesota", 2),
                ("IA", "Iowa", 1),
                ("MO", "Missouri", 2),
                ("ND", "North Dakota", 1),
                ("SD", "South Dakota", 1),
                ("NE", "Nebraska", 1),
                ("KS", "Kansas", 1),
            ],
        ),
    },
    "North America West": {
        "Pacific": (
            9,
            [
                ("CA", "California", 12),
                ("OR", "Oregon", 2),
                ("WA", "Washington", 3),
                ("AK", "Alaska", 1),
                ("HI", "Hawaii", 1),
            ],
        ),
        "Mountain": (
            4,
            [
                ("MT", "Montana", 1),
                ("ID", "Idaho", 1),
                ("WY", "Wyoming", 1),
                ("CO", "Colorado", 2),
                ("UT", "Utah", 1),
                ("NV", "Nevada", 1),
            ],
        ),
        "Southwest": (
            7,
            [
                ("AZ", "Arizona", 2),
                ("NM", "New Mexico", 1),
                ("TX", "Texas", 9),
                ("OK", "Oklahoma", 1),
                ("AR", "Arkansas", 1),
                ("LA", "Louisiana", 1),
            ],
        ),
    },
    "International": {
        "Americas": (5, [("C:CA", "Canada", 4), ("C:MX", "Mexico", 2), ("C:BR", "Brazil", 2)]),
        "Europe": (
            7,
            [
                ("C:GB", "United Kingdom", 4),
                ("C:DE", "Germany", 4),
                ("C:FR", "France", 3),
                ("C:NL", "Netherlands", 2),
                ("C:IE", "Ireland", 1),
                ("C:ES", "Spain", 2),
            ],
        ),
        "Asia Pacific": (
            5,
            [
                ("C:AU", "Australia", 3),
                ("C:JP", "Japan", 3),
                ("C:SG", "Singapore", 1),
                ("C:IN", "India", 2),
            ],
        ),
    },
}

ISO3 = {
    "CA": "CAN",
    "MX": "MEX",
    "BR": "BRA",
    "GB": "GBR",
    "DE": "DEU",
    "FR": "FRA",
    "NL": "NLD",
    "IE": "IRL",
    "ES": "ESP",
    "AU": "AUS",
    "JP": "JPN",
    "SG": "SGP",
    "IN": "IND",
    "US": "USA",
}

# sku, name, family, list price, recurring, share of deals
PRODUCTS = [
    ("HW-EG100", "Edge Gateway 100", "Hardware", 4_800, False, 0.18),
    ("HW-EG500", "Edge Gateway 500", "Hardware", 18_500, False, 0.09),
    ("HW-SK01", "Sensor Kit", "Hardware", 2_400, False, 0.14),
    ("SW-AC", "Analytics Cloud", "Software", 12_000, True, 0.17),
    ("SW-FM", "Fleet Manager", "Software", 9_600, True, 0.13),
    ("SW-SEC", "Security Suite", "Software", 15_000, True, 0.10),
    ("SV-IMP", "Implementation Services", "Services", 25_000, False, 0.09),
    ("SV-TRN", "Training", "Services", 3_500, False, 0.10),
]

SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]

FIRST_NAMES = [
    "Ava",
    "Liam",
    "Maya",
    "Noah",
    "Zoe",
    "Ethan",
    "Ines",
    "Lucas",
    "Priya",
    "Omar",
    "Hana",
    "Mateo",
    "Chloe",
    "Ravi",
    "Sofia",
    "Jonas",
    "Amara",
    "Diego",
    "Elena",
    "Kenji",
    "Leah",
    "Marcus",
    "Nadia",
    "Owen",
    "Rosa",
    "Samir",
    "Tara",
    "Victor",
    "Wen",
    "Yusuf",
]
LAST_NAMES = [
    "Andersen",
    "Baker",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Moreau",
    "Nakamura",
    "O'Brien",
    "Patel",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Usman",
    "Varga",
    "Walsh",
    "Xu",
    "Young",
    "Zimmer",
]

DEMO_USERS = [
    # email, display name, role
    ("admin@demo.local", "Alex Admin", "admin"),
    ("exec@demo.local", "Erin Executive", "executive"),
    ("manager@demo.local", "Morgan Manager", "manager"),
    ("rep@demo.local", None, "rep"),
    ("analyst@demo.local", "Ana Analyst", "analyst"),
]
DEMO_MANAGER_TEAM = "North America East"  # the demo manager runs this region (3 teams)
DEMO_REP_TEAM = "Northeast"  # the demo rep is the first rep of this team


@dataclass(frozen=True)
class DemoSummary:
    deals: int
    events: int
    activities: int
    orders: int
    returns: int
    goals: int
    accounts: int
    reps: int
    as_of: dt.date
    seed: int


def _org_frames(seed: int) -> dict[str, pd.DataFrame]:
    """Teams, territories, reps and products as DataFrames (deterministic for a seed)."""
    rng = random.Random(seed)
    teams = [(1, DEMO_COMPANY, None, "company")]
    territories = [(1, "World", None, "world", None, None, None)]
    reps, weights = [], []
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    us_district = {}
    for region_name, region_teams in ORGANISATION.items():
        region_team_id = len(teams) + 1
        teams.append((region_team_id, region_name, 1, "region"))
        region_territory_id = len(territories) + 1
        territories.append((region_territory_id, region_name, 1, "region", None, None, None))
        for team_name, (rep_count, areas) in region_teams.items():
            team_id = len(teams) + 1
            teams.append((team_id, team_name, region_team_id, "team"))
            district_id = len(territories) + 1
            territories.append(
                (district_id, team_name, region_territory_id, "district", None, None, None)
            )
            area_ids = []
            for code, name, weight in areas:
                territory_id = len(territories) + 1
                area_ids.append(territory_id)
                if code.startswith("C:"):
                    country = code[2:]
                    territories.append(
                        (territory_id, name, district_id, "country", country, ISO3[country], None)
                    )
                else:
                    territories.append(
                        (territory_id, name, district_id, "state", "US", "USA", f"US-{code}")
                    )
                    us_district[code] = district_id
                weights.append((territory_id, team_id, weight))
            for position in range(rep_count):
                first, last = names[len(reps)]
                rep_id = len(reps) + 1
                hired = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 3000))
                reps.append(
                    (
                        rep_id,
                        f"{first} {last}",
                        f"{first.lower()}.{last.lower().replace(chr(39), '')}@northwind.example",
                        team_id,
                        area_ids[position % len(area_ids)],
                        hired,
                        rng.randrange(60, 110) * 1000,
                        True,
                    )
                )
    total = sum(weight for _, _, weight in weights)
    cumulative, lows = 0.0, []
    for _, _, weight in weights:
        lows.append(cumulative)
        cumulative += weight / total
    territory_weights = pd.DataFrame(
        {
            "territory_id": [w[0] for w in weights],
            "team_id": [w[1] for w in weights],
            "cum_lo": lows,
            "cum_hi": [low + w[2] / total for low, w in zip(lows, weights, strict=True)],
        }
    )
    territory_weights.loc[territory_weights.index[-1], "cum_hi"] = 1.0000001
    rep_frame = pd.DataFrame(
        reps,
        columns=[
            "rep_id",
            "full_name",
            "email",
            "team_id",
            "territory_id",
            "hire_date",
            "base_salary",
            "is_active",
        ],
    )
    rep_frame["team_rep_pos"] = rep_frame.groupby("team_id").cumcount()
    rep_frame["team_rep_count"] = rep_frame.groupby("team_id")["rep_id"].transform("count")
    # a rep's skill shifts their conversion rates a little, so attainment varies
    rep_frame["skill"] = [round(rng.uniform(0.86, 1.14), 3) for _ in reps]
    cum = 0.0
    product_rows = []
    for index, (sku, name, family, price, recurring, share) in enumerate(PRODUCTS, start=1):
        product_rows.append((index, sku, name, family, price, recurring, True, cum, cum + share))
        cum += share
    product_rows[-1] = (*product_rows[-1][:-1], 1.0000001)
    return {
        "demo_teams": pd.DataFrame(
            teams, columns=["team_id", "team_name", "parent_team_id", "team_level"]
        ),
        "demo_territories": pd.DataFrame(
            territories,
            columns=[
                "territory_id",
                "territory_name",
                "parent_territory_id",
                "territory_kind",
                "country_code",
                "country_iso3",
                "subdivision_code",
            ],
        ),
        "demo_reps": rep_frame,
        "demo_territory_weights": territory_weights,
        "demo_products": pd.DataFrame(
            product_rows,
            columns=[
                "product_id",
                "sku",
                "product_name",
                "product_family",
                "list_price",
                "is_recurring",
                "is_active",
                "cum_lo",
                "cum_hi",
            ],
        ),
        "demo_segments": pd.DataFrame({"segment_id": [1, 2, 3], "segment_name": SEGMENTS}),
    }


def _workspace_is_empty(cur: duckdb.DuckDBPyConnection) -> bool:
    counts = sql.fetch_one(cur, "demo/count_workspace_rows")
    return not any(counts.values())


def build_demo(
    db: Database,
    deals: int = 30_000,
    seed: int = 7,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill an empty workspace with the demo organisation, deals and history."""
    if deals < 100:
        raise ValidationError("the demo needs at least 100 deals")
    as_of = as_of or dt.date.today()
    report = progress or (lambda fraction, message: None)
    accounts = max(2_000, deals // 15)
    frames = _org_frames(seed)
    as_of_at = dt.datetime.combine(as_of, dt.time(18, 0))
    steps = [
        ("Organisation", "demo/insert_segments"),
        ("Organisation", "demo/insert_teams"),
        ("Organisation", "demo/insert_territories"),
        ("Organisation", "demo/insert_reps"),
        ("Organisation", "demo/insert_products"),
        ("Accounts", "demo/insert_accounts"),
        ("Deals", "demo/create_demo_deals"),
        ("Deals", "demo/insert_opportunities"),
        ("History", "demo/insert_opportunity_events"),
        ("Activities", "demo/insert_activities"),
        ("Orders", "demo/insert_orders"),
        ("Orders", "demo/insert_order_lines"),
        ("Orders", "demo/insert_returns"),
        ("Goals", "demo/insert_rep_goals"),
        ("Goals", "demo/insert_rollup_goals"),
        ("Goals", "demo/insert_rollup_goals"),
        ("Goals", "demo/insert_rollup_goals"),
        ("Goals", "demo/link_goal_parents"),
        ("Goals", "goals/insert_missing_goal_keys"),  # one goal per scope, period and metric
    ]
    params = {
        "demo/insert_accounts": {"seed": seed, "n_accounts": accounts, "as_of": as_of_at},
        "demo/create_demo_deals": {"seed": seed, "n_deals": deals, "as_of": as_of_at},
        "demo/insert_activities": {"seed": seed, "as_of": as_of_at},
        "demo/insert_orders": {"seed": seed, "as_of": as_of_at},
        "demo/insert_returns": {"seed": seed, "as_of": as_of_at},
        "demo/insert_rep_goals": {"seed": seed, "as_of": as_of_at},
    }
    rollup_levels = iter(["team", "region", "company"])
    with db.transaction() as cur:
        if not _workspace_is_empty(cur):
            raise ValidationError(
                "the demo is built only into an empty workspace; choose a new --db"
            )
        sql.execute(cur, "demo/create_uniform_macro")
        for name, frame in frames.items():
            cur.register(name, frame)
        total = len(steps) + 3  # the SQL steps, sign-in accounts, compensation, history
        for number, (label, query) in enumerate(steps):
            report(number / total, f"{label}: {query.split('/')[1].replace('_', ' ')}")
            if query == "demo/insert_rollup_goals":
                sql.execute(cur, query, level=next(rollup_levels))
            else:
                sql.execute(cur, query, **params.get(query, {}))
        report(len(steps) / total, "Sign-in accounts")
        _insert_demo_users(cur, frames["demo_teams"], frames["demo_reps"])
        # the demo writes ids itself; move each sequence past the highest so later inserts
        # never collide (the database's own way: on the shared store they live in PostgreSQL)
        for table, highest in sql.fetch_one(cur, "demo/max_demo_ids").items():
            db.advance_sequence(cur, f"seq_{table}", int(highest))
        report((len(steps) + 1) / total, "Compensation plans and statements")
        build_demo_compensation(cur, as_of)
        report((len(steps) + 2) / total, "Pipeline history for the funnel")
        funnel.refresh_history(cur, now=as_of_at)
        counts = sql.fetch_one(cur, "demo/count_workspace_rows")
        sql.execute(cur, "workspace/set_setting", key="is_demo", value="true")
        sql.execute(cur, "workspace/set_setting", key="demo_as_of", value=as_of.isoformat())
        sql.execute(cur, "workspace/set_setting", key="demo_seed", value=str(seed))
        sql.execute(cur, "demo/drop_demo_deals")
        for name in frames:
            cur.unregister(name)
    report(1.0, "Done")
    return DemoSummary(
        deals=counts["opportunities"],
        events=counts["opportunity_events"],
        activities=counts["activities"],
        orders=counts["orders"],
        returns=counts["returns"],
        goals=counts["goals"],
        accounts=counts["accounts"],
        reps=counts["reps"],
        as_of=as_of,
        seed=seed,
    )


def _insert_demo_users(
    cur: duckdb.DuckDBPyConnection, teams: pd.DataFrame, reps: pd.DataFrame
) -> None:
    manager_team = int(teams.loc[teams.team_name == DEMO_MANAGER_TEAM, "team_id"].iloc[0])
    rep_team = int(teams.loc[teams.team_name == DEMO_REP_TEAM, "team_id"].iloc[0])
    demo_rep = reps.loc[reps.team_id == rep_team].iloc[0]
    password_hash = auth.hash_password(DEMO_PASSWORD)
    for email, name, role in DEMO_USERS:
        auth.insert_user(
            cur,
            email=email,
            display_name=name or str(demo_rep.full_name),
            role=role,
            password_hash=password_hash,
            rep_id=int(demo_rep.rep_id) if role == "rep" else None,
            team_id=manager_team if role == "manager" else None,
        )
    sql.execute(cur, "demo/set_team_manager", team_id=manager_team, email="manager@demo.local")


def is_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    """Whether this workspace was built as the demo."""
    row = sql.fetch_one(cur, "workspace/get_setting", key="is_demo")
    return bool(row) and row["setting_value"] == "true"


def needs_demo(cur: duckdb.DuckDBPyConnection) -> bool:
    """True for a brand-new workspace: no users and no deals yet."""
    return _workspace_is_empty(cur)
