-- Every version of exchange.case_node received up to as_of (history; Q8 reads it).
{{ exchange_versions('case_node', ['case_no', 'node_seq']) }}
