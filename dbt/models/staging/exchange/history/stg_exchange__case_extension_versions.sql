-- Every version of exchange.case_extension received up to as_of (history; Q8 reads it).
{{ exchange_versions('case_extension', ['case_no', 'extension_seq']) }}
