-- Current version of exchange.case_accepted: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__case_acceptance_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
