"""Kill -9 tests: bounded in count and time; CRASH_ROUNDS sets how many kills per test."""

from __future__ import annotations

import os

import pytest

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "3"))


@pytest.fixture(scope="session")
def crash_rounds() -> int:
    return ROUNDS
