-- Current version of exchange.card_revocation: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__card_revocation_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
