"""A small hand-made workspace for the funnel, territory and forecast tests.

Deals are written through dashboard.deals (the one write path), at fixed times, so their
event history is what the app would write. Every figure the tests expect is worked out by
hand in the test modules from the story below.

    team 1 Company > team 2 Team A (rep 1 Ann) and team 3 Team B (rep 2 Bob)
    territory 1 World > 2 Region > 3 California (US-CA), 4 Germany (DEU)
    account 1 in California (owner Ann), account 2 in Germany (owner Bob)

    D1 Ann, acct 1, CA: created 01-05, stage 3 on 01-10, won 02-04; 1000, expected 02-28
    D2 Ann, acct 1, CA: created 01-06, stage 2 on 01-08, lost 01-20; 500
    D3 Bob, acct 2, DE: created 01-07, stage 5 on 01-15, 2000 -> 2500 on 02-01, expected
       03-15 -> 05-10 on 03-01; still open
    D4 Bob, acct 2, DE: created 02-10, open at stage 1; 300, expected 03-20
    D5 Ann, acct 1, CA: created 04-02, won 04-20; 800
    (all in 2026, all at 09:00)
"""

from __future__ import annotations

import datetime as dt

from dashboard import deals, funnel
from dashboard.auth import Viewer
from dashboard.db import Database

ADMIN = Viewer(1, "admin@x", "Admin", "admin")
EXEC = Viewer(2, "exec@x", "Exec", "executive")
ANALYST = Viewer(3, "analyst@x", "Analyst", "analyst")
MANAGER_A = Viewer(4, "a@x", "Manager A", "manager", team_id=2)
REP_ANN = Viewer(5, "ann@x", "Ann", "rep", rep_id=1)
REP_BOB = Viewer(6, "bob@x", "Bob", "rep", rep_id=2)
SYSTEM = Viewer(1, "admin@x", "Admin", "admin")


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour)


def build_org(db: Database) -> None:
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'team', null), (3, 'Team B', 1, 'team', null)"
        )
        cur.execute(
            "insert into territories values (1, 'World', null, 'world', null, null, null),"
            " (2, 'Region', 1, 'region', null, null, null),"
            " (3, 'California', 2, 'state', 'US', 'USA', 'US-CA'),"
            " (4, 'Germany', 2, 'country', 'DE', 'DEU', null)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id, territory_id) values"
            " (1, 'Ann', 2, 3), (2, 'Bob', 3, 4)"
        )
        cur.execute(
            "insert into products (product_id, sku, product_name, product_family, list_price)"
            " values (1, 'A', 'Alpha', 'Hardware', 100), (2, 'B', 'Beta', 'Software', 300)"
        )
        cur.execute(
            "insert into accounts (account_id, account_name, territory_id, owner_rep_id,"
            " billing_country, billing_state, segment_id, employee_count) values"
            " (1, 'Acme', 3, 1, 'US', 'CA', 1, 50), (2, 'Bosch Lab', 4, 2, 'DE', null, 3, 5000)"
        )
        cur.execute(
            "insert into users (user_id, email, display_name, role, rep_id, team_id) values"
            " (1, 'admin@x', 'Admin', 'admin', null, null),"
            " (4, 'a@x', 'Manager A', 'manager', null, 2),"
            " (5, 'ann@x', 'Ann', 'rep', 1, null), (6, 'bob@x', 'Bob', 'rep', 2, null)"
        )


def _create(db: Database, when: dt.datetime, **values) -> deals.SavedDeal:
    with db.transaction() as cur:
        return deals.create_deal(cur, SYSTEM, values, at=when)


def _update(db: Database, deal: int, version: int, when: dt.datetime, **changes) -> int:
    with db.transaction() as cur:
        return deals.update_deal(cur, SYSTEM, deal, version, changes, at=when).row_version


def build_story(db: Database) -> None:
    """The five deals of the module docstring, with their history."""
    build_org(db)
    d1 = _create(
        db,
        at(1, 5),
        opportunity_name="D1",
        owner_rep_id=1,
        account_id=1,
        territory_id=3,
        product_id=1,
        amount="1000",
        expected_close_date="2026-02-28",
        lead_source="Web",
        lead_rating="hot",
    )
    version = _update(db, d1.opportunity_id, 1, at(1, 10), stage_id=3)
    _update(db, d1.opportunity_id, version, at(2, 4), stage_id=8)
    d2 = _create(
        db,
        at(1, 6),
        opportunity_name="D2",
        owner_rep_id=1,
        account_id=1,
        territory_id=3,
        product_id=2,
        amount="500",
        expected_close_date="2026-03-31",
        lead_source="Referral",
        lead_rating="cold",
    )
    version = _update(db, d2.opportunity_id, 1, at(1, 8), stage_id=2)
    _update(db, d2.opportunity_id, version, at(1, 20), stage_id=9, loss_reason="Price")
    d3 = _create(
        db,
        at(1, 7),
        opportunity_name="D3",
        owner_rep_id=2,
        account_id=2,
        territory_id=4,
        product_id=2,
        amount="2000",
        expected_close_date="2026-03-15",
        lead_source="Web",
        lead_rating="warm",
    )
    version = _update(db, d3.opportunity_id, 1, at(1, 15), stage_id=5)
    version = _update(db, d3.opportunity_id, version, at(2, 1), amount="2500")
    _update(db, d3.opportunity_id, version, at(3, 1), expected_close_date="2026-05-10")
    _create(
        db,
        at(2, 10),
        opportunity_name="D4",
        owner_rep_id=2,
        account_id=2,
        territory_id=4,
        product_id=1,
        amount="300",
        expected_close_date="2026-03-20",
        lead_source="Event",
        lead_rating="warm",
    )
    d5 = _create(
        db,
        at(4, 2),
        opportunity_name="D5",
        owner_rep_id=1,
        account_id=1,
        territory_id=3,
        product_id=1,
        amount="800",
        expected_close_date="2026-04-30",
        lead_source="Web",
        lead_rating="hot",
    )
    _update(db, d5.opportunity_id, 1, at(4, 20), stage_id=8)
    with db.transaction() as cur:
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values"
            " ('quarter', '2026-04-01', '2026-07-01', 'rep', 1, 'bookings', 1000),"
            " ('quarter', '2026-04-01', '2026-07-01', 'rep', 2, 'bookings', 4000),"
            " ('quarter', '2026-04-01', '2026-07-01', 'team', 2, 'bookings', 1000),"
            " ('quarter', '2026-04-01', '2026-07-01', 'team', 3, 'bookings', 4000),"
            " ('quarter', '2026-04-01', '2026-07-01', 'company', null, 'bookings', 5000),"
            " ('quarter', '2026-01-01', '2026-04-01', 'company', null, 'bookings', 2000)"
        )
        funnel.refresh_history(cur)
