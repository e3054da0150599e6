"""The goals domain suite (targets, versions, splits, imports, permissions, one goal per key),
run unchanged on the shared store: the `db` fixture of this folder puts each test on a fresh
PostgreSQL database. Only the tests that use `db` run here (see conftest.py); the rest need no
database. Migration 014 giving existing goals their keys: test_goal_keys.py."""

from tests.unit.test_goals import *  # noqa: F403
from tests.unit.test_goals_keys import *  # noqa: F403

# input checks that refuse before anything is written (13 cases, ~11 s on the store): the unit run
# covers them; here they would only prove again that nothing was written
UNIT_ONLY = (
    "test_bad_goals_are_refused_and_explained",
    "test_files_that_are_not_goal_files_are_refused",
)
