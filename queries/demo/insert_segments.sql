-- Customer segments of the demo (from the registered frame demo_segments).
insert into segments by name
select segment_id, segment_name from demo_segments
