"""Every page of the app and the roles that may open it: navigation and guards read this."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

ALL_ROLES = ("admin", "executive", "manager", "rep", "analyst")


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the project root
    title: str
    icon: str
    roles: tuple[str, ...]
    section: str = "Dashboard"


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", ALL_ROLES),
    PageSpec("pages/pipeline.py", "Pipeline", ":material/view_kanban:", ALL_ROLES, "Pipeline"),
    PageSpec("pages/deal.py", "Deal", ":material/handshake:", ALL_ROLES, "Pipeline"),
    PageSpec("pages/goals.py", "Goals", ":material/flag:", ALL_ROLES, "Planning"),
    PageSpec("pages/plans.py", "Sales plans", ":material/event_note:", ALL_ROLES, "Planning"),
    PageSpec(
        "pages/reports.py",
        "Stakeholder reports",
        ":material/summarize:",
        ("admin", "executive", "manager", "analyst"),
        "Reports",
    ),
    PageSpec(
        "pages/compensation.py",
        "Statements",
        ":material/payments:",
        ("admin", "executive", "manager", "rep"),
        "Compensation",
    ),
    PageSpec(
        "pages/comp_plans.py",
        "Comp plans",
        ":material/tune:",
        ("admin", "executive", "manager"),
        "Compensation",
    ),
    PageSpec(
        "pages/comp_whatif.py",
        "What-if",
        ":material/science:",
        ("admin", "executive", "manager"),
        "Compensation",
    ),
    PageSpec(
        "pages/leaderboard.py", "Leaderboard", ":material/emoji_events:", ALL_ROLES, "Compensation"
    ),
    PageSpec(
        "pages/payroll.py",
        "Payroll",
        ":material/receipt_long:",
        ("admin", "executive"),
        "Compensation",
    ),
    PageSpec("pages/funnel.py", "Funnel", ":material/filter_alt:", ALL_ROLES, "Analytics"),
    PageSpec(  # reps see their own funnel only, not territories or forecasts
        "pages/territory.py",
        "Territory",
        ":material/map:",
        ("admin", "executive", "manager", "analyst"),
        "Analytics",
    ),
    PageSpec(
        "pages/forecast.py",
        "Forecast",
        ":material/insights:",
        ("admin", "executive", "manager", "analyst"),
        "Analytics",
    ),
    PageSpec("pages/imports.py", "Imports", ":material/upload_file:", ("admin", "analyst"), "Data"),
    PageSpec(
        "pages/definitions.py", "Metric definitions", ":material/menu_book:", ALL_ROLES, "Help"
    ),
    PageSpec("pages/users.py", "Users", ":material/group:", ("admin",), "Administration"),
)


def page_for(file: str) -> PageSpec:
    """The spec of a page by its file path (absolute or relative)."""
    name = PurePath(file).name
    for spec in PAGES:
        if PurePath(spec.path).name == name:
            return spec
    raise KeyError(f"{file} is not a registered page")


def pages_for_role(role: str) -> list[PageSpec]:
    """The pages a role may open, in navigation order."""
    return [spec for spec in PAGES if role in spec.roles]
