-- Current version of exchange.power_change_request: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__power_change_request_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
