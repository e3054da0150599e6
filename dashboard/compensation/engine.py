"""Compensation arithmetic in Decimal, without a database: the pay curve, commission lines,
SPIFFs, clawbacks and draws.

The plan's rate table pays, for each attainment band, `rate` times the target incentive per
100% of quota inside the band (applied marginally: each band's rate on the part of attainment
that falls inside it). Commission is capped at `cap_multiple` times the target incentive.

Money is rounded to cents once, at the line, by the cumulative method: a commission line is
round(payout after the item) - round(payout before it), so the lines of a period add up to
exactly round(payout of the period). A statement total is the exact sum of its lines.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

MEASURES: dict[str, str] = {
    "bookings": "Bookings (won deals)",
    "invoiced": "Invoiced revenue (orders)",
    "margin": "Margin (order profit)",
}
LINE_KINDS: dict[str, str] = {
    "commission": "Commission",
    "spiff": "SPIFF",
    "clawback": "Clawback",
    "adjustment": "Adjustment",
    "draw_advance": "Draw advance",
    "draw_recovery": "Draw recovered",
}
# the kinds a later correction of a closed period is computed for (draws are settled once)
CORRECTABLE_KINDS = ("commission", "spiff", "clawback")

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
HUNDRED = Decimal("100")
ATTAINMENT_PLACES = Decimal("0.000001")
_CONTEXT = decimal.Context(prec=60, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    """A Decimal rounded half-up to whole cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def format_number(value: Decimal) -> str:
    """A Decimal written without exponent and without trailing zeros (100, 1.5, 0.25)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def format_money(value: Decimal | None) -> str:
    """A Decimal amount as $1,234.56 (negative as -$1,234.56)."""
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(cents(value)):,.2f}"


@dataclass(frozen=True)
class Band:
    """Attainment from floor_pct up to (not including) ceiling_pct, paid at rate."""

    floor_pct: Decimal
    ceiling_pct: Decimal | None
    rate: Decimal

    @property
    def label(self) -> str:
        upper = "" if self.ceiling_pct is None else format_number(self.ceiling_pct)
        span = (
            f"{format_number(self.floor_pct)}%+"
            if self.ceiling_pct is None
            else f"{format_number(self.floor_pct)}–{upper}%"
        )
        return f"{span} at {format_number(self.rate)}×"

    @property
    def kind(self) -> str:
        if self.rate == 0:
            return "threshold (no pay)"
        if self.rate < 1:
            return "decelerator"
        if self.rate > 1:
            return "accelerator"
        return "base rate"

    def contains(self, attainment_pct: Decimal) -> bool:
        return attainment_pct >= self.floor_pct and (
            self.ceiling_pct is None or attainment_pct < self.ceiling_pct
        )


@dataclass(frozen=True)
class Spiff:
    """A bonus per won deal of a product and/or won inside [starts_on, ends_on)."""

    name: str
    product_id: int | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    amount_per_deal: Decimal = ZERO
    pct_of_amount: Decimal = ZERO
    product_name: str | None = None

    def applies_to(self, product_id: int | None, won_on: dt.date) -> bool:
        """Whether a deal of this product won on this day earns the SPIFF."""
        if self.product_id is not None and product_id != self.product_id:
            return False
        if self.starts_on is not None and won_on < self.starts_on:
            return False
        return self.ends_on is None or won_on < self.ends_on

    def bonus(self, deal_amount: Decimal) -> Decimal:
        """The SPIFF for a deal of this amount, to the cent."""
        with decimal.localcontext(_CONTEXT):
            return cents(self.amount_per_deal + self.pct_of_amount * deal_amount / HUNDRED)

    @property
    def label(self) -> str:
        parts = []
        if self.product_id is not None:
            parts.append(self.product_name or f"product {self.product_id}")
        if self.starts_on or self.ends_on:
            first = self.starts_on.isoformat() if self.starts_on else "…"
            last = (self.ends_on - dt.timedelta(days=1)).isoformat() if self.ends_on else "…"
            parts.append(f"won {first} to {last}")
        bonus = []
        if self.amount_per_deal:
            bonus.append(f"{format_money(self.amount_per_deal)} per deal")
        if self.pct_of_amount:
            bonus.append(f"{format_number(self.pct_of_amount)}% of the amount")
        return f"{self.name}: {' + '.join(bonus) or 'no bonus'} ({', '.join(parts) or 'any deal'})"


@dataclass(frozen=True)
class PlanTerms:
    """The terms of one plan version; money per period (quarter)."""

    name: str
    measure: str
    target_incentive: Decimal
    bands: tuple[Band, ...]
    cap_multiple: Decimal | None = None
    clawback_days: int | None = None
    draw_amount: Decimal = ZERO
    draw_is_recoverable: bool = True
    spiffs: tuple[Spiff, ...] = ()
    plan_id: int | None = None
    version: int | None = None

    @property
    def cap_amount(self) -> Decimal | None:
        """The most commission a period can pay, in whole cents rounded down (None = no cap)."""
        if self.cap_multiple is None:
            return None
        return (self.target_incentive * self.cap_multiple).quantize(CENT, rounding=ROUND_DOWN)

    @property
    def label(self) -> str:
        return self.name if self.version is None else f"{self.name} v{self.version}"


@dataclass(frozen=True)
class CreditItem:
    """Something that counts towards attainment: a won deal or an order."""

    key: str  # 'deal:42' or 'order:7'
    sort_id: int
    credited_on: dt.date
    amount: Decimal
    description: str
    opportunity_id: int | None = None
    order_id: int | None = None


@dataclass(frozen=True)
class WonDeal:
    """A won deal as SPIFFs see it."""

    opportunity_id: int
    won_on: dt.date
    amount: Decimal
    product_id: int | None
    description: str


@dataclass(frozen=True)
class Reversal:
    """A return of (part of) an order, or its cancellation."""

    kind: str  # 'return' | 'cancellation'
    reversal_id: int
    order_id: int
    opportunity_id: int | None
    event_date: dt.date
    order_date: dt.date
    amount: Decimal | None  # returned amount; None for a cancellation
    returned_before: Decimal  # earlier returns of the order (all of them for a cancellation)
    order_total: Decimal
    description: str

    @property
    def key(self) -> str:
        return f"clawback:{self.kind}:{self.reversal_id}"

    @property
    def share(self) -> Decimal:
        """The share of the order this reversal takes back (0 to 1), net of earlier returns."""
        total = self.order_total
        if total <= 0:
            return ONE if self.kind == "cancellation" else ZERO
        with decimal.localcontext(_CONTEXT):
            before = min(max(self.returned_before, ZERO), total)
            if self.kind == "cancellation":
                return (total - before) / total
            after = min(max(self.returned_before + (self.amount or ZERO), ZERO), total)
            return max(after - before, ZERO) / total

    def within(self, days: int | None) -> bool:
        """Whether it happened within `days` days of the order (None = no clawbacks)."""
        return days is not None and (self.event_date - self.order_date).days <= days


@dataclass(frozen=True)
class Line:
    """One statement line; `amount` is in cents and the statement total is their sum."""

    key: str
    kind: str
    description: str
    amount: Decimal
    opportunity_id: int | None = None
    order_id: int | None = None
    return_id: int | None = None
    event_date: dt.date | None = None
    credit_amount: Decimal | None = None
    attainment_before: Decimal | None = None
    attainment_after: Decimal | None = None
    rate_label: str | None = None
    source_period_start: dt.date | None = None
    source_line_key: str | None = None
    line_no: int = 0


@dataclass(frozen=True)
class Earnings:
    """Commission and SPIFF lines of one rep and period, and how attainment ended."""

    lines: tuple[Line, ...]
    credited: Decimal
    attainment: Decimal | None
    tier_label: str | None
    is_capped: bool
    notes: tuple[str, ...] = field(default_factory=tuple)


def plan_problems(terms: PlanTerms) -> list[str]:
    """Everything wrong with a plan's terms, as sentences (empty when the plan is valid)."""
    problems: list[str] = []
    if not terms.name.strip():
        problems.append("The plan needs a name.")
    if terms.measure not in MEASURES:
        problems.append(f"Commission is measured on {', '.join(MEASURES)}, not {terms.measure!r}.")
    if terms.target_incentive < 0:
        problems.append("The target incentive cannot be negative.")
    if terms.cap_multiple is not None and terms.cap_multiple <= 0:
        problems.append("A cap must be above zero (leave it empty for no cap).")
    if terms.clawback_days is not None and terms.clawback_days < 0:
        problems.append("The clawback window cannot be negative.")
    if terms.draw_amount < 0:
        problems.append("The draw cannot be negative.")
    problems.extend(band_problems(terms.bands))
    for number, spiff in enumerate(terms.spiffs, start=1):
        problems.extend(f"SPIFF {number}: {problem}" for problem in spiff_problems(spiff))
    return problems


