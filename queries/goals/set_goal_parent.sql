-- Links goal $goal_id to its parent goal $parent_goal_id (a split's child).
update goals set parent_goal_id = $parent_goal_id where goal_id = $goal_id
