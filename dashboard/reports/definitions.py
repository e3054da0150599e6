"""What every figure in a pack means; each pack prints the definitions it uses."""

from __future__ import annotations

from dashboard.metrics import METRIC_DEFINITIONS

RECURRING_TERM_MONTHS = 12

REPORT_DEFINITIONS: dict[str, str] = {
    "Growth": (
        "(this period - comparison period) / comparison period. Previous period: the quarter, "
        "month or year before (QoQ for quarters); year ago: the same period one year earlier (YoY)."
    ),
    "Gross sales": (
        "Sum of order line sales amounts of orders dated in the period, cancelled orders left "
        "out, in the reporting currency (USD) as recorded (4 decimals)."
    ),
    "Returns": "Sum of return amounts with a returned date in the period, whatever the order date.",
    "Net revenue": "Gross sales - returns of the period.",
    "Gross profit": "Sum of order line profit where the source records it; margin = profit / gross sales.",
    "Return rate": "Returns / gross sales of the same period.",
    "Customers": "Distinct customers (account, else the name on the order) with an order in the period.",
    "Top-customer concentration": (
        "Share of gross sales of the largest 1, 5 and 10 customers in the period."
    ),
    "Plan": (
        "Bookings goals for the scope, each spread over its days and counted for the days that "
        "fall in the period."
    ),
    "Forecast": (
        "Bookings so far + open pipeline expected to close in the period, weighted by "
        "probability (as the pipeline stands now); equal to bookings once the period is over."
    ),
    "Pipeline coverage (next period)": (
        "Open pipeline expected to close in the next period, as it stood at the end of this "
        "period (or now, while it runs), / the next period's plan."
    ),
    "Commit": "Open pipeline in the commit forecast category.",
    "ARR": (
        "Annual recurring revenue: the amount of each won deal marked recurring counts as "
        f"annual revenue for {RECURRING_TERM_MONTHS} months from its close; a renewal is a new "
        "won deal. ARR at an instant is the sum of the deals active then."
    ),
    "MRR": "ARR / 12.",
    "ARR bridge": (
        "Per customer, ARR at the start and at the end of the period: new = customers without "
        "ARR at the start; expansion = more than at the start; contraction = less, but some; "
        "churn = none at the end. Start + new + expansion - contraction - churn = end."
    ),
    "NRR": (
        "Net revenue retention over the 12 months to the period's end: ARR now of the customers "
        "who had ARR 12 months earlier / their ARR then (expansion, contraction and churn count)."
    ),
    "GRR": (
        "Gross revenue retention over the same cohort: (ARR then - contraction - churn) / ARR "
        "then (expansion does not count; never above 100%)."
    ),
    "Sales & marketing spend": (
        "Spend entered per month (sales and marketing), corrections included, for months in the "
        "period."
    ),
    "New customers": "Accounts whose first won deal closed in the period.",
    "CAC": "Customer acquisition cost: sales & marketing spend of the period / new customers.",
    "CAC payback": (
        "Months of new recurring revenue needed to earn back the period's spend: sales & "
        "marketing spend / (new + expansion MRR of the period); not adjusted for gross margin."
    ),
    "Magic number": ("Net new ARR of the period / sales & marketing spend of the previous period."),
    "Headcount": (
        "Active reps in the scope hired before the end of the period (or without a hire date)."
    ),
    "Productivity per rep": "Bookings (or won deals, or net revenue) / headcount.",
    "Partner-sourced": (
        "Deals a partner brought: linked to a partner as 'sourced', or with lead source "
        "'Partner' (counted under '(partner not recorded)' when no partner is linked)."
    ),
    "Partner-influenced": (
        "Deals a partner helped win, linked as 'influenced'; a deal influenced by two partners "
        "counts for each of them, but once in the totals."
    ),
    "Jurisdiction": (
        "Country and state/province of the order's address; sales by order date, returns by "
        "returned date at the address of the order returned."
    ),
    "Variance": "Actual - plan.",
}

ALL_DEFINITIONS: dict[str, str] = {**METRIC_DEFINITIONS, **REPORT_DEFINITIONS}

# the terms each kind of pack prints, in this order
PACK_TERMS: dict[str, tuple[str, ...]] = {
    "investor": (
        "Bookings",
        "Won / lost deals",
        "Win rate (count)",
        "Win rate (value)",
        "Average deal size",
        "Sales cycle",
        "Growth",
        "Gross sales",
        "Returns",
        "Net revenue",
        "Gross profit",
        "Return rate",
        "Customers",
        "Top-customer concentration",
        "Plan",
        "Attainment",
        "Forecast",
        "Pipeline coverage (next period)",
        "Commit",
        "ARR",
        "MRR",
        "ARR bridge",
        "NRR",
        "GRR",
        "Sales & marketing spend",
        "New customers",
        "CAC",
        "CAC payback",
        "Magic number",
        "Headcount",
        "Productivity per rep",
    ),
    "partner": (
        "Bookings",
        "Won / lost deals",
        "Win rate (count)",
        "Average deal size",
        "Partner-sourced",
        "Partner-influenced",
        "Open pipeline",
    ),
    "government": ("Gross sales", "Returns", "Net revenue", "Jurisdiction"),
    "management": (
        "Bookings",
        "Plan",
        "Attainment",
        "Variance",
        "Gross sales",
        "Gross profit",
        "Net revenue",
        "Growth",
    ),
}
PACK_TERMS["board"] = PACK_TERMS["investor"] + ("Variance",)


def definitions_for(kind: str) -> list[dict[str, str]]:
    """The definitions a pack of this kind prints, as [{term, definition}]."""
    return [{"term": term, "definition": ALL_DEFINITIONS[term]} for term in PACK_TERMS[kind]]
