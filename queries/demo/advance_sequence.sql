-- Draws $steps values from sequence $sequence (a name), so ids written explicitly are skipped.
select max(nextval($sequence)) as last_value from range($steps)
