-- The latest quarter start deal_quarter_states holds (null when empty).
select max(quarter_start) as captured_through
from deal_quarter_states
