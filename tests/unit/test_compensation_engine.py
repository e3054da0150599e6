"""Compensation arithmetic worked out by hand, and its invariants over random plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.compensation.engine import (
    Band,
    CreditItem,
    Line,
    PlanTerms,
    Reversal,
    Spiff,
    WonDeal,
    adjustment_lines,
    clawback_line,
    compute_earnings,
    draw_lines,
    number_lines,
    pay_curve,
    payout,
    plan_problems,
    spiff_lines,
    totals_by_kind,
)

TIERED = PlanTerms(
    name="Tiered",
    measure="bookings",
    target_incentive=D("10000"),
    bands=(
        Band(D(0), D(50), D("0.5")),
        Band(D(50), D(100), D(1)),
        Band(D(100), D(150), D(2)),
        Band(D(150), None, D(3)),
    ),
    cap_multiple=D("1.8"),
)


def deal(number: int, day: dt.date, amount: str) -> CreditItem:
    return CreditItem(
        key=f"deal:{number}",
        sort_id=number,
        credited_on=day,
        amount=D(amount),
        description=f"Deal {number}",
        opportunity_id=number,
    )


def test_a_tiered_plan_with_an_accelerator_and_a_cap_worked_by_hand() -> None:
    """Target incentive $10,000 a quarter, quota $100,000, so 1% of attainment inside a band
    pays rate x $100. Bands: 0-50% at 0.5x, 50-100% at 1x, 100-150% at 2x (accelerator),
    150%+ at 3x; cap 1.8x the target incentive = $18,000.

    Deals in date order, cumulative attainment and cumulative payout:
      Jan 5   $40,000 ->  40%: 40 x 0.5 x $100                        =  $2,000  line $2,000
      Jan 20  $30,000 ->  70%: 50 x 0.5 x $100 + 20 x 1 x $100         =  $4,500  line $2,500
      Feb 10  $50,000 -> 120%: $2,500 + $5,000 + 20 x 2 x $100         = $11,500  line $7,000
      Mar 3   $40,000 -> 160%: $2,500 + $5,000 + $10,000 + 10 x 3 x $100
                                = $20,500 uncapped, capped at $18,000           line $6,500
    Commission $18,000 = $2,000 + $2,500 + $7,000 + $6,500; tier reached: band 4, capped.
    """
    items = [
        deal(1, dt.date(2026, 1, 5), "40000"),
        deal(2, dt.date(2026, 1, 20), "30000"),
        deal(3, dt.date(2026, 2, 10), "50000"),
        deal(4, dt.date(2026, 3, 3), "40000"),
    ]
    earnings = compute_earnings(TIERED, D("100000"), reversed(items), [])
    assert [line.amount for line in earnings.lines] == [
        D("2000.00"),
        D("2500.00"),
        D("7000.00"),
        D("6500.00"),
    ]
    assert [line.key for line in earnings.lines] == [f"commission:deal:{n}" for n in (1, 2, 3, 4)]
    assert sum(line.amount for line in earnings.lines) == D("18000.00")
    assert earnings.credited == D("160000")
    assert earnings.attainment == D("1.600000")
    assert earnings.tier_label == "Band 4: 150%+ at 3×"
    assert earnings.is_capped
    assert [line.rate_label for line in earnings.lines] == [
        "0.5×",
        "0.5× → 1×",
        "1× → 2×",
        "2× → 3×, reaches the cap",
    ]
    assert payout(TIERED, D("100000"), D("160000")) == D("18000.00")


def test_below_the_cap_the_full_marginal_payout_is_paid() -> None:
    """At 140%: 50 x 0.5 x $100 + 50 x 1 x $100 + 40 x 2 x $100 = $2,500 + $5,000 + $8,000."""
    assert payout(TIERED, D("100000"), D("140000")) == D("15500.00")


def test_lines_of_awkward_fractions_add_up_to_the_rounded_total_exactly() -> None:
    """Quota $30,000, target incentive $10,000 at 1x: each $10,000 deal is a third of the
    quota and pays $3,333.333...; rounding the cumulative payout gives lines of $3,333.33,
    $3,333.34 and $3,333.33, which add up to exactly $10,000.00."""
    flat = PlanTerms("Flat", "bookings", D("10000"), (Band(D(0), None, D(1)),))
    items = [deal(n, dt.date(2026, 1, n), "10000") for n in (1, 2, 3)]
    earnings = compute_earnings(flat, D("30000"), items, [])
    assert [line.amount for line in earnings.lines] == [D("3333.33"), D("3333.34"), D("3333.33")]
    assert sum(line.amount for line in earnings.lines) == D("10000.00")


def test_the_pay_curve_has_a_corner_at_every_band_edge_and_where_the_cap_bites() -> None:
    """In multiples of the target incentive: 0.25 at 50%, 0.75 at 100%, 1.75 at 150%; the
    cap 1.8 is reached at 150% + (1.8 - 1.75) / 3 x 100% = 151.6667%, flat after that."""
    points = pay_curve(TIERED, D(200))
    assert [(float(x), float(y)) for x, y in points] == pytest.approx(
        [(0, 0), (50, 0.25), (100, 0.75), (150, 1.75), (151.6667, 1.8), (200, 1.8)], abs=1e-4
    )


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        ((), "at least one band"),
        ((Band(D(10), None, D(1)),), "must start at 0%"),
        ((Band(D(0), D(50), D(1)), Band(D(60), None, D(2))), "gap between 50% and 60%"),
        ((Band(D(0), D(80), D(1)), Band(D(60), None, D(2))), "overlap between 60% and 80%"),
        ((Band(D(0), D(100), D(1)), Band(D(100), D(150), D(2))), "last band must have no upper"),
        ((Band(D(0), D(100), D(-1)), Band(D(100), None, D(2))), "negative rate"),
        ((Band(D(0), None, D(1)), Band(D(100), None, D(2))), "they overlap"),
    ],
)
def test_a_rate_table_with_gaps_overlaps_or_negative_rates_is_refused(bands, message) -> None:
    problems = plan_problems(PlanTerms("P", "bookings", D(1000), bands))
    assert any(message in problem for problem in problems), problems


def test_caps_must_be_above_zero_and_spiffs_need_a_product_or_window() -> None:
    terms = PlanTerms(
        "P",
        "revenue",
        D(-5),
        (Band(D(0), None, D(1)),),
        cap_multiple=D(0),
        spiffs=(Spiff("Anything", amount_per_deal=D(100)), Spiff("Nothing", product_id=1)),
    )
    problems = " ".join(plan_problems(terms))
    assert "A cap must be above zero" in problems
    assert "target incentive cannot be negative" in problems
    assert "not 'revenue'" in problems
    assert "SPIFF 1: choose a product, a time window, or both." in problems
    assert "SPIFF 2: it pays nothing" in problems
    assert plan_problems(TIERED) == []


def test_spiffs_pay_per_deal_of_the_product_inside_the_window() -> None:
    """$500 per Security Suite deal (product 6) won in February, plus 1% of the amount:
    the $20,000 deal on Feb 3 earns $500 + $200; the January one and the other product none."""
    terms = PlanTerms(
        "P",
        "bookings",
        D(1000),
        (Band(D(0), None, D(1)),),
        spiffs=(
            Spiff(
                "Security push",
                product_id=6,
                starts_on=dt.date(2026, 2, 1),
                ends_on=dt.date(2026, 3, 1),
                amount_per_deal=D(500),
                pct_of_amount=D(1),
            ),
        ),
    )
    deals = [
        WonDeal(1, dt.date(2026, 1, 30), D(20000), 6, "January"),
        WonDeal(2, dt.date(2026, 2, 3), D(20000), 6, "February"),
        WonDeal(3, dt.date(2026, 2, 4), D(20000), 5, "Other product"),
    ]
    lines = spiff_lines(terms, deals)
    assert [(line.key, line.amount) for line in lines] == [("spiff:1:deal:2", D("700.00"))]


def test_a_return_claws_back_its_share_net_of_earlier_returns() -> None:
    """Order of $20,000 on which $2,000 was paid: a first return of $5,000 takes 25% ($500);
    a second of $20,000 can only take the remaining 75% ($1,500); a cancellation after the
    first return takes the remaining 75% too."""

    def reversal(kind: str, amount: str | None, before: str) -> Reversal:
        return Reversal(
            kind=kind,
            reversal_id=1,
            order_id=7,
            opportunity_id=3,
            event_date=dt.date(2026, 2, 1),
            order_date=dt.date(2026, 1, 10),
            amount=None if amount is None else D(amount),
            returned_before=D(before),
            order_total=D(20000),
            description="Deal 3",
        )

    first = clawback_line(reversal("return", "5000", "0"), D(2000), "2026-Q1")
    second = clawback_line(reversal("return", "20000", "5000"), D(2000), "2026-Q1")
    cancelled = clawback_line(reversal("cancellation", None, "5000"), D(2000), "2026-Q1")
    assert (first.amount, second.amount, cancelled.amount) == (
        D("-500.00"),
        D("-1500.00"),
        D("-1500.00"),
    )
    assert first.key == "clawback:return:1" and first.order_id == 7 and first.opportunity_id == 3
    assert "22 days after the order" in first.description
    assert reversal("return", "1", "0").within(22) and not reversal("return", "1", "0").within(21)
    assert not reversal("return", "1", "0").within(None)


def test_a_draw_is_advanced_when_earnings_fall_short_and_recovered_later() -> None:
    """Draw $3,000 a quarter, recoverable. Q1 earns $1,000: $2,000 advanced, owed $2,000.
    Q2 earns $4,000: $1,000 above the draw is recovered, owed $1,000. Q3 earns $9,000: the
    last $1,000 is recovered. A non-recoverable draw advances but never recovers."""
    terms = PlanTerms("P", "bookings", D(1000), (Band(D(0), None, D(1)),), draw_amount=D(3000))
    q1, owed = draw_lines(terms, D(1000), D(0))
    q2, owed_after_q2 = draw_lines(terms, D(4000), owed)
    q3, owed_after_q3 = draw_lines(terms, D(9000), owed_after_q2)
    assert [(line.kind, line.amount) for line in q1 + q2 + q3] == [
        ("draw_advance", D(2000)),
        ("draw_recovery", D(-1000)),
        ("draw_recovery", D(-1000)),
    ]
    assert (owed, owed_after_q2, owed_after_q3) == (D(2000), D(1000), D(0))
    forgiving = PlanTerms(
        "P",
        "bookings",
        D(1000),
        (Band(D(0), None, D(1)),),
        draw_amount=D(3000),
        draw_is_recoverable=False,
    )
    lines, owed = draw_lines(forgiving, D(1000), D(0))
    assert [line.amount for line in lines] == [D(2000)] and owed == D(0)


def test_a_correction_is_what_is_due_now_less_what_was_paid_and_already_corrected() -> None:
    paid = [Line("commission:deal:1", "commission", "Deal 1", D("1000.00"))]
    now = [
        Line("commission:deal:1", "commission", "Deal 1", D("1200.00")),
        Line("clawback:return:4", "clawback", "Return", D("-300.00")),
    ]
    first = adjustment_lines(dt.date(2026, 1, 1), "2026-Q1", now, paid, {})
    assert [(line.key, line.amount) for line in first] == [
        ("adjustment:2026-01-01:clawback:return:4", D("-300.00")),
        ("adjustment:2026-01-01:commission:deal:1", D("200.00")),
    ]
    assert first[1].source_line_key == "commission:deal:1"
    again = adjustment_lines(
        dt.date(2026, 1, 1),
        "2026-Q1",
        now,
        paid,
        {"commission:deal:1": D("200.00"), "clawback:return:4": D("-300.00")},
    )
    assert again == []


# Properties over random plans ------------------------------------------------------------

rates = st.decimals(min_value=0, max_value=5, places=2)
money = st.decimals(min_value=0, max_value=10_000_000, places=2)


@st.composite
def plans(draw, decelerators: bool = True) -> PlanTerms:
    widths = draw(st.lists(st.integers(min_value=5, max_value=80), min_size=0, max_size=4))
    edges = [D(0)]
    for width in widths:
        edges.append(edges[-1] + width)
    if decelerators:
        band_rates = draw(st.lists(rates, min_size=len(edges), max_size=len(edges)))
    else:
        band_rates = sorted(
            draw(
                st.lists(
                    st.decimals(min_value=1, max_value=5, places=2),
                    min_size=len(edges),
                    max_size=len(edges),
                )
            )
        )
    bands = tuple(
        Band(edges[i], edges[i + 1] if i + 1 < len(edges) else None, band_rates[i])
        for i in range(len(edges))
    )
    cap = draw(st.one_of(st.none(), st.decimals(min_value="0.1", max_value=10, places=2)))
    target = draw(st.decimals(min_value=0, max_value=100_000, places=2))
    return PlanTerms("Random", "bookings", target, bands, cap_multiple=cap)


@settings(max_examples=300, deadline=None)
@given(
    plans(decelerators=False), st.decimals(min_value=1, max_value=5_000_000, places=2), money, money
)
def test_without_decelerators_payout_never_falls_as_attainment_rises(terms, quota, a, b) -> None:
    low, high = sorted((a, b))
    assert plan_problems(terms) == []
    assert payout(terms, quota, low) <= payout(terms, quota, high)


@settings(max_examples=300, deadline=None)
@given(plans(), st.decimals(min_value=1, max_value=5_000_000, places=2), money, money)
def test_with_decelerators_too_marginal_rates_never_lower_pay_for_more(terms, quota, a, b) -> None:
    low, high = sorted((a, b))
    assert payout(terms, quota, low) <= payout(terms, quota, high)


@settings(max_examples=300, deadline=None)
@given(
    plans(), st.decimals(min_value=1, max_value=5_000_000, places=2), st.lists(money, max_size=12)
)
def test_a_cap_is_never_exceeded(terms, quota, amounts) -> None:
    items = [
        deal(n, dt.date(2026, 1, 1) + dt.timedelta(days=n), str(a)) for n, a in enumerate(amounts)
    ]
    earnings = compute_earnings(terms, quota, items, [])
    commission = sum((line.amount for line in earnings.lines), D(0))
    if terms.cap_amount is not None:
        assert commission <= terms.target_incentive * terms.cap_multiple
    assert all(line.amount >= 0 for line in earnings.lines)


@settings(max_examples=300, deadline=None)
@given(
    plans(),
    st.decimals(min_value=1, max_value=5_000_000, places=2),
    st.lists(st.decimals(min_value=-50_000, max_value=2_000_000, places=2), max_size=15),
    st.lists(st.decimals(min_value=0, max_value=100_000, places=4), max_size=4),
    st.decimals(min_value=0, max_value=20_000, places=2),
    st.decimals(min_value=0, max_value=20_000, places=2),
)
def test_a_statement_total_is_the_exact_sum_of_its_lines(
    terms, quota, amounts, returns, draw, owed
) -> None:
    """Commission, SPIFF, clawback and draw lines of a random period: every line is in whole
    cents, the total is their sum, and the commission lines sum to the period's payout."""
    terms = PlanTerms(
        terms.name,
        terms.measure,
        terms.target_incentive,
        terms.bands,
        terms.cap_multiple,
        clawback_days=30,
        draw_amount=draw,
        spiffs=(Spiff("Window", starts_on=dt.date(2026, 1, 1), pct_of_amount=D("1.5")),),
    )
    items = [
        deal(n, dt.date(2026, 1, 1) + dt.timedelta(days=n), str(a)) for n, a in enumerate(amounts)
    ]
    deals = [WonDeal(i.opportunity_id, i.credited_on, max(i.amount, D(0)), None, "") for i in items]
    earnings = compute_earnings(terms, quota, items, deals)
    lines = list(earnings.lines)
    for number, amount in enumerate(returns):
        reversal = Reversal(
            "return",
            number,
            1,
            1,
            dt.date(2026, 2, 1),
            dt.date(2026, 1, 20),
            amount,
            D(0),
            D(100_000),
            "Order 1",
        )
        claw = clawback_line(reversal, earnings.lines[0].amount if earnings.lines else D(0), "Q1")
        if claw is not None:
            lines.append(claw)
    earned = sum((line.amount for line in lines), D(0))
    draws, _ = draw_lines(terms, earned, owed)
    statement = number_lines([*lines, *draws])
    total = sum((line.amount for line in statement), D(0))
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in statement)
    assert sum(totals_by_kind(statement).values()) == total
    commission = sum((line.amount for line in statement if line.kind == "commission"), D(0))
    assert commission == payout(terms, quota, max(earnings.credited, D(0)))
    assert [line.line_no for line in statement] == list(range(1, len(statement) + 1))
