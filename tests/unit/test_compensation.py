"""Compensation on a small hand-made workspace: plans and assignments, statements traced to
deals, orders and returns, closing quarters, corrections, disputes, draws, SPIFFs, payroll,
what-if and recognition; and the demo workspace's compensation."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import openpyxl
import pandas as pd
import pytest

from dashboard import deals, sql
from dashboard.auth import Viewer
from dashboard.compensation import build_demo_compensation
from dashboard.compensation.common import parse_quarter
from dashboard.compensation.engine import Band, PlanTerms, Spiff
from dashboard.compensation.payroll import build_payroll, payroll_csv, payroll_totals, payroll_xlsx
from dashboard.compensation.plans import (
    assign_plan,
    bands_from_rows,
    build_terms,
    list_assignments,
    list_plans,
    load_terms,
    save_plan,
)
from dashboard.compensation.recognition import (
    get_club_threshold,
    load_activity_stats,
    load_activity_weeks,
    load_leaderboard,
    set_club_threshold,
)
from dashboard.compensation.statements import (
    close_period,
    compute_statements,
    get_statement,
    list_disputes,
    raise_dispute,
    resolve_dispute,
    statement_document,
    statement_lines_frame,
    verify_statement,
)
from dashboard.compensation.whatif import run_what_if
from dashboard.errors import NotFoundError, PermissionDenied, ValidationError
from dashboard.metrics import Period

ADMIN = Viewer(1, "admin@x", "Admin", "admin")
EXEC = Viewer(2, "exec@x", "Exec", "executive")
MANAGER_A = Viewer(3, "a@x", "Manager A", "manager", team_id=2)
ANN = Viewer(4, "ann@x", "Ann Archer", "rep", rep_id=1)
BEN = Viewer(5, "ben@x", "Ben Brook", "rep", rep_id=2)
ANALYST = Viewer(6, "an@x", "Analyst", "analyst")
MANAGER_B = Viewer(7, "b@x", "Manager B", "manager", team_id=3)

Q1 = parse_quarter("2026-Q1")
Q2 = parse_quarter("2026-Q2")
Q3 = parse_quarter("2026-Q3")

TIERED_BANDS = (
    Band(D(0), D(50), D("0.5")),
    Band(D(50), D(100), D(1)),
    Band(D(100), D(150), D(2)),
    Band(D(150), None, D(3)),
)


def tiered(**changes) -> PlanTerms:
    """TI $10,000; 0.5x to 50%, 1x to 100%, 2x to 150%, 3x above; cap 1.8x; 30-day clawbacks."""
    values = {
        "name": "Tiered",
        "measure": "bookings",
        "target_incentive": D(10000),
        "bands": TIERED_BANDS,
        "cap_multiple": D("1.8"),
        "clawback_days": 30,
    }
    values.update(changes)
    return PlanTerms(**values)


def won(db, rep_id: int, amount: str, day: dt.date, product_id: int = 1, account_id=None) -> int:
    with db.transaction() as cur:
        saved = deals.create_deal(
            cur,
            ADMIN,
            {
                "opportunity_name": f"Deal of {amount}",
                "owner_rep_id": rep_id,
                "amount": amount,
                "stage_id": 8,
                "product_id": product_id,
                "account_id": account_id,
            },
            at=dt.datetime.combine(day, dt.time(10)),
        )
    return saved.opportunity_id


def run(db, function, *args, **kwargs):
    with db.transaction() as cur:
        return function(cur, *args, **kwargs)


def read(db, function, *args, **kwargs):
    with db.reading() as cur:
        return function(cur, *args, **kwargs)


@pytest.fixture
def org(db):
    """Team A (Ann, Ben) and team B (Cat) with quarterly bookings goals; accounts and products."""
    with db.transaction() as cur:
        cur.execute(
            "insert into teams values (1, 'Company', null, 'company', null),"
            " (2, 'Team A', 1, 'team', 3), (3, 'Team B', 1, 'team', 7)"
        )
        cur.execute(
            "insert into reps (rep_id, full_name, team_id, base_salary) values"
            " (1, 'Ann Archer', 2, 80000), (2, 'Ben Brook', 2, 60000), (3, 'Cat Cole', 3, 100000)"
        )
        cur.execute(
            "insert into users (user_id, email, display_name, role, rep_id, team_id) values"
            " (1, 'admin@x', 'Admin', 'admin', null, null),"
            " (2, 'exec@x', 'Exec', 'executive', null, null),"
            " (3, 'a@x', 'Manager A', 'manager', null, 2),"
            " (4, 'ann@x', 'Ann Archer', 'rep', 1, null),"
            " (5, 'ben@x', 'Ben Brook', 'rep', 2, null),"
            " (6, 'an@x', 'Analyst', 'analyst', null, null),"
            " (7, 'b@x', 'Manager B', 'manager', null, 3)"
        )
        cur.execute(
            "insert into products (product_id, sku, product_name, product_family, list_price)"
            " values (1, 'W', 'Widget', 'Hardware', 1000), (2, 'S', 'Security Suite', 'Software', 5000)"
        )
        cur.execute(
            "insert into accounts (account_id, account_name, owner_rep_id) values"
            " (1, 'Acme', 3), (2, 'Globex', 1), (3, 'Initech', 3)"
        )
        for start, end in ((Q1.start, Q1.end), (Q2.start, Q2.end)):
            for rep_id, target in ((1, 100000), (2, 50000), (3, 80000)):
                cur.execute(
                    "insert into goals (period_kind, period_start, period_end, scope_kind,"
                    " scope_id, metric, target) values ('quarter', $s, $e, 'rep', $r, 'bookings', $t)",
                    {"s": start, "e": end, "r": rep_id, "t": target},
                )
    # Ann: the worked example's four deals; Ben: one deal with an order and returns; Cat: one.
    for amount, day in (
        ("40000", dt.date(2026, 1, 5)),
        ("30000", dt.date(2026, 1, 20)),
        ("50000", dt.date(2026, 2, 10)),
        ("40000", dt.date(2026, 3, 3)),
    ):
        won(db, 1, amount, day, account_id=2)
    won(db, 2, "20000", dt.date(2026, 1, 10))
    won(db, 3, "60000", dt.date(2026, 2, 1), account_id=3)
    with db.transaction() as cur:
        cur.execute(
            "insert into orders (order_id, opportunity_id, order_date, order_status) values"
            " (1, 5, '2026-01-10', 'invoiced')"
        )
        cur.execute(
            "insert into order_lines (order_id, quantity, sales_amount, profit) values"
            " (1, 1, 20000, 6000)"
        )
        cur.execute(
            "insert into returns (return_id, order_id, returned_date, return_amount, reason) values"
            " (1, 1, '2026-02-01', 5000, 'Damaged'), (2, 1, '2026-03-15', 1000, 'Late')"
        )
    return db


@pytest.fixture
def plan(org):
    """The tiered plan assigned to all three reps for Q1 and Q2 with their goals as quota."""
    saved = run(org, save_plan, ADMIN, tiered(), description="Tiered test plan")
    for quarter in (Q1, Q2):
        run(org, assign_plan, ADMIN, [1, 2, 3], quarter, saved.plan_id)
    return saved.plan_id


# Plans and assignments --------------------------------------------------------------------


def test_a_plan_is_saved_with_its_bands_and_a_change_is_a_new_version(org) -> None:
    saved = run(org, save_plan, ADMIN, tiered(), description="Tiered test plan")
    assert (saved.plan_id, saved.version) == (1, 1)
    second = run(
        org,
        save_plan,
        ADMIN,
        tiered(cap_multiple=D(2)),
        change_note="Cap raised to 2x",
        plan_id=saved.plan_id,
    )
    assert second.version == 2
    assert read(org, load_terms, saved.plan_id, 1).cap_multiple == D("1.8")
    assert read(org, load_terms, saved.plan_id).cap_multiple == D(2)
    assert read(org, load_terms, saved.plan_id).bands == TIERED_BANDS
    plans = read(org, list_plans, MANAGER_A, Q1)
    assert plans[["plan_name", "version", "versions"]].values.tolist() == [["Tiered", 2, 2]]
    with pytest.raises(ValidationError, match="Nothing changed"):
        run(org, save_plan, ADMIN, tiered(cap_multiple=D(2)), plan_id=saved.plan_id)
    with pytest.raises(ValidationError, match="exists already"):
        run(org, save_plan, EXEC, tiered())
    with org.reading() as cur:
        audit = cur.execute(
            "select action, detail from audit_log where entity = 'comp_plans' order by audit_id"
        ).fetchall()
    assert audit == [("create", "Tiered v1"), ("new_version", "Tiered v2: Cap raised to 2x")]


def test_a_plan_with_a_gap_a_negative_rate_or_a_zero_cap_is_refused_and_nothing_saved(org) -> None:
    bands = bands_from_rows(
        [
            {"floor_pct": 0, "ceiling_pct": 50, "rate": 1},
            {"floor_pct": 60, "ceiling_pct": None, "rate": -2},
        ]
    )
    terms = build_terms("Broken", "bookings", "10000", bands, cap_multiple="0")
    with pytest.raises(ValidationError) as error:
        run(org, save_plan, ADMIN, terms)
    message = str(error.value)
    assert "gap between 50% and 60%" in message
    assert "negative rate" in message
    assert "A cap must be above zero" in message
    with org.reading() as cur:
        assert cur.execute("select count(*) from comp_plans").fetchone() == (0,)
    with pytest.raises(ValidationError, match="SPIFF 1: there is no active product with id 99"):
        run(
            org, save_plan, ADMIN, tiered(spiffs=(Spiff("X", product_id=99, amount_per_deal=D(1)),))
        )


def test_only_administrators_and_executives_define_and_assign_plans(org) -> None:
    for viewer in (MANAGER_A, ANN, ANALYST):
        with pytest.raises(PermissionDenied):
            run(org, save_plan, viewer, tiered())
    saved = run(org, save_plan, EXEC, tiered())
    with pytest.raises(PermissionDenied, match="Manager role cannot assign"):
        run(org, assign_plan, MANAGER_A, [1], Q1, saved.plan_id)
    with pytest.raises(PermissionDenied, match="Pay is personal data"):
        read(org, list_plans, ANALYST, Q1)


def test_the_default_quota_is_the_reps_bookings_goal_and_the_latest_assignment_applies(
    org,
) -> None:
    saved = run(org, save_plan, ADMIN, tiered())
    run(org, assign_plan, ADMIN, [1, 2], Q1, saved.plan_id)
    run(org, assign_plan, ADMIN, [2], Q1, saved.plan_id, quota="65000", note="Territory grew")
    assigned = read(org, list_assignments, MANAGER_A, Q1)
    assert assigned[["rep_name", "quota", "quota_source"]].values.tolist() == [
        ["Ann Archer", 100000.0, "goal"],
        ["Ben Brook", 65000.0, "manual"],
    ]
    with pytest.raises(ValidationError, match="No bookings goal for 2026-Q3 .* Ann Archer"):
        run(org, assign_plan, ADMIN, [1], Q3, saved.plan_id)
    with pytest.raises(ValidationError, match="A quota must be above zero"):
        run(org, assign_plan, ADMIN, [1], Q3, saved.plan_id, quota="0")
    with pytest.raises(ValidationError, match="not the first day of a quarter"):
        run(org, assign_plan, ADMIN, [1], Period(dt.date(2026, 2, 1), dt.date(2026, 5, 1)), 1)


# Statements -------------------------------------------------------------------------------


def test_the_statement_traces_every_line_to_its_deal_as_worked_out_by_hand(plan, org) -> None:
    """Ann's quota is her $100,000 goal: her four deals pay $2,000, $2,500, $7,000 and $6,500
    (see the engine's worked example): $18,000, capped at 1.8 x $10,000."""
    statement = read(org, get_statement, ANN, 1, Q1)
    assert statement.status == "open"
    assert (statement.quota, statement.credited, statement.attainment) == (
        D("100000.00"),
        D("160000.00"),
        D("1.600000"),
    )
    assert statement.tier_label == "Band 4: 150%+ at 3×" and statement.is_capped
    assert [(line.kind, line.opportunity_id, line.amount) for line in statement.lines] == [
        ("commission", 1, D("2000.00")),
        ("commission", 2, D("2500.00")),
        ("commission", 3, D("7000.00")),
        ("commission", 4, D("6500.00")),
    ]
    assert statement.total == D("18000.00") == sum(line.amount for line in statement.lines)
    assert statement.base_salary == D("20000.00")  # a quarter of $80,000
    frame = statement_lines_frame(statement)
    assert frame["Deal"].tolist() == [1, 2, 3, 4]
    assert frame["Description"].iloc[0] == "Won deal Deal of 40000 (Globex)"


def test_a_return_within_the_window_claws_back_its_share(plan, org) -> None:
    """Ben's quota is $50,000: his $20,000 deal is 40%, inside the 0.5x band: 40 x 0.5 x
    $100 = $2,000. Its order ($20,000, Jan 10) has a $5,000 return on Feb 1, 22 days later,
    inside the 30-day window: 25% of the $2,000 paid = -$500. The $1,000 return on Mar 15 is
    64 days after the order: no clawback. Ben's total: $2,000 - $500 = $1,500."""
    statement = read(org, get_statement, BEN, 2, Q1)
    assert [(line.kind, line.amount) for line in statement.lines] == [
        ("commission", D("2000.00")),
        ("clawback", D("-500.00")),
    ]
    clawback = statement.lines[1]
    assert (clawback.order_id, clawback.return_id, clawback.opportunity_id) == (1, 1, 5)
    assert clawback.event_date == dt.date(2026, 2, 1)
    assert "Return of $5,000.00 (25% of order 1) 22 days after the order" in clawback.description
    assert "$2,000.00 was paid in 2026-Q1" in clawback.description
    assert statement.total == D("1500.00")


def test_a_cancelled_order_claws_back_what_is_left_after_returns(plan, org) -> None:
    """After the $5,000 and $1,000 returns, $14,000 of the $20,000 order remains: cancelling
    it claws back 70% of $2,000 = $1,400 (dated on the order date, inside the window)."""
    with org.transaction() as cur:
        cur.execute("update orders set order_status = 'cancelled' where order_id = 1")
    lines = read(org, get_statement, BEN, 2, Q1).lines
    assert [(line.key, line.amount) for line in lines] == [
        ("commission:deal:5", D("2000.00")),
        ("clawback:cancellation:1", D("-1400.00")),
        ("clawback:return:1", D("-500.00")),
    ]


def test_reps_see_only_their_own_statement_managers_their_team_executives_everyone(
    plan, org
) -> None:
    def reps(viewer):
        return [s.rep_name for s in read(org, compute_statements, viewer, Q1)]

    assert reps(ANN) == ["Ann Archer"]
    assert reps(MANAGER_A) == ["Ann Archer", "Ben Brook"]
    assert reps(MANAGER_B) == ["Cat Cole"]
    assert reps(EXEC) == reps(ADMIN) == ["Ann Archer", "Ben Brook", "Cat Cole"]
    with pytest.raises(PermissionDenied, match="only your own statement"):
        read(org, get_statement, ANN, 2, Q1)
    with pytest.raises(PermissionDenied, match="outside your team"):
        read(org, get_statement, MANAGER_B, 1, Q1)
    with pytest.raises(PermissionDenied, match="analyst role works with data loads"):
        read(org, compute_statements, ANALYST, Q1)


def test_a_closed_quarter_never_changes_and_a_correction_lands_in_the_next_open_one(
    plan, org
) -> None:
    """Close Q1, then a late return and an edited deal change what Q1 should have paid:
    - Ann's $50,000 deal (paid $7,000) gets an order and a $10,000 return 19 days later,
      recorded after the close: 20% of $7,000 = -$1,400;
    - her last deal is edited from $40,000 to $30,000: she ends at 150% with $17,500 instead
      of the capped $18,000, so that line paid $500 too much.
    Q1's frozen statement stays byte for byte the same; Q2, the next open quarter, carries
    two adjustments, -$1,400 and -$500. After Q2 closes they are not paid a second time."""
    result = run(org, close_period, EXEC, Q1, today=dt.date(2026, 4, 2))
    assert (result.statements, result.total) == (3, D("18000.00") + D("1500.00") + D("5000.00"))
    frozen = {s.rep_id: s for s in read(org, compute_statements, ADMIN, Q1)}
    documents = {rep: statement_document(s) for rep, s in frozen.items()}
    assert all(verify_statement(s) for s in frozen.values())
    assert frozen[1].status == "closed" and frozen[1].total == D("18000.00")

    with org.transaction() as cur:
        cur.execute(
            "insert into orders (order_id, opportunity_id, order_date, order_status) values"
            " (2, 3, '2026-02-10', 'invoiced')"
        )
        cur.execute(
            "insert into order_lines (order_id, quantity, sales_amount) values (2, 1, 50000)"
        )
        cur.execute(
            "insert into returns (return_id, order_id, returned_date, return_amount) values"
            " (3, 2, '2026-03-01', 10000)"
        )
        current = deals.get_deal(cur, ADMIN, 4)
        deals.update_deal(cur, ADMIN, 4, current["row_version"], {"amount": "30000"})

    after = {s.rep_id: s for s in read(org, compute_statements, ADMIN, Q1)}
    assert {rep: statement_document(s) for rep, s in after.items()} == documents
    assert all(verify_statement(s) for s in after.values())
    with org.reading() as cur:
        assert cur.execute(
            "select sum(total_amount) from comp_statements where period_start = '2026-01-01'"
        ).fetchone() == (D("24500.00"),)

    ann_q2 = read(org, get_statement, ANN, 1, Q2)
    adjustments = [line for line in ann_q2.lines if line.kind == "adjustment"]
    assert [(line.source_line_key, line.amount) for line in adjustments] == [
        ("clawback:return:3", D("-1400.00")),
        ("commission:deal:4", D("-500.00")),
    ]
    assert all(line.source_period_start == Q1.start for line in adjustments)
    assert "Correction to 2026-Q1" in adjustments[1].description
    assert ann_q2.total == D("-1900.00")  # no Q2 deals yet: only the corrections
    assert read(org, get_statement, BEN, 2, Q2).lines == ()  # nothing changed for Ben

    run(org, close_period, ADMIN, Q2, today=dt.date(2026, 7, 1))
    with org.transaction() as cur:
        cur.execute(
            "insert into goals (period_kind, period_start, period_end, scope_kind, scope_id,"
            " metric, target) values ('quarter', '2026-07-01', '2026-10-01', 'rep', 1, 'bookings', 1000)"
        )
    run(org, assign_plan, ADMIN, [1], Q3, plan)
    ann_q3 = read(org, get_statement, ANN, 1, Q3)
    assert ann_q3.lines == ()  # the corrections were paid in Q2, once


def test_quarters_close_in_order_only_after_they_end_and_only_once(plan, org) -> None:
    with pytest.raises(ValidationError, match="has not ended yet"):
        run(org, close_period, ADMIN, Q1, today=dt.date(2026, 3, 31))
    with pytest.raises(ValidationError, match="close 2026-Q1 before 2026-Q2"):
        run(org, close_period, ADMIN, Q2, today=dt.date(2026, 7, 1))
    with pytest.raises(PermissionDenied):
        run(org, close_period, MANAGER_A, Q1, today=dt.date(2026, 4, 1))
    run(org, close_period, ADMIN, Q1, today=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="closed already"):
        run(org, close_period, ADMIN, Q1, today=dt.date(2026, 4, 1))
    with pytest.raises(ValidationError, match="frozen, so its plans cannot change"):
        run(org, assign_plan, ADMIN, [1], Q1, plan)


def test_a_rep_disputes_a_line_and_the_manager_answers_and_both_are_kept(plan, org) -> None:
    dispute_id = run(
        org, raise_dispute, BEN, Q1, "clawback:return:1", "The return was the carrier's fault."
    )
    with pytest.raises(ValidationError, match="disputed already"):
        run(org, raise_dispute, BEN, Q1, "clawback:return:1", "Again")
    with pytest.raises(NotFoundError, match="has no line 'clawback:return:1'"):
        run(org, raise_dispute, ANN, Q1, "clawback:return:1", "Not my line")
    with pytest.raises(ValidationError, match="Say what is wrong"):
        run(org, raise_dispute, BEN, Q1, "commission:deal:5", "  ")
    with pytest.raises(PermissionDenied):
        run(org, raise_dispute, MANAGER_A, Q1, "commission:deal:5", "Managers do not flag")
    with pytest.raises(NotFoundError):
        run(org, resolve_dispute, MANAGER_B, dispute_id, "accepted", "Not my team")
    with pytest.raises(PermissionDenied):
        run(org, resolve_dispute, EXEC, dispute_id, "accepted", "Executives do not resolve")
    run(
        org,
        resolve_dispute,
        MANAGER_A,
        dispute_id,
        "declined",
        "Returns count whoever caused them.",
    )
    with pytest.raises(ValidationError, match="resolved already"):
        run(org, resolve_dispute, ADMIN, dispute_id, "accepted", "Changed my mind")
    shown = read(org, list_disputes, BEN, Q1)
    assert shown[
        ["line_key", "comment", "status", "outcome", "reply", "replied_by_name"]
    ].values.tolist() == [
        [
            "clawback:return:1",
            "The return was the carrier's fault.",
            "resolved",
            "declined",
            "Returns count whoever caused them.",
            "Manager A",
        ]
    ]
    assert shown["line_amount"].tolist() == [-500.0]
    assert read(org, list_disputes, ANN, Q1).empty
    assert len(read(org, list_disputes, MANAGER_A, Q1)) == 1


def test_invoiced_and_margin_plans_count_orders_and_the_latest_assignment_wins(org) -> None:
    """Cat's account Acme has three Q2 orders: $30,000 invoiced (profit $9,000), $20,000
    booked (profit $5,000) and $10,000 cancelled. Invoiced revenue counts $30,000; margin
    counts the profit of orders not cancelled, $14,000. At a $40,000 quota and 1x a $4,000
    target incentive: invoiced pays 75% x $4,000 = $3,000; margin (quota $20,000) pays
    70% x $4,000 = $2,800."""
    with org.transaction() as cur:
        cur.execute(
            "insert into orders (order_id, account_id, order_date, order_status) values"
            " (10, 1, '2026-04-10', 'invoiced'), (11, 1, '2026-05-10', 'booked'),"
            " (12, 1, '2026-05-20', 'cancelled')"
        )
        cur.execute(
            "insert into order_lines (order_id, quantity, sales_amount, profit) values"
            " (10, 1, 30000, 9000), (11, 1, 20000, 5000), (12, 1, 10000, 2000)"
        )
    flat = (Band(D(0), None, D(1)),)
    invoiced = run(org, save_plan, ADMIN, PlanTerms("Revenue", "invoiced", D(4000), flat))
    margin = run(org, save_plan, ADMIN, PlanTerms("Margin", "margin", D(4000), flat))
    run(org, assign_plan, ADMIN, [3], Q2, invoiced.plan_id, quota="40000")
    statement = read(org, get_statement, ADMIN, 3, Q2)
    assert [(line.key, line.amount) for line in statement.lines] == [
        ("commission:order:10", D("3000.00"))
    ]
    assert statement.credited == D("30000.00")
    run(org, assign_plan, ADMIN, [3], Q2, margin.plan_id, quota="20000")
    statement = read(org, get_statement, ADMIN, 3, Q2)
    assert statement.plan_name == "Margin"
    assert [(line.key, line.credit_amount) for line in statement.lines] == [
        ("commission:order:10", D("9000.00")),
        ("commission:order:11", D("5000.00")),
    ]
    assert statement.total == D("2800.00")


def test_a_draw_is_advanced_and_recovered_across_open_quarters(org) -> None:
    """Ben, on a plan with a $3,000 recoverable draw (1x a $4,000 target incentive, quota
    $50,000): Q2 has no deals, so $3,000 is advanced. In Q3 an $80,000 deal pays 160% x
    $4,000 = $6,400; $3,000 of the $3,400 above the draw is recovered: $3,400 paid."""
    terms = PlanTerms("Draw", "bookings", D(4000), (Band(D(0), None, D(1)),), draw_amount=D(3000))
    saved = run(org, save_plan, ADMIN, terms)
    run(org, assign_plan, ADMIN, [2], Q2, saved.plan_id, quota="50000")
    run(org, assign_plan, ADMIN, [2], Q3, saved.plan_id, quota="50000")
    won(org, 2, "80000", dt.date(2026, 8, 1))
    q2 = read(org, get_statement, BEN, 2, Q2)
    q3 = read(org, get_statement, BEN, 2, Q3)
    assert [(line.kind, line.amount) for line in q2.lines] == [("draw_advance", D("3000.00"))]
    assert q2.draw_balance_after == D("3000.00")
    assert [(line.kind, line.amount) for line in q3.lines] == [
        ("commission", D("6400.00")),
        ("draw_recovery", D("-3000.00")),
    ]
    assert (q3.total, q3.draw_balance_after) == (D("3400.00"), D("0.00"))


def test_a_spiff_pays_on_deals_of_its_product_inside_its_window(org) -> None:
    spiff = Spiff(
        "Security push",
        product_id=2,
        starts_on=dt.date(2026, 4, 1),
        ends_on=dt.date(2026, 5, 1),
        amount_per_deal=D(500),
    )
    saved = run(org, save_plan, ADMIN, tiered(spiffs=(spiff,)))
    run(org, assign_plan, ADMIN, [1], Q2, saved.plan_id)
    security = won(org, 1, "10000", dt.date(2026, 4, 15), product_id=2)
    won(org, 1, "10000", dt.date(2026, 5, 15), product_id=2)  # after the window
    lines = read(org, get_statement, ANN, 1, Q2).lines
    assert [(line.kind, line.opportunity_id, line.amount) for line in lines] == [
        ("commission", security, D("500.00")),
        ("commission", security + 1, D("500.00")),
        ("spiff", security, D("500.00")),
    ]


def test_a_new_plan_version_can_move_the_open_quarters_assignments(plan, org) -> None:
    run(org, close_period, ADMIN, Q1, today=dt.date(2026, 4, 1))
    saved = run(
        org,
        save_plan,
        ADMIN,
        tiered(cap_multiple=None),
        plan_id=plan,
        apply_to_open_quarters=True,
    )
    assert saved.reassigned == 3  # Q2's three reps; Q1 is closed and keeps version 1
    assert set(read(org, list_assignments, ADMIN, Q2)["plan_version"]) == {2}
    assert read(org, get_statement, ADMIN, 1, Q1).plan_version == 1


# Payroll, what-if, recognition ------------------------------------------------------------


def test_the_payroll_is_base_plus_variable_pay_as_csv_and_xlsx(plan, org) -> None:
    """Q1 bases are a quarter of the annual salaries: $20,000, $15,000 and $25,000. Ann earns
    $18,000; Ben $2,000 less a $500 clawback; Cat's $60,000 is 75% of her $80,000 quota:
    50 x 0.5 x $100 + 25 x 1 x $100 = $5,000."""
    frame = read(org, build_payroll, EXEC, Q1)
    assert frame[
        ["Rep", "Base salary", "Commission", "Clawbacks", "Total pay"]
    ].values.tolist() == [
        ["Ann Archer", D("20000.00"), D("18000.00"), D("0.00"), D("38000.00")],
        ["Ben Brook", D("15000.00"), D("2000.00"), D("500.00"), D("16500.00")],
        ["Cat Cole", D("25000.00"), D("5000.00"), D("0.00"), D("30000.00")],
    ]
    totals = payroll_totals(frame)
    assert totals["Total pay"] == D("84500.00")
    assert totals["Variable pay"] == D("24500.00")
    text = payroll_csv(frame).decode("utf-8-sig").splitlines()
    assert text[0].startswith("Rep ID,Rep,Team,Quarter,Status,Plan,Base salary,Commission")
    assert text[2].endswith(",1500.00,16500.00")
    book = openpyxl.load_workbook(io.BytesIO(payroll_xlsx(frame, Q1)))
    sheet = book.active
    assert sheet.title == "Payroll 2026-Q1"
    assert [cell.value for cell in sheet[2]][-1] == 38000
    with pytest.raises(PermissionDenied):
        read(org, build_payroll, MANAGER_A, Q1)


def test_a_what_if_shows_the_change_per_rep_and_in_total(plan, org) -> None:
    """Doubling the target incentive and dropping the cap pays Ann 2 x $20,500 = $41,000 for
    Q1 instead of $18,000 (+$23,000); Ben $4,000 instead of $2,000; Cat $10,000 instead of
    $5,000. A 60% higher quota puts Ann at exactly 100%: 0.75 x $20,000 = $15,000."""
    scenario = tiered(target_incentive=D(20000), cap_multiple=None)
    result = read(org, run_what_if, ADMIN, plan, scenario, today=dt.date(2026, 4, 15))
    q1 = result.rows[result.rows["Quarter"] == "2026-Q1"]
    assert q1[["Rep", "Current pay", "Scenario pay", "Change"]].values.tolist() == [
        ["Ann Archer", D("18000.00"), D("41000.00"), D("23000.00")],
        ["Ben Brook", D("2000.00"), D("4000.00"), D("2000.00")],
        ["Cat Cole", D("5000.00"), D("10000.00"), D("5000.00")],
    ]
    summary = result.summary.set_index("Quarter")
    assert summary.loc["2026-Q1", "Change"] == D("30000.00")
    assert summary.loc["2026-Q1", "Current cost of sales %"] == D("10.42")  # 25,000 / 240,000
    assert summary.loc["2026-Q2", "Reps"] == 3
    higher = read(
        org, run_what_if, MANAGER_A, plan, scenario, D(60), today=dt.date(2026, 4, 15)
    ).rows
    ann = higher[(higher["Quarter"] == "2026-Q1") & (higher["Rep"] == "Ann Archer")].iloc[0]
    assert (ann["Scenario quota"], ann["Scenario pay"]) == (D("160000.00"), D("15000.00"))
    assert set(higher["Rep"]) == {"Ann Archer", "Ben Brook"}  # the manager's team only
    with pytest.raises(PermissionDenied):
        read(org, run_what_if, ANN, plan, scenario, today=dt.date(2026, 4, 15))


def test_leaderboards_rank_the_team_and_award_badges(plan, org) -> None:
    with org.transaction() as cur:
        deals.create_deal(
            cur,
            ADMIN,
            {
                "opportunity_name": "Lost one",
                "owner_rep_id": 2,
                "stage_id": 9,
                "loss_reason": "Price",
            },
            at=dt.datetime(2026, 2, 2, 9),
        )
        cur.execute(
            "insert into activities (rep_id, activity_type, occurred_at, is_done) values"
            " (2, 'call', '2026-01-05 10:00', true), (2, 'call', '2026-01-06 10:00', true),"
            " (2, 'meeting', '2026-01-07 10:00', true), (2, 'call', '2026-01-08 10:00', false),"
            " (1, 'follow_up', '2026-02-01 10:00', true)"
        )
    assert read(org, get_club_threshold) == D(120)
    board = read(org, load_leaderboard, ADMIN, Q1, D(120)).set_index("rep_name")
    assert board.loc["Ann Archer", "attainment"] == pytest.approx(1.6)
    assert board.loc["Ann Archer", "badges"] == "President's Club · Top closer · Hunter"
    assert board.loc["Ben Brook", "win_rate"] == pytest.approx(0.5)
    assert board.loc["Ben Brook", "badges"] == "Busiest"
    assert board.loc["Cat Cole", "new_accounts"] == 1  # Initech; Ann's is Globex
    assert board.loc["Cat Cole", "badges"] == "Hunter"
    assert board.loc["Ann Archer", "rank_bookings"] == 1
    assert list(read(org, load_leaderboard, BEN, Q1, D(120))["rep_name"]) == [
        "Ann Archer",
        "Ben Brook",
    ]  # a rep sees their own team
    stats = read(org, load_activity_stats, MANAGER_A, Q1, dt.date(2026, 6, 1)).set_index("rep_name")
    assert stats.loc["Ben Brook", "call"] == 2  # the open call is not done yet
    assert stats.loc["Ben Brook", "working_days"] == 64  # Monday-Friday days in Q1 2026
    assert stats.loc["Ben Brook", "call_per_day"] == pytest.approx(round(2 / 64, 2))
    assert stats.loc["Ben Brook", "call_per_week"] == pytest.approx(round(2 / (90 / 7), 2))
    weeks = read(org, load_activity_weeks, BEN, Q1)
    assert weeks[weeks["activity_type"] == "call"]["activities"].sum() == 2
    run(org, set_club_threshold, ADMIN, "150")
    assert read(org, get_club_threshold) == D(150)
    with pytest.raises(PermissionDenied):
        run(org, set_club_threshold, MANAGER_A, "110")
    with pytest.raises(ValidationError, match="above 0%"):
        run(org, set_club_threshold, ADMIN, "0")


# The demo workspace -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_compensation(demo_db):
    """The demo workspace, which the demo build gives its compensation, and its as-of date."""
    with demo_db.reading() as cur:
        as_of = sql.fetch_one(cur, "workspace/get_setting", key="demo_as_of")["setting_value"]
    return demo_db, dt.date.fromisoformat(as_of)


def test_the_demo_has_plans_assignments_closed_quarters_and_disputes(
    demo_compensation, demo_viewers
) -> None:
    db, as_of = demo_compensation
    current = Period.quarter_of(as_of)
    with db.reading() as cur:
        plans = list_plans(cur, demo_viewers["admin"], current)
        assert plans[["plan_name", "version", "reps_assigned"]].values.tolist() == [
            ["Account Executive", 2, 43],
            ["International Account Manager", 1, 17],
        ]
        closed = cur.execute("select count(*) from comp_period_closes").fetchone()[0]
        assert closed == 3
        statements = compute_statements(cur, demo_viewers["executive"], current)
        assert len(statements) == 60
        assert all(s.total == sum(line.amount for line in s.lines) for s in statements)
        mine = compute_statements(cur, demo_viewers["rep"], current)
        assert [s.rep_id for s in mine] == [demo_viewers["rep"].rep_id]
        team = compute_statements(cur, demo_viewers["manager"], current)
        assert len(team) == 23  # Northeast, Southeast and Central
        frozen = [
            s
            for quarter in cur.execute("select period_start from comp_period_closes").fetchall()
            for s in compute_statements(cur, demo_viewers["admin"], Period.quarter_of(quarter[0]))
        ]
        assert len(frozen) == 180 and all(verify_statement(s) for s in frozen)
        disputes = list_disputes(cur, demo_viewers["manager"])
        assert sorted(disputes["status"]) == ["open", "resolved"]


def test_demo_compensation_is_built_only_once(demo_compensation) -> None:
    db, as_of = demo_compensation
    with (
        pytest.raises(ValidationError, match="has compensation plans already"),
        db.transaction() as cur,
    ):
        build_demo_compensation(cur, as_of)


def test_every_statement_line_of_the_demo_names_its_source(demo_compensation) -> None:
    db, _ = demo_compensation
    with db.reading() as cur:
        lines = pd.DataFrame(
            cur.execute(
                "select line_kind, opportunity_id, order_id, return_id from comp_statement_lines"
            ).fetchall(),
            columns=["kind", "deal", "order", "return"],
        )
    assert lines.loc[lines["kind"] == "commission", ["deal", "order"]].notna().any(axis=1).all()
    claws = lines[lines["kind"] == "clawback"]
    assert claws["order"].notna().all() and not claws.empty
