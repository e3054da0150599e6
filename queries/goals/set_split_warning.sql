-- Keeps (or, with null, clears) the warning $split_warning on goal $goal_id: its children do
-- not add up to it and someone chose to save the split anyway.
update goals set split_warning = $split_warning where goal_id = $goal_id
