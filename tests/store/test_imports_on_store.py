"""The import loading suite (previews, rejects, one transaction per load, the same file twice,
snapshots, undo), the file claims and the ids drawn ahead of inserts, run unchanged on the
shared store through this folder's `db` fixture."""

from tests.unit.test_import_claims import *  # noqa: F403
from tests.unit.test_import_ids import *  # noqa: F403
from tests.unit.test_import_loading import *  # noqa: F403
