"""The domain suites for deals and metrics, run unchanged on the shared store: the `db` fixture
of this folder puts each test on a fresh PostgreSQL database instead of the embedded file."""

from tests.unit.test_deals import *  # noqa: F403
from tests.unit.test_metrics import *  # noqa: F403
