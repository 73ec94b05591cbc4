-- Every version of exchange.card_revocation received up to as_of (history; Q8 reads it).
{{ exchange_versions('card_revocation', ['card_id']) }}
