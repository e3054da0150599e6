"""The compensation suite (plans and versions, statements, clawbacks, closed quarters, disputes,
payroll), run unchanged on the shared store through this folder's `db` fixture."""

from tests.unit.test_compensation import *  # noqa: F403