def band_problems(bands: Sequence[Band]) -> list[str]:
    """What is wrong with a rate table: gaps, overlaps, negative rates, a missing top band."""
    if not bands:
        return ["The rate table needs at least one band."]
    problems: list[str] = []
    ordered = sorted(bands, key=lambda band: band.floor_pct)
    for number, band in enumerate(ordered, start=1):
        if band.rate < 0:
            problems.append(f"Band {number} ({band.label}) has a negative rate.")
        if band.floor_pct < 0:
            problems.append(f"Band {number} starts below 0%.")
        if band.ceiling_pct is not None and band.ceiling_pct <= band.floor_pct:
            problems.append(
                f"Band {number} ends at {format_number(band.ceiling_pct)}%, not above where it "
                f"starts ({format_number(band.floor_pct)}%)."
            )
    if ordered[0].floor_pct > 0:
        problems.append(
            f"The first band must start at 0%; attainment below "
            f"{format_number(ordered[0].floor_pct)}% is not covered."
        )
    for number, (lower, upper) in enumerate(zip(ordered, ordered[1:], strict=False), start=1):
        if lower.ceiling_pct is None:
            problems.append(
                f"Band {number} has no upper end but band {number + 1} starts at "
                f"{format_number(upper.floor_pct)}%: they overlap."
            )
        elif upper.floor_pct > lower.ceiling_pct:
            problems.append(
                f"There is a gap between {format_number(lower.ceiling_pct)}% and "
                f"{format_number(upper.floor_pct)}% (bands {number} and {number + 1})."
            )
        elif upper.floor_pct < lower.ceiling_pct:
            problems.append(
                f"Bands {number} and {number + 1} overlap between "
                f"{format_number(upper.floor_pct)}% and {format_number(lower.ceiling_pct)}%."
            )
    if ordered[-1].ceiling_pct is not None:
        problems.append(
            f"The last band must have no upper end; attainment above "
            f"{format_number(ordered[-1].ceiling_pct)}% would not be covered."
        )
    return problems


