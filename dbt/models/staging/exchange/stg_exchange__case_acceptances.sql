-- Current version of exchange.case_accepted: the latest upload per business key, as known at as_of.
-- A view: its history is a table kept incrementally, so filtering it costs a scan, not a sort,
-- and no second copy of the rows is written.
{{ config(materialized='view') }}
with versions as (

    select * from {{ ref('stg_exchange__case_acceptance_versions') }}

),

final as (

    select * from versions
    where is_current

)

select * from final
