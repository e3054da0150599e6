-- Appends one sales & marketing spend entry: $spend_month (first day), $category ('sales'
-- or 'marketing'), $amount, $note, by $entered_by; returns its spend_id.
insert into sm_spend (spend_month, category, amount, note, entered_by)
values ($spend_month, $category, $amount, $note, $entered_by)
returning spend_id
