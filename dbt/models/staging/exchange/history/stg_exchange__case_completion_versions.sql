-- Every version of exchange.case_completed received up to as_of (history; Q8 reads it).
{{ exchange_versions('case_completed', ['case_no']) }}
