-- Drops the working table of the demo generator.
drop table if exists demo_deals
