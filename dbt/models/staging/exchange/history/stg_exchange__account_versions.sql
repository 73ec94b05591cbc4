-- Every version of exchange.account received up to as_of (history; Q8 reads it).
{{ exchange_versions('account', ['account_id', 'version']) }}
