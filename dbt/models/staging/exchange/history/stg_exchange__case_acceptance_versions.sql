-- Every version of exchange.case_accepted received up to as_of (history; Q8 reads it).
{{ exchange_versions('case_accepted', ['case_no']) }}
