-- Every version of exchange.complaint_action received up to as_of (history; Q8 reads it).
{{ exchange_versions('complaint_action', ['complaint_no', 'action_seq']) }}
