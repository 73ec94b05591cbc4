-- Every version of exchange.complaint received up to as_of (history; Q8 reads it).
{{ exchange_versions('complaint', ['complaint_no']) }}
