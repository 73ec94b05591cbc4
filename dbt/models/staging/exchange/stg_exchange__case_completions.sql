-- Current version of exchange.case_completed: the latest upload per business key, as known at as_of.
-- Kept incrementally like its history (macro has_new_version).
{{ config(
    materialized='incremental',
    unique_key=['source_name', 'case_no'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}
with versions as (

    select * from {{ ref('stg_exchange__case_completion_versions') }}

),

final as (

    select * from versions
    where is_current
        {{ has_new_version(ref('stg_exchange__case_completion_versions'), ['case_no'], version_watermarks()) }}

)

select * from final