def spiff_problems(spiff: Spiff) -> list[str]:
    """What is wrong with a SPIFF."""
    problems: list[str] = []
    if not spiff.name.strip():
        problems.append("it needs a name.")
    if spiff.amount_per_deal < 0 or spiff.pct_of_amount < 0:
        problems.append("a bonus cannot be negative.")
    elif spiff.amount_per_deal == 0 and spiff.pct_of_amount == 0:
        problems.append("it pays nothing; give an amount per deal or a percent of the amount.")
    if spiff.product_id is None and spiff.starts_on is None and spiff.ends_on is None:
        problems.append("choose a product, a time window, or both.")
    if spiff.starts_on and spiff.ends_on and spiff.ends_on <= spiff.starts_on:
        problems.append("its window ends before it starts.")
    return problems


def sorted_bands(terms: PlanTerms) -> tuple[Band, ...]:
    """The plan's bands from the lowest floor up."""
    return tuple(sorted(terms.bands, key=lambda band: band.floor_pct))


def payout_exact(terms: PlanTerms, quota: Decimal, credited: Decimal) -> Decimal:
    """Commission for a period with `credited` against `quota`, capped, before rounding."""
    if quota <= 0:
        raise ValueError("the quota must be above zero")
    with decimal.localcontext(_CONTEXT):
        return _capped(terms, _uncapped(terms, quota, credited))


