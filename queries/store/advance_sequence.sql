-- Draws $steps values from the sequence named $sequence so that the values a restore wrote
-- explicitly are never handed out again; returns the last value drawn.
select max(nextval($sequence)) as last_value from range($steps)
