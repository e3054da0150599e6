-- 017_whole_day_medians: the historical forecast's cycle from a stage to the win is counted
-- in whole days (floor of the time from entering the stage to the win, as deal_win_cycles
-- already kept in whole_days), like the sales cycle. The median of the fractional days took
-- a second pass over the 12 months of stays (at 10M deals, 8M of them) to order the stays of
-- the middle day(s); in whole days the counts per day decide it (win_cycle_medians, defined
-- with the monthly counts it reads in 020). The fractional days_to_win column had no other
-- reader.

alter table deal_win_cycles drop column days_to_win;