def _uncapped(terms: PlanTerms, quota: Decimal, credited: Decimal) -> Decimal:
    """The marginal payout before the cap (call inside the engine's decimal context)."""
    weighted = ZERO
    for band in terms.bands:
        low = quota * band.floor_pct / HUNDRED
        top = (
            credited
            if band.ceiling_pct is None
            else min(credited, quota * band.ceiling_pct / HUNDRED)
        )
        if top > low:
            weighted += band.rate * (top - low)
    return terms.target_incentive * weighted / quota


def _capped(terms: PlanTerms, value: Decimal) -> Decimal:
    cap = terms.cap_amount
    return cap if cap is not None and value > cap else value


def payout(terms: PlanTerms, quota: Decimal, credited: Decimal) -> Decimal:
    """Commission for a period, to the cent."""
    return cents(payout_exact(terms, quota, credited))


def attainment_of(credited: Decimal, quota: Decimal | None) -> Decimal | None:
    """credited / quota as a fraction with six decimals (None without a quota)."""
    if not quota:
        return None
    with decimal.localcontext(_CONTEXT):
        return (credited / quota).quantize(ATTAINMENT_PLACES, rounding=ROUND_HALF_UP)


def band_at(terms: PlanTerms, attainment_pct: Decimal) -> tuple[int, Band] | None:
    """The band (1-based number and band) an attainment in percent falls in."""
    for number, band in enumerate(sorted_bands(terms), start=1):
        if band.contains(max(attainment_pct, ZERO)):
            return number, band
    return None


def tier_label(terms: PlanTerms, attainment: Decimal | None) -> str | None:
    """'Band 3: 100–150% at 2×' for a final attainment (a fraction)."""
    if attainment is None:
        return None
    found = band_at(terms, attainment * HUNDRED)
    return None if found is None else f"Band {found[0]}: {found[1].label}"


def _rate_label(
    bands: tuple[Band, ...],
    quota: Decimal,
    low: Decimal,
    high: Decimal,
    cap: Decimal | None,
    uncapped_low: Decimal,
    uncapped_high: Decimal,
) -> str:
    low_pct, high_pct = max(low, ZERO) / quota * HUNDRED, max(high, ZERO) / quota * HUNDRED
    touched = [
        band
        for band in bands
        if (band.ceiling_pct is None or low_pct < band.ceiling_pct) and high_pct >= band.floor_pct
    ]
    rates = " → ".join(f"{format_number(band.rate)}×" for band in touched) or "–"
    if cap is not None:
        if uncapped_low >= cap:
            return "capped"
        if uncapped_high > cap:
            return f"{rates}, reaches the cap"
    return rates


def commission_lines(
    terms: PlanTerms, quota: Decimal, items: Iterable[CreditItem]
) -> tuple[list[Line], Decimal]:
    """One commission line per credit item in date order (marginal, capped, cumulative
    rounding), and the credited total."""
    if quota <= 0:
        raise ValueError("the quota must be above zero")
    ordered = sorted(items, key=lambda item: (item.credited_on, item.sort_id, item.key))
    bands = sorted_bands(terms)
    cap = terms.cap_amount
    lines: list[Line] = []
    credited = ZERO
    paid = ZERO
    with decimal.localcontext(_CONTEXT):
        uncapped_before = ZERO
        for item in ordered:
            before = credited
            credited = before + item.amount
            uncapped_after = _uncapped(terms, quota, max(credited, ZERO))
            paid_after = cents(_capped(terms, uncapped_after))
            low, high = sorted((before, credited))
            lines.append(
                Line(
                    key=f"commission:{item.key}",
                    kind="commission",
                    description=item.description,
                    amount=paid_after - paid,
                    opportunity_id=item.opportunity_id,
                    order_id=item.order_id,
                    event_date=item.credited_on,
                    credit_amount=item.amount,
                    attainment_before=(before / quota).quantize(ATTAINMENT_PLACES),
                    attainment_after=(credited / quota).quantize(ATTAINMENT_PLACES),
                    rate_label=_rate_label(
                        bands,
                        quota,
                        low,
                        high,
                        cap,
                        min(uncapped_before, uncapped_after),
                        max(uncapped_before, uncapped_after),
                    ),
                )
            )
            paid = paid_after
            uncapped_before = uncapped_after
    return lines, credited


