"""The territory suite's writes (assignment rules: create, edit, retire, apply; manual moves with
their preview and history), run unchanged on the shared store: the `db` fixture of this folder
puts the story on a fresh PostgreSQL database. A new rule draws its id from the store's
PostgreSQL sequence (dashboard.db.next_ids)."""

from tests.unit.test_territory import *  # noqa: F403

# reads of the story: the unit run covers them; here they would prove nothing about writes
UNIT_ONLY = (
    "test_bookings_pipeline_and_accounts_roll_up_the_hierarchy",
    "test_goals_are_derived_from_potential_and_explicit_goals_win",
    "test_map_rows_use_the_codes_of_the_shipped_shapes",
    "test_workload_per_rep",
    "test_reps_may_not_see_territories",
)
