"""The import loading suite (previews, rejects, one transaction per load, the same file twice,
snapshots, undo), run unchanged on the shared store through this folder's `db` fixture."""

from tests.unit.test_import_loading import *  # noqa: F403
