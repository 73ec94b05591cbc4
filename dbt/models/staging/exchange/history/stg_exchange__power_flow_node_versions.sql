-- Every version of exchange.power_flow_node received up to as_of (history; Q8 reads it).
{{ exchange_versions('power_flow_node', ['power_code', 'version', 'node_seq']) }}
