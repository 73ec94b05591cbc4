-- Every version of exchange.power_item received up to as_of (history; Q8 reads it).
{{ exchange_versions('power_item', ['power_code', 'version']) }}
