-- Current version of exchange.supervision_task_action: the latest upload per business key, as known at as_of.
with versions as (

    select * from {{ ref('stg_exchange__supervision_task_action_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
