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
