-- Every version of exchange.exemption received up to as_of (history; Q8 reads it).
{{ exchange_versions('exemption', ['exemption_id']) }}
