"""The README stays true: its role table and command list match the app."""

from __future__ import annotations

import argparse
import re

import pytest

from dashboard import PROJECT_ROOT, cli
from dashboard.ui.registry import ALL_ROLES, PAGES, pages_for_role

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def names(text: str) -> list[str]:
    """'A, B and C' -> ['A', 'B', 'C']."""
    return [part.strip() for part in re.split(r",| and ", text) if part.strip()]


def documented_pages(role: str) -> set[str]:
    row = next(line for line in README.splitlines() if line.startswith(f"| {role} |"))
    pages = row.split("|")[3].strip()
    every = {spec.title for spec in PAGES}
    if pages.startswith("all but "):
        return every - set(names(pages.removeprefix("all but ")))
    if pages.startswith("all"):
        return every
    return set(names(pages))


@pytest.mark.parametrize("role", ALL_ROLES)
def test_the_role_table_lists_exactly_the_pages_of_each_role(role) -> None:
    assert documented_pages(role) == {spec.title for spec in pages_for_role(role)}


def subcommands(parser: argparse.ArgumentParser, prefix: str = "") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                nested = subcommands(child, f"{prefix}{name} ")
                found.extend(nested or [f"{prefix}{name}"])
    return found


def test_every_command_is_in_the_readme() -> None:
    commands = subcommands(cli.build_parser())
    assert "comp close" in commands and "imports undo" in commands
    missing = [name for name in commands if f"python -m dashboard {name}" not in README]
    report_kinds = "python -m dashboard report investor|board|partner|government|management"
    missing = [name for name in missing if not (name == "report" and report_kinds in README)]
    assert missing == []
