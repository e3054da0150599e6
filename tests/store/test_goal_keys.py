"""Migration 014 on the shared store: goals written before it get their keys (the lowest
goal_id holds a key that several goals share), and the migration does not fail on them."""

from __future__ import annotations

from dashboard import store
from tests.unit.test_goals_keys import check_migration_fills_goal_keys


def test_the_migration_gives_existing_goals_their_keys_on_the_store(pg_server, tmp_path) -> None:
    name = pg_server.create_database()
    database = store.StoreDatabase(pg_server.url(name))
    try:
        check_migration_fills_goal_keys(database, tmp_path)
    finally:
        database.close()
        pg_server.drop_database(name)
