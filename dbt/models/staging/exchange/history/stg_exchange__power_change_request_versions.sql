-- Every version of exchange.power_change_request received up to as_of (history; Q8 reads it).
{{ exchange_versions('power_change_request', ['request_id']) }}
