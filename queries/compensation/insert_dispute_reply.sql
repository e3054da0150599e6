-- Resolves dispute $dispute_id with outcome $outcome ('accepted' | 'declined') and reply
-- $reply by user $replied_by.
insert into comp_dispute_replies (dispute_id, outcome, reply, replied_by)
values ($dispute_id, $outcome, $reply, $replied_by)
