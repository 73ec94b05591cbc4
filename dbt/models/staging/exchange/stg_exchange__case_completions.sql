-- Current version of exchange.case_completed: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__case_completion_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
