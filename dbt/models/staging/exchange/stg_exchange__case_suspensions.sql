-- Current version of exchange.case_suspension: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__case_suspension_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
