-- Every version of exchange.case_suspension received up to as_of (history; Q8 reads it).
{{ exchange_versions('case_suspension', ['case_no', 'suspension_seq']) }}