def spiff_lines(terms: PlanTerms, deals: Iterable[WonDeal]) -> list[Line]:
    """One line per SPIFF a won deal earns, in date order."""
    lines: list[Line] = []
    for deal in sorted(deals, key=lambda deal: (deal.won_on, deal.opportunity_id)):
        for number, spiff in enumerate(terms.spiffs, start=1):
            if not spiff.applies_to(deal.product_id, deal.won_on):
                continue
            amount = spiff.bonus(deal.amount)
            if amount == 0:
                continue
            lines.append(
                Line(
                    key=f"spiff:{number}:deal:{deal.opportunity_id}",
                    kind="spiff",
                    description=f"{spiff.name}: {deal.description}",
                    amount=amount,
                    opportunity_id=deal.opportunity_id,
                    event_date=deal.won_on,
                    credit_amount=deal.amount,
                    rate_label=spiff.label,
                )
            )
    return lines


def compute_earnings(
    terms: PlanTerms, quota: Decimal, items: Iterable[CreditItem], deals: Iterable[WonDeal]
) -> Earnings:
    """Commission and SPIFF lines for one rep and period, with attainment and tier."""
    commission, credited = commission_lines(terms, quota, items)
    spiffs = spiff_lines(terms, deals)
    attainment = attainment_of(credited, quota)
    uncapped = payout_exact(replace(terms, cap_multiple=None), quota, max(credited, ZERO))
    cap = terms.cap_amount
    return Earnings(
        lines=tuple(commission + spiffs),
        credited=credited,
        attainment=attainment,
        tier_label=tier_label(terms, attainment),
        is_capped=cap is not None and uncapped > cap,
    )


def clawback_line(reversal: Reversal, paid: Decimal, paid_in: str) -> Line | None:
    """The clawback of a reversal's share of what was paid on its order (None if nothing)."""
    with decimal.localcontext(_CONTEXT):
        amount = -cents(paid * reversal.share)
    if amount == 0:
        return None
    share = reversal.share * HUNDRED
    what = (
        "Order cancelled"
        if reversal.kind == "cancellation"
        else f"Return of {format_money(reversal.amount)}"
    )
    return Line(
        key=reversal.key,
        kind="clawback",
        description=(
            f"{what} ({format_number(share.quantize(CENT))}% of order {reversal.order_id}) "
            f"{(reversal.event_date - reversal.order_date).days} days after the order: "
            f"{reversal.description}; {format_money(paid)} was paid in {paid_in}"
        ),
        amount=amount,
        opportunity_id=reversal.opportunity_id,
        order_id=reversal.order_id,
        return_id=reversal.reversal_id if reversal.kind == "return" else None,
        event_date=reversal.event_date,
        credit_amount=-(reversal.amount if reversal.amount is not None else reversal.order_total),
    )


def adjustment_lines(
    period_start: dt.date,
    period_label: str,
    recomputed: Sequence[Line],
    frozen: Sequence[Line],
    already_adjusted: dict[str, Decimal],
) -> list[Line]:
    """Lines correcting a closed period: for every line key, what it should have paid now,
    minus what its frozen statement paid, minus corrections already made in later periods."""
    now = _sum_by_key(line for line in recomputed if line.kind in CORRECTABLE_KINDS)
    then = _sum_by_key(line for line in frozen if line.kind in CORRECTABLE_KINDS)
    described = {line.key: line for line in [*frozen, *recomputed]}
    lines = []
    for key in sorted(set(now) | set(then) | set(already_adjusted), key=_key_order):
        difference = now.get(key, ZERO) - then.get(key, ZERO) - already_adjusted.get(key, ZERO)
        if difference == 0:
            continue
        source = described.get(key)
        what = source.description if source else key
        lines.append(
            Line(
                key=f"adjustment:{period_start.isoformat()}:{key}",
                kind="adjustment",
                description=(
                    f"Correction to {period_label}: {what} (paid {format_money(then.get(key, ZERO))}"
                    f"{_earlier(already_adjusted.get(key))}, now {format_money(now.get(key, ZERO))})"
                ),
                amount=difference,
                opportunity_id=source.opportunity_id if source else None,
                order_id=source.order_id if source else None,
                return_id=source.return_id if source else None,
                event_date=source.event_date if source else None,
                credit_amount=source.credit_amount if source else None,
                source_period_start=period_start,
                source_line_key=key,
            )
        )
    return lines


def _earlier(amount: Decimal | None) -> str:
    return "" if not amount else f", corrected by {format_money(amount)} since"


def _sum_by_key(lines: Iterable[Line]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.key] = totals.get(line.key, ZERO) + line.amount
    return totals


def _key_order(key: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part for part in key.split(":"))


def draw_lines(
    terms: PlanTerms | None, earned: Decimal, balance_before: Decimal
) -> tuple[list[Line], Decimal]:
    """The draw for a period: an advance up to the draw when earnings fall short (added to the
    balance when recoverable), else recovery of the balance from earnings above the draw."""
    if terms is None or not terms.draw_amount:
        return [], balance_before
    draw = terms.draw_amount
    if earned < draw:
        advance = draw - earned
        balance = balance_before + advance if terms.draw_is_recoverable else balance_before
        note = "recoverable from later earnings" if terms.draw_is_recoverable else "not recovered"
        return [
            Line(
                key="draw:advance",
                kind="draw_advance",
                description=(
                    f"Draw: {format_money(draw)} guaranteed per period, {format_money(earned)} "
                    f"earned; the difference is advanced ({note})"
                ),
                amount=advance,
            )
        ], balance
    if terms.draw_is_recoverable and balance_before > 0:
        recovery = min(balance_before, earned - draw)
        if recovery > 0:
            return [
                Line(
                    key="draw:recovery",
                    kind="draw_recovery",
                    description=(
                        f"Draw recovered: {format_money(recovery)} of the "
                        f"{format_money(balance_before)} advanced before, from earnings above "
                        f"the {format_money(draw)} draw"
                    ),
                    amount=-recovery,
                )
            ], balance_before - recovery
    return [], balance_before


def number_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """The lines numbered 1..n in the order given."""
    return tuple(replace(line, line_no=number) for number, line in enumerate(lines, start=1))


def totals_by_kind(lines: Iterable[Line]) -> dict[str, Decimal]:
    """The sum of line amounts per kind (every kind present, zero when absent)."""
    totals = dict.fromkeys(LINE_KINDS, ZERO)
    for line in lines:
        totals[line.kind] += line.amount
    return totals


def pay_curve(terms: PlanTerms, up_to_pct: Decimal | None = None) -> list[tuple[Decimal, Decimal]]:
    """The pay curve's corners: (attainment in percent, payout as a multiple of the target
    incentive), from 0% to `up_to_pct` (default: 50 points past the last band's floor)."""
    bands = sorted_bands(terms)
    if up_to_pct is None:
        up_to_pct = max(Decimal(200), bands[-1].floor_pct + 50 if bands else Decimal(200))
    unit = replace(terms, target_incentive=ONE)
    points = {ZERO, up_to_pct}
    for band in bands:
        for edge in (band.floor_pct, band.ceiling_pct):
            if edge is not None and edge <= up_to_pct:
                points.add(edge)
    if terms.cap_multiple is not None:
        crossing = _cap_crossing(bands, terms.cap_multiple)
        if crossing is not None and crossing <= up_to_pct:
            points.add(crossing)
    return [(point, payout_exact(unit, HUNDRED, point)) for point in sorted(points)]


def _cap_crossing(bands: Sequence[Band], cap_multiple: Decimal) -> Decimal | None:
    """The attainment in percent where the uncapped curve reaches the cap (None if never)."""
    reached = ZERO
    with decimal.localcontext(_CONTEXT):
        for band in bands:
            width = None if band.ceiling_pct is None else band.ceiling_pct - band.floor_pct
            gain = None if width is None else band.rate * width / HUNDRED
            if band.rate > 0 and (gain is None or reached + gain >= cap_multiple):
                crossing = band.floor_pct + (cap_multiple - reached) / band.rate * HUNDRED
                return crossing.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            reached += gain or ZERO
    return None
